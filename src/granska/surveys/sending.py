"""Sending the personal links: a task the worker (django-tasks-db) runs, one e-mail a link.

The task takes the invitation's id only: it makes the link's token when it runs, stores its
SHA-256 and puts the token in the e-mail, so that no token sits in the queue, the database or a
log. A reminder is a new link of its own; every link of the invitation works until one is used
or the round closes. The log names the invitation, never the address."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from granska.surveys.models import Invitation, Link
from granska.surveys.services import min_answers, token_digest, token_new
from granska.surveys.vocabulary import IDENTIFIABLE, Group
from granska.text import clean_text

logger = logging.getLogger(__name__)


def invitation_message(invitation: Invitation, token: str, *, reminder: bool) -> EmailMessage:
    """The e-mail with the personal link, in Swedish with English below."""
    round_ = invitation.round
    context = {
        "unit": round_.review.unit.name,
        "url": settings.GRANSKA_SITE_URL + reverse("surveys:respond", args=[token]),
        "closes_on": round_.closes_on,
        "reminder": reminder,
        "identifiable": Group(invitation.group) in IDENTIFIABLE,
        "group": invitation.get_group_display(),
        "min_answers": min_answers(round_),
    }
    with translation.override("sv"):
        subject = render_to_string("surveys/invitation_subject.txt", context).strip()
        body = render_to_string("surveys/invitation_email.txt", context)
    return EmailMessage(
        subject=clean_text(" ".join(subject.split())), body=clean_text(body), to=[invitation.email]
    )


def reminder_due(invitation: Invitation, today: datetime.date) -> bool:
    """Whether the round's days between reminders have passed since the last link was sent."""
    return invitation.sent_on is not None and (
        invitation.sent_on + datetime.timedelta(days=invitation.round.reminder_days) <= today
    )


@task()
def invitation_send(invitation_id: int, reminder: bool) -> bool:
    """Sends the invitation's link (a new one) unless it has been answered or its round has
    closed; `reminder` counts it as a reminder. Returns whether it went now."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("round__review__unit")
            .filter(pk=invitation_id)
            .first()
        )
        today = timezone.localdate()
        if (
            invitation is None
            or invitation.answered
            or invitation.round.is_closed
            or invitation.round.closes_on < today
            or (reminder and invitation.reminders_sent >= invitation.round.reminder_max)
            # A reminder queued twice (the daily job run twice before the worker) goes once:
            # the second finds the days since the last link not passed.
            or (reminder and not reminder_due(invitation, today))
            or (not reminder and invitation.sent_on is not None)
        ):
            return False
        token = token_new()
        Link.objects.create(invitation=invitation, token_sha256=token_digest(token))
        try:
            invitation_message(invitation, token, reminder=reminder).send()
        except (smtplib.SMTPException, OSError) as error:
            logger.warning(
                "Survey invitation %s could not be sent (%s)", invitation.pk, type(error).__name__
            )
            transaction.set_rollback(True)
            return False
        invitation.sent_on = today
        if reminder:
            invitation.reminders_sent += 1
        invitation.save(update_fields=["sent_on", "reminders_sent"])
    logger.info("Survey invitation %s sent%s", invitation_id, " (reminder)" if reminder else "")
    return True
