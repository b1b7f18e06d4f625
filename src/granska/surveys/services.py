"""Writes to the surveys: opening and closing a round, inviting respondents, taking an answer.

Every write checks who acts (`require`), what the review's state allows (ValidationError on
"status") and the input (ValidationError keyed by the field), for every caller. The answer is
taken from a token, not a person: `answer_submit` is the only write a visitor without an account
makes, and it stores nothing that leads back to them (see `models`)."""

import datetime
import functools
import hashlib
import random
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.surveys.models import Answer, Invitation, Link, Questionnaire, Round, RoundGroup
from granska.surveys.respondents import email_normalised, respondents_read
from granska.surveys.vocabulary import Group, Value
from granska.text import clean_text

# A round is open for at least a day and at most a quarter of a year.
MAX_ROUND_DAYS = 92
MAX_REMINDER_DAYS = 30
MAX_REMINDERS = 5
# A free-text answer of an area; longer is refused on the respondent's page.
MAX_FREE_TEXT_CHARS = 4000
VALUES = frozenset(v.value for v in Value)


def token_new() -> str:
    """The secret of a personal link: 256 random bits, in the URL only, never stored."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256, so that the rows do not give the links."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def min_answers(round_: Round) -> int:
    """The fewest answers of a group for its results to show: the round's own threshold or the
    setting now, whichever is higher, so that no setting makes a round less anonymous."""
    return max(round_.min_answers, settings.GRANSKA_SURVEY_MIN_ANSWERS, 1)


def questionnaire_for(review: Review) -> Questionnaire | None:
    """The newest questionnaire loaded for the review's protocol version."""
    return (
        Questionnaire.objects.filter(protocol_id=review.protocol_id).order_by("-loaded_at").first()
    )


def _round_locked(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("review").get(pk=round_.pk)


def _date_checked(closes_on: datetime.date | None, today: datetime.date) -> datetime.date:
    if closes_on is None:
        raise ValidationError({"closes_on": _("Choose the day the survey closes.")})
    if closes_on < today:
        raise ValidationError({"closes_on": _("The closing day has passed.")})
    if closes_on > today + datetime.timedelta(days=MAX_ROUND_DAYS):
        raise ValidationError(
            {
                "closes_on": _("A survey is open for at most %(days)d days.")
                % {"days": MAX_ROUND_DAYS}
            }
        )
    return closes_on


def _reminders_checked(days: int | None, count: int | None) -> tuple[int, int]:
    errors = {}
    days = settings.GRANSKA_SURVEY_REMINDER_DAYS if days is None else days
    count = settings.GRANSKA_SURVEY_REMINDER_MAX if count is None else count
    if not 1 <= days <= MAX_REMINDER_DAYS:
        errors["reminder_days"] = _("Between 1 and %(max)d days.") % {"max": MAX_REMINDER_DAYS}
    if not 0 <= count <= MAX_REMINDERS:
        errors["reminder_max"] = _("Between 0 and %(max)d reminders.") % {"max": MAX_REMINDERS}
    if errors:
        raise ValidationError(errors)
    return days, count


@transaction.atomic
def round_open(
    *,
    by: User,
    review: Review,
    closes_on: datetime.date | None,
    reminder_days: int | None = None,
    reminder_max: int | None = None,
) -> Round:
    """Opens the review's survey round while it is in förberedelse, with the newest questionnaire
    for its protocol version and the threshold now set."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    require(by, "surveys.open_round", review)
    if review.status != Status.FORBEREDELSE:
        raise ValidationError(
            {"status": _("A survey is opened while the review is in preparation.")}
        )
    if Round.objects.filter(review=review).exists():
        raise ValidationError({"status": _("The review has its survey already.")})
    questionnaire = questionnaire_for(review)
    if questionnaire is None:
        raise ValidationError(
            {"status": _("No questionnaire is loaded for the review's protocol version.")}
        )
    today = timezone.localdate()
    days, count = _reminders_checked(reminder_days, reminder_max)
    return Round.objects.create(
        review=review,
        questionnaire=questionnaire,
        opened_by=by,
        opened_on=today,
        closes_on=_date_checked(closes_on, today),
        reminder_days=days,
        reminder_max=count,
        min_answers=max(settings.GRANSKA_SURVEY_MIN_ANSWERS, 1),
    )


@transaction.atomic
def round_change(
    *,
    by: User,
    round_: Round,
    version: int | None,
    closes_on: datetime.date | None,
    reminder_days: int | None,
    reminder_max: int | None,
) -> Round:
    """Changes an open round's closing day and reminders; `version` is the one the form showed."""
    round_ = _round_locked(round_)
    require(by, "surveys.open_round", round_.review)
    if round_.is_closed:
        raise ValidationError({"status": _("The survey is closed.")})
    if version != round_.version:
        raise ValidationError(
            {"version": _("Someone changed the survey meanwhile: look at it again and retry.")}
        )
    today = timezone.localdate()
    round_.closes_on = _date_checked(closes_on, today)
    round_.reminder_days, round_.reminder_max = _reminders_checked(reminder_days, reminder_max)
    round_.version += 1
    round_.save()
    return round_


class RespondentsRefused(ValidationError):
    """A list of respondents with problems: `lines` holds (line number, message) pairs, and
    nothing was added."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.lines = lines
        super().__init__(
            {
                "respondents": [
                    (_("Line %(line)d: %(problem)s") % {"line": n, "problem": p}) if n else p
                    for n, p in lines
                ]
            }
        )


@transaction.atomic
def invitations_add(
    *, by: User, round_: Round, text: str, default_group: Group | None
) -> list[Invitation]:
    """Invites the respondents of `text` (see `respondents`), all or none, and queues each a
    personal link by e-mail."""
    from granska.surveys.sending import invitation_send

    round_ = _round_locked(round_)
    require(by, "surveys.invite", round_.review)
    if round_.is_closed or round_.closes_on < timezone.localdate():
        raise ValidationError({"status": _("The survey is closed.")})
    known = frozenset(
        email_normalised(e) for e in round_.invitations.values_list("email", flat=True)
    )
    respondents, problems = respondents_read(text, default_group, known=known)
    if problems:
        raise RespondentsRefused(problems)
    if not respondents:
        raise ValidationError({"respondents": _("Write at least one e-mail address.")})
    Invitation.objects.bulk_create(
        Invitation(round=round_, email=r.email, group=r.group) for r in respondents
    )
    # Read back: not every database returns the new rows' ids from a bulk insert.
    created = list(round_.invitations.filter(email__in=[r.email for r in respondents]))
    for invitation in created:
        transaction.on_commit(functools.partial(invitation_send.enqueue, invitation.pk, False))
    return created


class LinkState(StrEnum):
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    CLOSED = "closed"


@dataclass(frozen=True)
class LinkOpened:
    state: LinkState
    round: Round | None = None
    group: Group | None = None


def link_open(token: str) -> LinkOpened:
    """What a personal link leads to: the round and group to answer, or why nothing."""
    if not token or len(token) > 100:
        return LinkOpened(LinkState.UNKNOWN)
    link = (
        Link.objects.select_related("invitation__round__questionnaire", "invitation__round__review")
        .filter(token_sha256=token_digest(token))
        .first()
    )
    if link is None:
        return LinkOpened(LinkState.UNKNOWN)
    invitation = link.invitation
    round_ = invitation.round
    if round_.is_closed or round_.closes_on < timezone.localdate():
        return LinkOpened(LinkState.CLOSED, round_)
    if invitation.answered:
        return LinkOpened(LinkState.USED, round_)
    return LinkOpened(LinkState.OPEN, round_, Group(invitation.group))


class LinkUnusable(Exception):
    """The link leads to nothing to answer now; `state` says why."""

    def __init__(self, state: LinkState) -> None:
        self.state = state
        super().__init__(state.value)


def answer_checked(
    round_: Round, group: Group, values: dict[str, str], free_text: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The answer as it is stored: only the statements of the group, only values of the scale,
    only the areas with a free-text question, the text cleaned; anything else is refused."""
    errors: dict[str, list[str]] = {}
    allowed: dict[str, list[str]] = {}
    areas_with_text: set[str] = set()
    for area in round_.questionnaire.areas.prefetch_related("statements"):
        if area.free_text:
            areas_with_text.add(area.code)
        for statement in area.statements.all():
            allowed[statement.code] = statement.groups
    kept_values: dict[str, str] = {}
    for code, value in values.items():
        if not value:
            continue
        if code not in allowed or group.value not in allowed[code]:
            errors.setdefault("values", []).append(
                _("%(code)s is not a statement of this survey.") % {"code": code[:20]}
            )
        elif value not in VALUES:
            # Keyed by the statement, so that the page shows the message beside it.
            errors.setdefault(f"values.{code}", []).append(
                _("Statement %(code)s: choose one of the answers of the scale.") % {"code": code}
            )
        else:
            kept_values[code] = value
    kept_text: dict[str, str] = {}
    for code, text in free_text.items():
        text = clean_text(text).strip()
        if not text:
            continue
        if code not in areas_with_text:
            errors.setdefault("free_text", []).append(
                _("Area %(code)s has no free-text question.") % {"code": code[:8]}
            )
        elif len(text) > MAX_FREE_TEXT_CHARS:
            errors.setdefault(f"free_text.{code}", []).append(
                _("At most %(max)d characters.") % {"max": MAX_FREE_TEXT_CHARS}
            )
        else:
            kept_text[code] = text
    if errors:
        raise ValidationError(errors)
    return kept_values, kept_text


@transaction.atomic
def answer_submit(*, token: str, values: dict[str, str], free_text: dict[str, str]) -> None:
    """Takes one respondent's answers through their link, once: the answer is stored with a
    random id, its group and round and nothing else, and the invitation marked answered, in one
    transaction. LinkUnusable when the link is unknown, used or closed; ValidationError for an
    answer outside the questionnaire."""
    link = (
        Link.objects.filter(token_sha256=token_digest(token)).select_related("invitation").first()
        if token and len(token) <= 100
        else None
    )
    if link is None:
        raise LinkUnusable(LinkState.UNKNOWN)
    invitation = Invitation.objects.select_for_update().filter(pk=link.invitation_id).first()
    if invitation is None:
        # The round closed (its invitations deleted) while this answer waited for the row.
        raise LinkUnusable(LinkState.CLOSED)
    round_ = Round.objects.select_related("questionnaire").get(pk=invitation.round_id)
    if round_.is_closed or round_.closes_on < timezone.localdate():
        raise LinkUnusable(LinkState.CLOSED)
    if invitation.answered:
        raise LinkUnusable(LinkState.USED)
    group = Group(invitation.group)
    kept_values, kept_text = answer_checked(round_, group, values, free_text)
    Answer.objects.create(
        id=uuid.uuid4(), round=round_, group=group, values=kept_values, free_text=kept_text
    )
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    # Every link of the invitation is spent with it.
    invitation.links.all().delete()


@transaction.atomic
def round_close(*, by: User | None, round_: Round) -> Round:
    """Closes a round: the number invited per group is kept, the invitations (addresses, links,
    who answered) are deleted, and the answers are written again in a random order with new
    random ids. `by` None is Granska closing it on its date."""
    round_ = _round_locked(round_)
    if by is not None:
        require(by, "surveys.open_round", round_.review)
    if round_.is_closed:
        return round_
    invited = Counter(round_.invitations.values_list("group", flat=True))
    RoundGroup.objects.bulk_create(
        RoundGroup(round=round_, group=group, invited=count) for group, count in invited.items()
    )
    round_.invitations.all().delete()
    answers = [(a.group, a.values, a.free_text) for a in round_.answers.all()]
    round_.answers.all().delete()
    random.SystemRandom().shuffle(answers)
    Answer.objects.bulk_create(
        Answer(id=uuid.uuid4(), round=round_, group=g, values=v, free_text=t) for g, v, t in answers
    )
    round_.closed_on = timezone.localdate()
    round_.version += 1
    round_.save()
    return round_


def rounds_close_due(today: datetime.date | None = None) -> int:
    """Closes every open round whose closing day has passed; returns how many."""
    today = today or timezone.localdate()
    due = list(Round.objects.filter(closed_on__isnull=True, closes_on__lt=today))
    for round_ in due:
        round_close(by=None, round_=round_)
    return len(due)


def invitations_queue_unsent(today: datetime.date | None = None) -> int:
    """Queues again the first link of everyone invited to an open round whose link has not gone
    (the mail server refused it); returns how many. The task sends a first link once, so one
    queued twice goes once."""
    from granska.surveys.sending import invitation_send

    today = today or timezone.localdate()
    unsent = list(
        Invitation.objects.filter(
            answered=False,
            sent_on__isnull=True,
            round__closed_on__isnull=True,
            round__closes_on__gte=today,
        ).values_list("pk", flat=True)
    )
    for pk in unsent:
        invitation_send.enqueue(pk, False)
    return len(unsent)


def reminders_queue(today: datetime.date | None = None) -> int:
    """Queues a reminder to everyone invited to an open round who has not answered, when the
    round's days have passed since their last link and they have had fewer than its number of
    reminders; returns how many. None after the closing day."""
    from granska.surveys.sending import invitation_send

    today = today or timezone.localdate()
    due = [
        invitation.pk
        for invitation in Invitation.objects.filter(
            answered=False,
            sent_on__isnull=False,
            round__closed_on__isnull=True,
            round__closes_on__gte=today,
        ).select_related("round")
        if invitation.reminders_sent < invitation.round.reminder_max
        and invitation.sent_on is not None
        and invitation.sent_on + datetime.timedelta(days=invitation.round.reminder_days) <= today
    ]
    for pk in due:
        invitation_send.enqueue(pk, True)
    return len(due)
