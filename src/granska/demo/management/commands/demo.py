"""`granska demo`: loads the fictional demo units, people and reviews (never in production)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from granska.demo.reviews import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Loads the demo data: fictional units, reviews and a user for every role."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(_("The demo data is never loaded in production."))
        result = demo_load()
        if result.created:
            self.stdout.write(_("Demo data loaded."))
        else:
            self.stdout.write(_("The demo data is already loaded; nothing changed."))
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        for email, name, role in result.users:
            self.stdout.write(f"  {email:<34} {name:<16} {role}")
