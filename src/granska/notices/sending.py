"""Sending notices: a task the worker (django-tasks-db) runs, one e-mail per notice.

The task reads the address from the person when it runs, so none sits in the queue; it locks the
notice and sends it only while it is unsent, so that a notice queued twice (at its act and again
by `granska notify`) goes once. One the mail server refused stays unsent and is queued again by
the next `granska notify`. The log names the notice and the kind of failure, never the person."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from granska.notices.models import Notice
from granska.text import clean_text

logger = logging.getLogger(__name__)


def address_deliverable(address: str) -> bool:
    """Whether `address` can stand in a To header: an e-mail address and nothing more."""
    try:
        validate_email(address)
    except ValidationError:
        return False
    return address == address.strip() and not any(char in address for char in "\r\n")


def notice_message(notice: Notice) -> EmailMessage:
    """The notice as an e-mail in Swedish, with the link to the page where the person acts."""
    with translation.override("sv"):
        body = render_to_string(
            "notices/notice_email.txt",
            {"body": notice.body, "url": settings.GRANSKA_SITE_URL + notice.link},
        )
    return EmailMessage(subject=notice.subject, body=clean_text(body), to=[notice.recipient.email])


@task()
def notice_send(notice_id: int) -> bool:
    """Sends one notice unless it has gone already; returns whether it went now."""
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notice_id, sent_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        if not notice.recipient.is_active or not address_deliverable(notice.recipient.email):
            logger.warning("Notice %s: the recipient has no usable e-mail address", notice.pk)
            return False
        try:
            notice_message(notice).send()
        except (smtplib.SMTPException, OSError) as error:
            logger.warning(
                "Notice %s could not be sent (%s); tried again at the next run",
                notice.pk,
                type(error).__name__,
            )
            return False
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    logger.info("Notice %s (%s) sent", notice.pk, notice.kind)
    return True


# A notice still unsent after this many days is no longer tried (it stays on the home page).
RETRY_DAYS = 30


def notices_queue_unsent() -> int:
    """Queues again every notice of the last `RETRY_DAYS` days not yet sent to an active person
    (the mail server refused it, or the worker was down); returns how many."""
    since = timezone.now() - datetime.timedelta(days=RETRY_DAYS)
    pending = list(
        Notice.objects.filter(
            sent_at__isnull=True, recipient__is_active=True, created_at__gte=since
        ).values_list("pk", flat=True)
    )
    for pk in pending:
        notice_send.enqueue(pk)
    return len(pending)
