"""Writing notices: each event of a review tells the people who must act on it, once.

A notice is written in the transaction of the act it tells of (so no notice of an act that failed)
and its e-mail queued when that commits. Its key names the event ("plan_submitted:plan12v3"): the
same event never tells the same person twice, however often the act's code runs."""

import functools
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation

from granska.accounts.models import Role, User
from granska.notices.messages import BODIES, SUBJECTS
from granska.notices.models import Notice, NoticeKind
from granska.notices.sending import notice_send
from granska.reviews.models import Review
from granska.text import clean_line, clean_text

SUBJECT_MAX_CHARS = 300
# A part of the subject (the unit's name, an action) is cut to this many characters.
PART_MAX_CHARS = 160


def notices_record(
    *, kind: NoticeKind, review: Review, to: Iterable[User], event: str, link: str, **params: str
) -> list[Notice]:
    """Writes the notice of `event` to each active person in `to` who does not have it yet, and
    queues its e-mail for when the transaction commits. Returns the notices written now."""
    key = f"{kind}:{event}"
    subject, body = notice_text(kind, review, params)
    written = []
    for person in {user.pk: user for user in to if user.is_active}.values():
        notice, created = Notice.objects.get_or_create(
            recipient=person,
            key=key,
            defaults={
                "kind": kind,
                "review": review,
                "subject": subject,
                "body": body,
                "link": link,
            },
        )
        if created:
            transaction.on_commit(functools.partial(notice_send.enqueue, notice.pk))
            written.append(notice)
    return written


def notice_text(kind: NoticeKind, review: Review, params: dict[str, str]) -> tuple[str, str]:
    """The notice's subject and text in Swedish, from texts cleaned of whatever they hold: a line
    break in a name would break the e-mail's subject, a long one is cut short there."""
    values = {"unit": review.unit.name, **params}
    parts = {name: _short(_plain(value)) for name, value in values.items()}
    with translation.override("sv"):
        subject = _short(clean_line(str(SUBJECTS[kind]) % parts), SUBJECT_MAX_CHARS)
        body = clean_text(str(BODIES[kind]) % parts)
    return subject, body


# Bidirectional embeddings, overrides and isolates: in a subject they would turn the rest of the
# line around ("\u202e" makes "fdp.exe" read backwards).
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _plain(text: str) -> str:
    return clean_line(text.translate(_BIDI_CONTROLS))


def _short(text: str, limit: int = PART_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unit_contacts(review: Review) -> QuerySet[User]:
    """The unit's contacts, who act for it."""
    return review.unit.members.filter(is_active=True, role=Role.VERKSAMHET)


def review_inspectors(review: Review) -> QuerySet[User]:
    return review.inspectors.filter(is_active=True)


def kansli_staff() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.KANSLI)


def notify_unit(
    *, kind: NoticeKind, review: Review, event: str, link: str, **params: str
) -> list[Notice]:
    """Tells the unit's contacts of `event`."""
    return notices_record(
        kind=kind, review=review, to=unit_contacts(review), event=event, link=link, **params
    )


def notify_inspectors(
    *, kind: NoticeKind, review: Review, event: str, link: str, **params: str
) -> list[Notice]:
    """Tells the review's inspectors of `event`."""
    return notices_record(
        kind=kind, review=review, to=review_inspectors(review), event=event, link=link, **params
    )


def notify_kansli(
    *, kind: NoticeKind, review: Review, event: str, link: str, **params: str
) -> list[Notice]:
    """Tells everyone at the kansli of `event`."""
    return notices_record(
        kind=kind, review=review, to=kansli_staff(), event=event, link=link, **params
    )
