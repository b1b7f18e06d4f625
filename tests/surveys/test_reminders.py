"""Reminders with frozen time: only to those who have not answered, at most the round's number,
its days apart, none after closing; the daily job closes the rounds past their day; the logs
name no address and no token."""

import datetime
import io
import logging
import smtplib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client

from granska.surveys.models import Answer, Invitation, Link, Round, RoundGroup
from granska.surveys.sending import invitation_send
from granska.surveys.services import (
    answer_submit,
    invitations_add,
    invitations_queue_unsent,
    reminders_queue,
    round_open,
    rounds_close_due,
)
from granska.surveys.vocabulary import Group
from tests.builders import kansli_user
from tests.survey_builders import invited
from tests.surveys.round_fixtures import Cast, cast

__all__ = ["cast"]

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Europe/Stockholm")
START = datetime.datetime(2026, 12, 1, 6, tzinfo=TZ)
ADDRESSES = "a@enhet.test\nb@enhet.test\nc@enhet.test"


def day(n: int) -> datetime.datetime:
    return START + datetime.timedelta(days=n)


def opened(cast: Cast, *, closes_in: int = 14, every: int = 3, most: int = 2) -> Round:
    return round_open(
        by=kansli_user(),
        review=cast.review,
        closes_on=START.date() + datetime.timedelta(days=closes_in),
        reminder_days=every,
        reminder_max=most,
    )


def sent_to() -> list[str]:
    """Whom the e-mails since the last call went to, and empties the outbox."""
    to = sorted(address for message in mail.outbox for address in message.to)
    mail.outbox.clear()
    return to


def test_reminders_go_to_those_who_have_not_answered_days_apart_at_most_n(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        round_ = opened(cast)
        tokens = invited(round_, ADDRESSES, Group.ST_LAKARE)
        answer_submit(token=tokens["b@enhet.test"], values={"A1": "helt"}, free_text={})
        sent_to()
        traveller.move_to(day(2))
        assert reminders_queue() == 0
        traveller.move_to(day(3))
        assert reminders_queue() == 2
        reminders = list(mail.outbox)
        assert sent_to() == ["a@enhet.test", "c@enhet.test"]
        assert all(m.subject.startswith("Påminnelse:") for m in reminders)
        # Run again the same day: nothing twice.
        assert reminders_queue() == 0
        traveller.move_to(day(5))
        assert reminders_queue() == 0
        traveller.move_to(day(6))
        assert reminders_queue() == 2
        assert sent_to() == ["a@enhet.test", "c@enhet.test"]
        # Two reminders at most.
        for n in (9, 12):
            traveller.move_to(day(n))
            assert reminders_queue() == 0
        assert sent_to() == []
        assert sorted(Invitation.objects.values_list("email", "reminders_sent")) == [
            ("a@enhet.test", 2),
            ("b@enhet.test", 0),
            ("c@enhet.test", 2),
        ]


def test_a_reminder_queued_twice_goes_once(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        round_ = opened(cast)
        invited(round_, "a@enhet.test", Group.HANDLEDARE)
        sent_to()
        traveller.move_to(day(3))
        invitation = Invitation.objects.get()
        assert invitation_send.call(invitation.pk, True)
        assert not invitation_send.call(invitation.pk, True)
        assert sent_to() == ["a@enhet.test"]


def test_each_reminder_is_a_new_link_and_the_old_ones_still_work(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        round_ = opened(cast)
        first = invited(round_, "a@enhet.test", Group.HANDLEDARE)["a@enhet.test"]
        traveller.move_to(day(3))
        reminders_queue()
        assert Link.objects.count() == 2
        answer_submit(token=first, values={}, free_text={})
        assert not Link.objects.exists()
        traveller.move_to(day(6))
        assert reminders_queue() == 0


def test_no_reminder_after_closing(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        round_ = opened(cast, closes_in=4, every=3, most=5)
        invited(round_, ADDRESSES, Group.ST_LAKARE)
        invitation = Invitation.objects.first()
        assert invitation is not None
        sent_to()
        traveller.move_to(day(5))
        # Past its day but not yet closed by the job: no reminder either.
        assert reminders_queue() == 0
        assert not invitation_send.call(invitation.pk, True)
        assert rounds_close_due() == 1
        assert reminders_queue() == 0
        traveller.move_to(day(9))
        assert reminders_queue() == 0
        assert sent_to() == []


def test_closing_on_its_day_deletes_the_addresses_and_keeps_the_counts(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        round_ = opened(cast, closes_in=2)
        tokens = invited(round_, ADDRESSES, Group.ST_LAKARE)
        answer_submit(token=tokens["a@enhet.test"], values={"A1": "helt"}, free_text={})
        traveller.move_to(day(2))
        assert rounds_close_due() == 0  # open through its last day
        traveller.move_to(day(3))
        assert rounds_close_due() == 1
        assert rounds_close_due() == 0
        round_.refresh_from_db()
        assert round_.closed_on == day(3).date()
        assert not Invitation.objects.exists()
        assert not Link.objects.exists()
        assert list(RoundGroup.objects.values_list("group", "invited")) == [("st_lakare", 3)]
        assert Answer.objects.get().values == {"A1": "helt"}


def test_an_invitation_the_mail_server_refused_is_queued_again(
    cast: Cast, monkeypatch: Any, caplog: Any
) -> None:
    def refused(message: EmailMessage, fail_silently: bool = False) -> int:
        raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"nej")})

    with time_machine.travel(START, tick=False):
        round_ = opened(cast)
        caplog.set_level(logging.INFO)
        invitations_add(
            by=kansli_user(), round_=round_, text="a@enhet.test", default_group=Group.HANDLEDARE
        )
        invitation = Invitation.objects.get()
        with monkeypatch.context() as patched:
            patched.setattr(EmailMessage, "send", refused)
            assert not invitation_send.call(invitation.pk, False)
        invitation.refresh_from_db()
        assert invitation.sent_on is None
        assert not invitation.links.exists()
        assert "could not be sent (SMTPRecipientsRefused)" in caplog.text
        assert "a@enhet.test" not in caplog.text
        assert invitations_queue_unsent() == 1
        assert sent_to() == ["a@enhet.test"]
        assert invitations_queue_unsent() == 0


def test_notify_closes_the_rounds_past_their_day_and_queues_the_reminders(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        round_ = opened(cast, closes_in=10, every=3)
        invited(round_, ADDRESSES, Group.HANDLEDARE)
        traveller.move_to(day(3))
        out = io.StringIO()
        call_command("notify", stdout=out)
        assert "Stängda enkäter: 0; köade påminnelser om enkäter: 3;" in out.getvalue()
        traveller.move_to(day(11))
        out = io.StringIO()
        call_command("notify", stdout=out)
        assert "Stängda enkäter: 1; köade påminnelser om enkäter: 0;" in out.getvalue()
        assert not Invitation.objects.exists()


def test_logs_hold_no_address_and_no_token(cast: Cast, caplog: Any, client: Client) -> None:
    caplog.set_level(logging.DEBUG)
    request_log = logging.getLogger("django.request")
    request_log.addHandler(caplog.handler)
    try:
        with time_machine.travel(START, tick=False) as traveller:
            round_ = opened(cast)
            tokens = invited(round_, ADDRESSES, Group.ST_LAKARE)
            traveller.move_to(day(3))
            reminders_queue()
            answer_submit(token=tokens["a@enhet.test"], values={}, free_text={})
            # A link that leads nowhere: Django logs the path it did not find.
            assert client.get(f"/enkat/{tokens['b@enhet.test']}/nagot/").status_code == 404
            traveller.move_to(day(30))
            rounds_close_due()
    finally:
        request_log.removeHandler(caplog.handler)
    logged = caplog.text + "".join(record.getMessage() for record in caplog.records)
    assert "Survey invitation" in logged
    assert "Not Found" in logged
    for secret in [*tokens, *tokens.values(), "enhet.test"]:
        assert secret not in logged


def test_the_invitation_and_the_reminder_read_right(cast: Cast) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        round_ = opened(cast, closes_in=10, every=3)
        token = invited(round_, "a@enhet.test", Group.ST_LAKARE)["a@enhet.test"]
        (first,) = mail.outbox
        assert first.subject == f"Enkät inför SPUR-granskningen av {cast.review.unit.name}"
        assert "hur du som ST-läkare ser på utbildningen" in first.body
        assert f"/enkat/{token}/" in first.body
        assert "till och med 11 december 2026" in first.body
        assert "minst 4 i din grupp" in first.body
        sent_to()
        traveller.move_to(day(3))
        reminders_queue()
        (reminder,) = mail.outbox
        assert reminder.subject.startswith("Påminnelse: enkät inför SPUR-granskningen av")
        assert "Det här är en påminnelse" in reminder.body
        assert "Du har inte svarat ännu" in reminder.body
        assert f"/enkat/{token}/" not in reminder.body  # a new link of its own


def test_the_director_of_studies_is_told_the_answers_are_theirs(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        round_ = opened(cast)
        invited(round_, "sr@enhet.test", Group.STUDIEREKTOR)
        (message,) = mail.outbox
        assert "Som studierektor är du oftast ensam i din grupp" in message.body
        assert "anonym" not in message.body
