"""Notices on frozen days: who is told of what, once, in Swedish with the link to the page where
they act; on the home page only one's own; hostile names never break the e-mail."""

import datetime
import io
import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionPlan, Decision
from granska.actionplans.services import followup_report, plan_return, plan_save
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.notices.models import Notice, NoticeKind
from granska.notices.selectors import HOME_NOTICES
from granska.notices.sending import RETRY_DAYS, notice_send, notices_queue_unsent
from granska.notices.services import notices_record
from granska.reports.models import CommentDecision
from granska.reports.services import draft_comment_add, draft_comment_answer
from granska.reviews.models import Review
from granska.reviews.services import inspector_unassign, review_booking_change
from granska.workflow.announce import move_announce
from granska.workflow.assignments import inspector_assign
from granska.workflow.moves import final_report_correct, review_move
from granska.workflow.plans import followup_decide, plan_accept
from tests.builders import COMPLETE_ITEM, kansli_user, review_at, review_booked
from tests.chain import DEVIATIONS, People, graded_review
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=1))
SITE = "https://granska.example.se"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
HOSTILE = (
    "Kliniken\r\nBcc: angripare@example.com för Ölänningar ✓ עִבְרִית 🏥 " + "Å" * 150 + " \u202eslut"
)


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """Each notice's e-mail goes when its act commits; links point at a set site."""
    settings.TASKS = IMMEDIATE
    settings.GRANSKA_SITE_URL = SITE


Act = Callable[[], Any]


@pytest.fixture
def act(django_capture_on_commit_callbacks: Any) -> Callable[[Act], list[EmailMessage]]:
    """Runs an act as if its transaction committed at once; returns the e-mails it sent."""

    def run(what: Act) -> list[EmailMessage]:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            what()
        return list(mail.outbox[before:])

    return run


@contextmanager
def on(day: datetime.date) -> Iterator[None]:
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, tzinfo=TZ)):
        yield


def to(mails: list[EmailMessage]) -> list[str]:
    return sorted(address for message in mails for address in message.to)


def kinds(user: User) -> list[str]:
    return sorted(Notice.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def utkast(protocol: ProtocolVersion, people: People) -> Review:
    """A graded draft with its two inspectors and its unit's contact."""
    review = graded_review(
        protocol, DEVIATIONS, status=Status.UTKAST, inspectors=(people.inspector,)
    )
    review.unit.members.add(people.contact)
    return review


def test_an_inspector_is_told_when_assigned_once_with_the_review_link(
    protocol: ProtocolVersion, act: Callable[[Act], list[EmailMessage]]
) -> None:
    review = review_booked(protocol)
    inspector = UserFactory(role=Role.INSPEKTOR, email="ines@inspektor.example")
    sent = act(lambda: inspector_assign(by=kansli_user(), review=review, inspector=inspector))
    assert to(sent) == ["ines@inspektor.example"]
    message = sent[0]
    assert message.subject == f"Du är inspektör i granskningen av {review.unit.name}"
    assert "Du är utsedd till inspektör i granskningen av" in message.body
    assert message.body.startswith("Hej,")
    assert f"{SITE}/granskningar/{review.pk}/" in message.body
    # Taken off and assigned again: the same event, not told twice.
    inspector_unassign(by=kansli_user(), review=review, inspector=inspector)
    assert act(lambda: inspector_assign(by=kansli_user(), review=review, inspector=inspector)) == []
    assert kinds(inspector) == [NoticeKind.ASSIGNED]


def test_a_refused_assignment_tells_nobody(
    protocol: ProtocolVersion, act: Callable[[Act], list[EmailMessage]]
) -> None:
    review = review_booked(protocol)
    not_inspector = UserFactory(role=Role.VERKSAMHET)
    with pytest.raises(ValidationError):
        act(lambda: inspector_assign(by=kansli_user(), review=review, inspector=not_inspector))
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_the_chain_tells_each_person_what_they_must_act_on_once(
    utkast: Review, people: People, act: Callable[[Act], list[EmailMessage]]
) -> None:
    review = utkast
    inspectors = sorted(user.email for user in review.inspectors.all())
    with on(datetime.date(2026, 11, 2)):
        # The draft to the unit's fact check: the unit's contact, and only the unit, is told.
        sent = act(
            lambda: review_move(review=review, target=Status.FAKTAGRANSKNING, by=people.inspector)
        )
        assert to(sent) == [people.contact.email]
        assert sent[0].subject.startswith("Utkastet till rapport är öppet för er faktagranskning")
        assert f"{SITE}/granskningar/{review.pk}/rapport/" in sent[0].body

        # Two comments the same day: the inspectors are told once.
        sent = act(
            lambda: draft_comment_add(review=review, by=people.contact, section="A", text="Fel.")
        )
        assert to(sent) == inspectors
        assert "har kommenterat utkastet" in sent[0].subject
        assert (
            act(lambda: draft_comment_add(review=review, by=people.contact, section="B", text="X"))
            == []
        )
    with on(datetime.date(2026, 11, 3)):
        # Another day's comment is a new event.
        sent = act(
            lambda: draft_comment_add(review=review, by=people.contact, section="C", text="Y")
        )
        assert to(sent) == inspectors

    # The final report with a D: the unit is told it is issued and that its plan is due.
    for comment in review.draft_comments.all():
        draft_comment_answer(
            comment=comment, by=people.inspector, answer="Tack.", decision=CommentDecision.UNCHANGED
        )
    with on(datetime.date(2026, 11, 10)):
        sent = act(lambda: review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli))
    plan = ActionPlan.objects.get(review=review)
    assert to(sent) == [people.contact.email] * 2
    subjects = sorted(message.subject for message in sent)
    assert subjects[0].startswith(f"Lämna in en handlingsplan senast {plan.due_date.isoformat()}")
    assert subjects[1].startswith("Slutrapporten är utfärdad")
    issued = next(message for message in sent if message.subject.startswith("Slutrapporten"))
    assert "Version 1 av slutrapporten" in issued.body
    due = next(message for message in sent if message.subject.startswith("Lämna in"))
    assert f"{SITE}/granskningar/{review.pk}/handlingsplan/" in due.body

    # The plan submitted: the inspectors; returned: the unit; submitted again: the inspectors.
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), COMPLETE_ITEM)
    sent = act(
        lambda: plan_save(
            plan=plan, version=plan.version, items=items, by=people.contact, submit=True
        )
    )
    assert to(sent) == inspectors
    assert sent[0].subject.startswith("Handlingsplanen är inlämnad")
    plan.refresh_from_db()
    first = plan.items.first()
    assert first is not None
    sent = act(lambda: plan_return(plan=plan, by=people.inspector, comments={first.pk: "Mer."}))
    assert to(sent) == [people.contact.email]
    assert sent[0].subject.startswith("Handlingsplanen är återförvisad")
    assert f"lämna in den igen senast {plan.due_date.isoformat()}" in sent[0].body
    plan.refresh_from_db()
    sent = act(
        lambda: plan_save(
            plan=plan, version=plan.version, items=items, by=people.contact, submit=True
        )
    )
    assert to(sent) == inspectors
    plan.refresh_from_db()

    # Accepted: the unit; more asked for in a follow-up: the unit.
    sent = act(lambda: plan_accept(plan=plan, by=people.inspector))
    assert to(sent) == [people.contact.email]
    assert sent[0].subject.startswith("Handlingsplanen är godkänd")
    item = plan.items.first()
    assert item is not None
    report = followup_report(item=item, by=people.contact, text="Rutinen är införd.")
    sent = act(
        lambda: followup_decide(
            report=report, by=people.inspector, decision=Decision.MORE, comment="Bifoga rutinen."
        )
    )
    assert to(sent) == [people.contact.email]
    assert sent[0].subject.startswith("Komplettering begärs i uppföljningen")
    assert "behöver kompletteras" in sent[0].body

    # Who had what: the unit nothing meant for the inspectors, and the reverse.
    assert kinds(people.contact) == sorted(
        [
            NoticeKind.DRAFT_OPEN,
            NoticeKind.REPORT_ISSUED,
            NoticeKind.PLAN_REQUIRED,
            NoticeKind.PLAN_RETURNED,
            NoticeKind.PLAN_ACCEPTED,
            NoticeKind.FOLLOWUP_MORE,
        ]
    )
    # (assigned by the builders, through the reviews' service, which tells nobody)
    assert kinds(people.inspector) == sorted(
        [
            NoticeKind.DRAFT_COMMENTED,
            NoticeKind.DRAFT_COMMENTED,
            NoticeKind.PLAN_SUBMITTED,
            NoticeKind.PLAN_SUBMITTED,
        ]
    )
    assert kinds(people.other_contact) == []
    assert not Notice.objects.filter(sent_at__isnull=True).exists()


def test_the_same_event_twice_tells_nobody_twice(
    utkast: Review, people: People, act: Callable[[Act], list[EmailMessage]]
) -> None:
    review = review_move(review=utkast, target=Status.FAKTAGRANSKNING, by=people.inspector)
    assert act(lambda: move_announce(review)) == []  # written with the move, not again
    sent = act(
        lambda: notices_record(
            kind=NoticeKind.DRAFT_OPEN, review=review, to=[people.kansli], event="x", link="/"
        )
    )
    again = act(
        lambda: notices_record(
            kind=NoticeKind.DRAFT_OPEN,
            review=review,
            to=[people.kansli, people.kansli],
            event="x",
            link="/",
        )
    )
    assert len(sent) == 1
    assert again == []
    assert Notice.objects.filter(recipient=people.kansli).count() == 1
    # A task queued twice for one notice sends it once.
    notice = Notice.objects.get(recipient=people.kansli)
    before = len(mail.outbox)
    assert notice_send.call(notice.pk) is False
    assert len(mail.outbox) == before


def test_a_corrected_final_report_is_announced_as_its_version(
    protocol: ProtocolVersion, people: People, act: Callable[[Act], list[EmailMessage]]
) -> None:
    review = graded_review(protocol, {}, inspectors=(people.inspector,))
    review.unit.members.add(people.contact)
    sent = act(lambda: review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli))
    assert [message.subject for message in sent] == [
        f"Slutrapporten är utfärdad: {review.unit.name}"
    ]
    sent = act(lambda: final_report_correct(review=review, by=people.kansli, reason="Fel datum."))
    assert to(sent) == [people.contact.email]
    assert "Version 2 av slutrapporten" in sent[0].body


def test_the_kansli_is_told_of_late_steps_once_per_step_and_date(
    protocol: ProtocolVersion,
    plan: ActionPlan,
    people: People,
    django_capture_on_commit_callbacks: Any,
) -> None:
    visit = review_booked(protocol, visit_date=datetime.date(2027, 1, 20))
    other_kansli = UserFactory(role=Role.KANSLI)

    def notify(day: datetime.date) -> list[EmailMessage]:
        before = len(mail.outbox)
        with on(day), django_capture_on_commit_callbacks(execute=True):
            call_command("notify", stdout=io.StringIO())
        return list(mail.outbox[before:])

    notify(datetime.date(2027, 1, 19))  # sends the plan's notices, never sent (not committed)
    assert notify(datetime.date(2027, 1, 20)) == []  # the visit is today: not late
    late = notify(datetime.date(2027, 1, 21))
    kansli = sorted(
        User.objects.filter(role=Role.KANSLI, is_active=True).values_list("email", flat=True)
    )
    assert other_kansli.email in kansli
    assert people.kansli.email in kansli
    assert to(late) == kansli
    assert late[0].subject == f"Försenat: besöket hos {visit.unit.name}"
    assert "2027-01-20, har passerat" in late[0].body
    assert "fortfarande i bokad" in late[0].body
    assert notify(datetime.date(2027, 1, 22)) == []  # the same step and date: told already

    # The visit moved to a later date that passes too: a new event.
    review_booking_change(
        by=kansli_user(),
        review=visit,
        visit_date=datetime.date(2027, 2, 1),
        publish_report=visit.publish_report,
    )
    # The plan (due three months after the report) late as well by then.
    day_after = plan.due_date + datetime.timedelta(days=1)
    late = notify(max(day_after, datetime.date(2027, 2, 2)))
    subjects = sorted({message.subject for message in late})
    assert subjects == sorted(
        [
            f"Försenad: handlingsplanen för {plan.review.unit.name}",
            f"Försenat: besöket hos {visit.unit.name}",
        ]
    )
    assert not any(people.contact.email in message.to for message in late)
    assert notify(max(day_after, datetime.date(2027, 2, 2))) == []


def test_a_refused_notice_is_sent_at_the_next_run_without_the_address_in_the_log(
    utkast: Review,
    people: People,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    act: Callable[[Act], list[EmailMessage]],
) -> None:
    def refuse(self: EmailMessage, fail_silently: bool = False) -> int:
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with caplog.at_level(logging.DEBUG):
        act(lambda: review_move(review=utkast, target=Status.FAKTAGRANSKNING, by=people.inspector))
    notice = Notice.objects.get(recipient=people.contact)
    assert notice.sent_at is None
    monkeypatch.undo()
    with caplog.at_level(logging.DEBUG):
        act(lambda: call_command("notify", stdout=io.StringIO()))
        act(lambda: call_command("notify", stdout=io.StringIO()))
    notice.refresh_from_db()
    assert notice.sent_at is not None
    assert to([m for m in mail.outbox if m.subject == notice.subject]) == [people.contact.email]
    logged = caplog.text
    assert "could not be sent (SMTPRecipientsRefused)" in logged
    assert notices_queue_unsent() == 0  # sent: never queued again
    assert people.contact.email not in logged
    assert "Vera" not in logged
    assert utkast.unit.name not in logged


def test_hostile_names_never_break_the_e_mail(
    protocol: ProtocolVersion, people: People, act: Callable[[Act], list[EmailMessage]]
) -> None:
    unit = UnitFactory(name=HOSTILE[:200])
    unit.members.add(people.contact)
    review = review_at(Status.UTKAST, protocol, unit=unit, deviations={})
    sent = act(lambda: review_move(review=review, target=Status.FAKTAGRANSKNING, by=kansli_user()))
    assert to(sent) == [people.contact.email]
    message = sent[0]
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    assert len(message.subject) <= 300
    assert message.subject.endswith("…")
    assert "Kliniken Bcc: angripare@example.com för Ölänningar ✓ עִבְרִית 🏥" in message.subject
    assert "\u202e" not in f"{message.subject} {message.body}"
    raw = message.message().as_bytes()  # the whole MIME message is built without error
    assert b"\nBcc:" not in raw
    assert message.recipients() == [people.contact.email]
    assert "Kliniken Bcc: angripare@example.com" in message.body


def test_the_home_page_shows_the_persons_own_notices_newest_first_and_a_limited_number(
    protocol: ProtocolVersion, people: People, client: Client
) -> None:
    review = review_booked(protocol)
    with on(datetime.date(2026, 11, 1)):
        notices_record(
            kind=NoticeKind.ASSIGNED,
            review=review,
            to=[people.inspector],
            event="old",
            link="/granskningar/1/",
        )
    for n in range(HOME_NOTICES + 2):
        with on(datetime.date(2026, 11, 2) + datetime.timedelta(days=n)):
            notices_record(
                kind=NoticeKind.PLAN_SUBMITTED,
                review=review,
                to=[people.inspector],
                event=f"new{n}",
                link=f"/granskningar/{review.pk}/handlingsplan/",
            )
    notices_record(
        kind=NoticeKind.DRAFT_OPEN,
        review=review,
        to=[people.contact],
        event="theirs",
        link="/granskningar/9/rapport/",
    )
    client.force_login(people.inspector)
    page = client.get(reverse("reviews:home")).content.decode()
    assert "Meddelanden" in page
    assert page.count("Handlingsplanen är inlämnad") == HOME_NOTICES
    assert "Du är inspektör" not in page  # the oldest, past the limit
    assert "Utkastet till rapport" not in page  # someone else's
    newest = page.index(f'datetime="2026-11-{2 + HOME_NOTICES + 1:02d}"')
    assert newest < page.index(f'datetime="2026-11-{2 + HOME_NOTICES:02d}"')

    client.force_login(people.contact)
    page = client.get(reverse("reviews:home")).content.decode()
    assert "Utkastet till rapport" in page
    assert 'href="/granskningar/9/rapport/"' in page
    assert "Handlingsplanen är inlämnad" not in page

    client.force_login(people.kansli)
    page = client.get(reverse("reviews:home")).content.decode()
    assert "Du har inga meddelanden." in page


def test_a_notice_is_escaped_on_the_home_page(
    protocol: ProtocolVersion, people: People, client: Client
) -> None:
    review = review_booked(protocol, unit=UnitFactory(name="<script>alert(1)</script>"))
    notices_record(
        kind=NoticeKind.ASSIGNED, review=review, to=[people.inspector], event="x", link="/"
    )
    client.force_login(people.inspector)
    page = client.get(reverse("reviews:home")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_assign_page_tells_the_inspector(
    protocol: ProtocolVersion,
    people: People,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The kansli's page assigns through the workflow, which tells the inspector."""
    review = review_booked(protocol)
    client.force_login(people.kansli)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:assign", args=[review.pk]), {"inspector": people.inspector.pk}
        )
    assert response.status_code == 302
    assert to(mail.outbox) == [people.inspector.email]
    assert kinds(people.inspector) == [NoticeKind.ASSIGNED]
    client.force_login(people.inspector)
    page = client.get(reverse("reviews:home")).content.decode()
    assert f"Du är inspektör i granskningen av {review.unit.name}" in page
    assert f'href="/granskningar/{review.pk}/"' in page


def test_a_notice_unsent_for_a_month_is_no_longer_tried(
    protocol: ProtocolVersion, people: People
) -> None:
    review = review_booked(protocol)
    people.inspector.email = "inte en adress"
    people.inspector.save(update_fields=["email"])
    with on(datetime.date(2026, 11, 1)):
        (notice,) = notices_record(
            kind=NoticeKind.ASSIGNED, review=review, to=[people.inspector], event="x", link="/"
        )
        assert notice_send.call(notice.pk) is False  # no usable address: left unsent
        assert notices_queue_unsent() == 1
    with on(datetime.date(2026, 11, 1) + datetime.timedelta(days=RETRY_DAYS + 1)):
        assert notices_queue_unsent() == 0
    notice.refresh_from_db()
    assert notice.sent_at is None
    assert mail.outbox == []
