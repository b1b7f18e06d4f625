"""`granska specialties`: loads the list of Swedish specialties into the register."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from granska.reviews.registers import specialties_load


class Command(BaseCommand):
    help = "Adds the Swedish medical specialties (reviews/data/specialties.txt) not yet registered."

    def handle(self, *args: Any, **options: Any) -> None:
        added = specialties_load()
        self.stdout.write(_("%(count)s specialties added to the register.") % {"count": len(added)})
