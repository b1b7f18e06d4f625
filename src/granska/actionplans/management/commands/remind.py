"""`granska remind`: queues today's reminder e-mails; run it daily. Running it twice sends
nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.actionplans.reminders import reminders_queue


class Command(BaseCommand):
    help = "Queues today's reminders of the action plans' dates; the worker sends them."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = reminders_queue(timezone.localdate())
        self.stdout.write(_("%(count)d reminders queued.") % {"count": len(queued)})
