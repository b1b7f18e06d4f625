"""Reminders on frozen days: the right mails on the right days, none twice, none after a date is
kept; queued by `granska remind` and sent by the worker."""

import datetime
import io
import logging
import smtplib
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from granska.actionplans.models import ActionPlan, Decision, PlanStatus, Reminder
from granska.actionplans.reminders import reminder_send
from granska.actionplans.services import ItemInput, followup_report, plan_save
from granska.workflow.plans import followup_decide, plan_accept
from tests.chain import People
from tests.signals import signal_handlers_restored

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=1))
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ONE = ItemInput(
    action="Rutin för revision av utbildningsprogram.",
    completion="2027-03-31",
    responsible="Nils Ek",
    responsible_email="nils.ek@enheten.example",
    followup="Q2 2027",
    followup_responsible="Mona Berg",
    followup_responsible_email="mona.berg@enheten.example",
)


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """The task runs when it is queued, so that each day's mails are in the outbox at once."""
    settings.TASKS = IMMEDIATE


def remind(day: datetime.date, capture: Any) -> list[Any]:
    """Runs `granska remind` on `day`; returns the mails sent."""
    before = len(mail.outbox)
    with (
        time_machine.travel(datetime.datetime(day.year, day.month, day.day, 6, tzinfo=TZ)),
        capture(execute=True),
    ):
        call_command("remind", stdout=io.StringIO())
    return mail.outbox[before:]


@pytest.fixture
def accepted(plan: ActionPlan, people: People) -> ActionPlan:
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), ONE)
    plan = plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    return plan_accept(plan=plan, by=people.inspector)


def to(mails: list[Any]) -> list[str]:
    return sorted(address for message in mails for address in message.to)


def test_an_action_is_reminded_before_its_date_and_when_overdue_never_twice(
    accepted: ActionPlan, people: People, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    assert remind(datetime.date(2027, 3, 16), capture) == []  # 15 days before: too early
    due = remind(datetime.date(2027, 3, 17), capture)  # 14 days before the three actions' date
    assert len(due) == 6  # three actions, to the unit's contact and the one responsible
    assert set(to(due)) == {people.contact.email, "nils.ek@enheten.example"}
    first = due[0]
    assert first.subject.startswith("Påminnelse: En åtgärd ska snart vara genomförd")
    assert "ska vara genomförd 2027-03-31" in first.body
    assert "/handlingsplan/" in first.body
    assert remind(datetime.date(2027, 3, 17), capture) == []  # the same day again: nothing
    assert remind(datetime.date(2027, 3, 20), capture) == []  # within the window: already sent

    overdue = remind(datetime.date(2027, 4, 1), capture)
    assert len(overdue) == 6
    assert overdue[0].subject.startswith("Påminnelse: En åtgärd är försenad")
    assert remind(datetime.date(2027, 4, 2), capture) == []
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 6


def test_no_reminder_for_an_action_reported_or_confirmed(
    accepted: ActionPlan, people: People, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    first, *rest = list(accepted.items.all())
    followup_decide(
        report=followup_report(item=first, by=people.contact, text="Klart i förtid."),
        by=people.inspector,
        decision=Decision.CONFIRMED,
    )
    for item in rest:
        followup_report(item=item, by=people.contact, text="Gjort; väntar på bekräftelse.")
    assert remind(datetime.date(2027, 4, 1), capture) == []  # every action is reported
    # The follow-up of the reported ones is still due (Q2 2027: 2027-06-30), not of the first;
    # it waits for the inspectors' confirmation, so the reminder goes to them, not to the unit.
    followup = remind(datetime.date(2027, 6, 16), capture)
    inspectors = {user.email for user in accepted.review.inspectors.all()}
    assert len(followup) == len(inspectors) * len(rest)
    assert set(to(followup)) == inspectors
    assert people.contact.email not in to(followup)
    assert all("väntar på din bekräftelse" in message.body for message in followup)
    assert all("följas upp Q2 2027" in message.body for message in followup)
    assert not Reminder.objects.filter(item=first).exists()


def test_a_reminder_recorded_but_overtaken_before_it_is_sent_sends_nothing(
    accepted: ActionPlan, people: People, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Queued for the worker, then the action is confirmed: the worker sends nothing."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    remind(datetime.date(2027, 3, 17), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    for item in accepted.items.all():
        followup_decide(
            report=followup_report(item=item, by=people.contact, text="Gjort."),
            by=people.kansli,
            decision=Decision.CONFIRMED,
        )
    for reminder in Reminder.objects.all():
        assert reminder_send.call(reminder.pk) == 0
    assert mail.outbox == []


def test_the_plan_deadline_is_reminded_until_the_plan_is_submitted(
    plan: ActionPlan, people: People, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    plan.due_date = datetime.date(2027, 2, 22)
    plan.save(update_fields=["due_date"])
    soon = remind(datetime.date(2027, 2, 8), capture)
    assert to(soon) == [people.contact.email]  # the unit's contacts
    assert soon[0].subject == (
        f"Påminnelse: Handlingsplanen ska snart lämnas in – {plan.review.unit.name}"
    )
    assert "senast 2027-02-22" in soon[0].body
    late = remind(datetime.date(2027, 2, 23), capture)
    assert "har inte lämnats in" in late[0].body
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), ONE)
    plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.INLAMNAD
    Reminder.objects.all().delete()  # even forgetting what was sent, a submitted plan is quiet
    assert remind(datetime.date(2027, 2, 24), capture) == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_remind_queued(
    accepted: ActionPlan, people: People, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """With the database queue, as in production: `remind` queues, `db_worker` sends. The
    worker closes its database connection between tasks, so this test commits for real."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    mail.outbox.clear()  # the notices of the plan's acts, sent as they were made
    assert remind(datetime.date(2027, 3, 17), django_capture_on_commit_callbacks) == []
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 3
    with signal_handlers_restored():
        call_command(
            "db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert len(mail.outbox) == 6
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    reminder = Reminder.objects.first()
    assert reminder is not None
    assert reminder.recipients == 2


def test_no_address_or_name_reaches_the_task_queue(
    accepted: ActionPlan, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    remind(datetime.date(2027, 3, 17), django_capture_on_commit_callbacks)
    stored = " ".join(f"{task.args_kwargs}" for task in DBTaskResult.objects.all())
    assert stored
    assert "@" not in stored
    assert "Nils" not in stored


def test_a_refused_recipient_gets_the_reminder_at_the_next_run_and_nobody_gets_it_twice(
    accepted: ActionPlan,
    people: People,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    real_send = EmailMessage.send

    def refusing(message: EmailMessage, *args: Any, **kwargs: Any) -> int:
        if "nils.ek@enheten.example" in message.to:
            raise smtplib.SMTPRecipientsRefused({"nils.ek@enheten.example": (550, b"No")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", refusing)
    with caplog.at_level(logging.INFO, logger="granska.actionplans.reminders"):
        first = remind(datetime.date(2027, 3, 17), capture)
    assert to(first) == [people.contact.email] * 3  # the contact got all three
    assert not Reminder.objects.filter(sent_at__isnull=False).exists()
    assert "SMTPRecipientsRefused" in caplog.text
    assert "@" not in caplog.text  # the log names the reminder, never the address

    monkeypatch.setattr(EmailMessage, "send", real_send)
    again = remind(datetime.date(2027, 3, 18), capture)
    assert to(again) == ["nils.ek@enheten.example"] * 3  # only the one who lacked it
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert set(Reminder.objects.values_list("recipients", flat=True)) == {2}
    assert remind(datetime.date(2027, 3, 19), capture) == []
