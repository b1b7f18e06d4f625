"""`granska grade FILE.json` (or `-`): the suggested grade for one area under one regulation.

In:  {"area": "E", "regulation": "HSLF-FS 2021:8", "findings": {"E1": "uppfyllt", "E2": "delvis"}}
Out: {"grade": "D", "complete": false, "reasons": ["..."], "missing": ["E3", "..."]}
"""

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from granska.catalog.models import ProtocolVersion
from granska.catalog.selectors import protocol_areas, protocol_latest
from granska.grading import GradingInputError, parse_outcome, suggest_grade
from granska.reviews.suggestions import suggestion_texts

INPUT_KEYS = {"area", "regulation", "findings"}


class Command(BaseCommand):
    help = "Prints the suggested grade, its reasons and what is missing, as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="a JSON file, or - for standard input")
        parser.add_argument("--protocol", dest="code", help="protocol code (default: the latest)")

    def handle(self, *args: Any, **options: Any) -> None:
        data = self.read(options["file"])
        protocol = (
            ProtocolVersion.objects.filter(code=options["code"]).first()
            if options["code"]
            else protocol_latest()
        )
        if protocol is None and options["code"]:
            raise CommandError(
                _("There is no protocol version %(code)r; the loaded ones are %(codes)s.")
                % {
                    "code": options["code"],
                    "codes": ", ".join(ProtocolVersion.objects.values_list("code", flat=True))
                    or "–",
                }
            )
        if protocol is None:
            raise CommandError(
                _("No protocol version is loaded; run `granska catalog load` first.")
            )
        areas = {area.code: area for area in protocol_areas(protocol)}
        area = areas.get(data["area"])
        if area is None:
            raise CommandError(
                _("Unknown area %(area)r; the areas are %(areas)s.")
                % {"area": data["area"], "areas": ", ".join(areas)}
            )
        rule = area.as_rule(list(area.criteria.all()))
        try:
            findings = {}
            for code, value in data["findings"].items():
                other = next(
                    (a for a in areas.values() if code in {c.code for c in a.criteria.all()}), None
                )
                if other is not None and other.code != area.code:
                    raise GradingInputError(
                        _("The criterion %(code)s belongs to area %(other)s, not to %(area)s.")
                        % {"code": code, "other": other.code, "area": area.code}
                    )
                try:
                    findings[code] = parse_outcome(value)
                except GradingInputError as error:
                    raise GradingInputError(f"{code}: {error}") from None
            suggestion = suggest_grade(
                rule, data["regulation"], findings, max_ki_exceptions=protocol.max_ki_exceptions
            )
        except GradingInputError as error:
            raise CommandError(str(error)) from error
        result = {
            "grade": suggestion.grade,
            "complete": suggestion.complete,
            "reasons": suggestion_texts(suggestion),
            "missing": list(suggestion.missing),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def read(self, name: str) -> dict[str, Any]:
        try:
            text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()  # noqa: SIM115
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": name, "error": error.strerror}
            ) from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                _("%(file)s is not valid JSON: %(error)s (line %(line)d, column %(column)d)")
                % {"file": name, "error": error.msg, "line": error.lineno, "column": error.colno}
            ) from error
        if not isinstance(data, dict):
            raise CommandError(
                _("The input must be a JSON object with area, regulation and findings.")
            )
        missing = INPUT_KEYS - data.keys()
        if missing:
            raise CommandError(
                _("The input lacks %(keys)s.") % {"keys": ", ".join(sorted(missing))}
            )
        unknown = data.keys() - INPUT_KEYS
        if unknown:
            raise CommandError(
                _("Unknown keys in the input: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
            )
        if not isinstance(data["area"], str) or not isinstance(data["regulation"], str):
            raise CommandError(_("area and regulation must be texts."))
        if not isinstance(data["findings"], dict):
            raise CommandError(_("findings must be an object of criterion codes and findings."))
        return data
