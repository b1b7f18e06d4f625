"""`granska catalog load [FILE]` and `granska catalog show [--json] [--protocol CODE]`."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from granska.catalog.loader import CatalogError, read_catalog
from granska.catalog.models import ProtocolVersion
from granska.catalog.selectors import protocol_areas, protocol_as_json, protocol_latest
from granska.catalog.services import protocol_load


class Command(BaseCommand):
    help = "Loads a catalog file (a SPUR protocol version) or shows a loaded one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="validate and load a catalog file")
        load.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=settings.GRANSKA_DEFAULT_CATALOG,
            help="the YAML file (default: the SPUR ST protocol shipped with Granska)",
        )
        show = sub.add_parser("show", help="show a loaded protocol version")
        show.add_argument("--json", action="store_true", help="print JSON")
        show.add_argument("--protocol", dest="code", help="protocol code (default: the latest)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self.load(options["file"])
        else:
            self.show(options["code"], as_json=options["json"])

    def load(self, path: Path) -> None:
        try:
            result = protocol_load(spec=read_catalog(path))
        except CatalogError as error:
            raise CommandError(_("The catalog was not loaded:") + "\n" + str(error)) from error
        protocol = result.protocol
        message = {
            "created": _("Loaded %(title)s (%(code)s): %(areas)d areas, %(criteria)d criteria."),
            "replaced": _(
                "Replaced %(title)s (%(code)s), which no review used: "
                "%(areas)d areas, %(criteria)d criteria."
            ),
            "unchanged": _("%(title)s (%(code)s) is already loaded; nothing changed."),
        }[result.outcome]
        self.stdout.write(
            message
            % {
                "title": protocol.title,
                "code": protocol.code,
                "areas": protocol.areas.count(),
                "criteria": protocol.criteria.count(),
            }
        )

    def show(self, code: str | None, *, as_json: bool) -> None:
        protocol = ProtocolVersion.objects.filter(code=code).first() if code else protocol_latest()
        if protocol is None:
            raise CommandError(
                _("No protocol version %(code)s is loaded.") % {"code": code}
                if code
                else _("No protocol version is loaded; run `granska catalog load` first.")
            )
        if as_json:
            self.stdout.write(json.dumps(protocol_as_json(protocol), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{protocol.title} ({protocol.code})")
        for area in protocol_areas(protocol):
            self.stdout.write(f"\n{area.code}. {area.title} [{area.group}] {'/'.join(area.grades)}")
            for criterion in area.criteria.all():
                regulations = ", ".join(criterion.regulations)
                columns = f"{criterion.code:<4} {criterion.level:<18} {regulations:<30}"
                self.stdout.write(f"  {columns} {criterion.text}")
