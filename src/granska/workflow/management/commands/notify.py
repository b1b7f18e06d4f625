"""`granska notify`: tells the kansli of the steps late today and queues again every notice not
yet sent; run it daily, beside `granska remind`. Running it twice sends nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.notices.sending import notices_queue_unsent
from granska.workflow.announce import late_announce


class Command(BaseCommand):
    help = "Tells the kansli of the steps that are late and queues the notices not yet sent."

    def handle(self, *args: Any, **options: Any) -> None:
        # The unsent ones first: the notices written below are queued as they are written.
        again = notices_queue_unsent()
        late = late_announce(timezone.localdate())
        self.stdout.write(
            _("%(late)d notices of late steps written; %(again)d unsent notices queued again.")
            % {"late": len(late), "again": again}
        )
