"""`granska notify`: tells the kansli of the steps late today, queues again every notice not yet
sent, closes the survey rounds whose closing day has passed and queues the survey reminders due
today (and the first links the mail server refused); run it daily, beside `granska remind`.
Running it twice sends nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.notices.sending import notices_queue_unsent
from granska.surveys.services import invitations_queue_unsent, reminders_queue, rounds_close_due
from granska.workflow.announce import late_announce


class Command(BaseCommand):
    help = (
        "Tells the kansli of the steps that are late, queues the notices not yet sent, closes "
        "the surveys past their closing day and queues the survey reminders due."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        # The unsent ones first: the notices written below are queued as they are written.
        again = notices_queue_unsent()
        late = late_announce(today)
        self.stdout.write(
            _("%(late)d notices of late steps written; %(again)d unsent notices queued again.")
            % {"late": len(late), "again": again}
        )
        # Closing first: a round past its day gets no reminder, and its addresses go.
        closed = rounds_close_due(today)
        reminders = reminders_queue(today)
        unsent = invitations_queue_unsent(today)
        self.stdout.write(
            _(
                "Surveys closed: %(closed)d; survey reminders queued: %(reminders)d; unsent "
                "survey invitations queued again: %(unsent)d."
            )
            % {"closed": closed, "reminders": reminders, "unsent": unsent}
        )
