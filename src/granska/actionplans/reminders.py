"""Reminder e-mails: decided by `granska remind` (daily), sent by a task the worker runs.

A reminder is recorded (`Reminder`) before its task is queued, under a key naming its kind, its
plan or action and its date: a second run of `granska remind` finds it sent and queues nothing.
The task reads the recipients when it runs, so no address sits in the queue, sends nothing for a
date kept meanwhile (a plan submitted, an action reported or confirmed), and records who has the
reminder (as a hash), so that one the mail server refused is sent at the next run to those who
lack it and to nobody twice. A reminder with nobody to send to stays unsent until someone is.

The message is made from the stored texts cleaned on the way out (`granska.text`), whatever they
hold: a line break in the unit's name would make the subject an invalid header, and an address
that is not one is left out (logged, without the address) rather than failing the whole run."""

import datetime
import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from granska.accounts.models import Role
from granska.actionplans.models import (
    PLAN_WRITABLE,
    FollowUp,
    PlanStatus,
    Reminder,
    ReminderKind,
)
from granska.actionplans.selectors import ReminderDue, reminders_due
from granska.notices.sending import address_deliverable
from granska.text import clean_line, clean_text

logger = logging.getLogger(__name__)

PLAN_KINDS = {ReminderKind.PLAN_DUE, ReminderKind.PLAN_OVERDUE}
ACTION_KINDS = {ReminderKind.ACTION_DUE, ReminderKind.ACTION_OVERDUE}
FOLLOWUP_KINDS = {ReminderKind.FOLLOWUP_DUE, ReminderKind.FOLLOWUP_OVERDUE}


def reminders_queue(today: datetime.date) -> list[Reminder]:
    """Records and queues every reminder due today; queues again one that an earlier try did not
    get through to everyone (the task's lock and its record of who has it keep that safe)."""
    queued = []
    for due in reminders_due(today):
        reminder = _record(due)
        if reminder is not None:
            queued.append(reminder)
    return queued


@transaction.atomic
def _record(due: ReminderDue) -> Reminder | None:
    reminder, created = Reminder.objects.get_or_create(
        key=due.key,
        defaults={
            "kind": due.kind,
            "plan": due.due.plan,
            "item": due.due.item,
            "for_date": due.due.day,
        },
    )
    if not created and reminder.sent_at is not None:
        return None
    transaction.on_commit(lambda: reminder_send.enqueue(reminder.pk))
    return reminder


def recipient_mark(address: str) -> str:
    """Who has had a reminder, without keeping the address: a short one-way hash of it."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def still_due(reminder: Reminder) -> bool:
    """Whether the date the reminder is about is still unkept."""
    plan = reminder.plan
    if reminder.kind in PLAN_KINDS:
        return plan.status in PLAN_WRITABLE
    item = reminder.item
    if item is None or plan.status != PlanStatus.GODKAND or item.followup == FollowUp.CONFIRMED:
        return False
    if reminder.kind in ACTION_KINDS:
        return item.followup == FollowUp.OPEN and item.completion_date == reminder.for_date
    return item.followup_date == reminder.for_date


def awaits_confirmation(reminder: Reminder) -> bool:
    """Whether the next act is the inspectors': a follow-up the unit has reported, which waits
    for their confirmation (as `workflow.waiting` counts it, a report to confirm)."""
    item = reminder.item
    return (
        reminder.kind in FOLLOWUP_KINDS and item is not None and item.followup == FollowUp.REPORTED
    )


def recipients(reminder: Reminder) -> list[str]:
    """Whoever must act next: the unit's contacts, and for an action the people named responsible
    for it; for a follow-up the unit has reported, the review's inspectors, who confirm it."""
    review = reminder.plan.review
    item = reminder.item
    if awaits_confirmation(reminder):
        addresses = list(review.inspectors.filter(is_active=True).values_list("email", flat=True))
        item = None
    else:
        addresses = list(
            review.unit.members.filter(is_active=True, role=Role.VERKSAMHET).values_list(
                "email", flat=True
            )
        )
    if item is not None:
        named = (
            item.responsible_email
            if reminder.kind in ACTION_KINDS
            else item.followup_responsible_email
        )
        if named:
            addresses.append(named)
    unique: dict[str, str] = {}
    for address in addresses:
        if address_deliverable(address):
            unique.setdefault(address.lower(), address)
        else:
            logger.warning("Reminder %s: a stored address is not an e-mail address", reminder.key)
    return sorted(unique.values())


def message(reminder: Reminder, to: str) -> EmailMessage:
    """The reminder as an e-mail in Swedish, to one recipient (nobody sees the others)."""
    review = reminder.plan.review
    item = reminder.item
    unit = clean_line(review.unit.name)
    with translation.override("sv"):
        context = {
            "reminder": reminder,
            "unit": unit,
            "item": item,
            "url": settings.GRANSKA_SITE_URL + reverse("actionplans:plan", args=[review.pk]),
            "overdue": reminder.kind.endswith("overdue"),
            "confirm": awaits_confirmation(reminder),
        }
        if item is not None:
            context |= {
                "completion": clean_line(item.completion_text),
                "followup": clean_line(item.followup_text),
                "subject_line": clean_line(
                    f"{item.criterion.code}: {item.criterion.text}"
                    if item.criterion
                    else f"{item.area.code}. {item.area.title}"
                ),
                "action": clean_text(item.action),
            }
        subject = clean_line(
            _("Reminder: %(what)s – %(unit)s")
            % {"what": ReminderKind(reminder.kind).label, "unit": unit}
        )
        body = clean_text(render_to_string("actionplans/reminder_email.txt", context))
    return EmailMessage(subject=subject, body=body, to=[to])


@task()
def reminder_send(reminder_id: int) -> int:
    """Sends one recorded reminder to each recipient who does not have it yet; returns how many
    have it. A recipient the mail server refuses is tried again at the next `granska remind`; the
    log names the reminder and the kind of failure, never the address."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("plan__review__unit", "item__area", "item__criterion")
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None or not still_due(reminder):
            return 0
        delivered = set(reminder.delivered)
        failed = 0
        addresses = recipients(reminder)
        if not addresses and not delivered:
            # Nobody to send to yet (the unit has no contact): the reminder stays unsent, and the
            # next run sends it to whoever has been added meanwhile.
            logger.warning(
                "Reminder %s has no recipient yet; tried again at the next run", reminder.key
            )
            return 0
        for address in addresses:
            mark = recipient_mark(address)
            if mark in delivered:
                continue
            try:
                message(reminder, address).send()
            except (smtplib.SMTPException, OSError) as error:
                failed += 1
                logger.warning(
                    "Reminder %s: one recipient could not be reached (%s); tried again at the "
                    "next run",
                    reminder.key,
                    type(error).__name__,
                )
                continue
            delivered.add(mark)
        reminder.delivered = sorted(delivered)
        reminder.recipients = len(delivered)
        if not failed:
            reminder.sent_at = timezone.now()
        reminder.save(update_fields=["delivered", "recipients", "sent_at"])
    logger.info("Reminder %s sent to %d recipients", reminder.key, len(delivered))
    return len(delivered)
