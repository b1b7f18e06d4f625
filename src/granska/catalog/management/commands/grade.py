"""`granska grade FILE.json` (or `-`): the suggested grade for one area under one regulation.

In:  {"area": "E", "regulation": "HSLF-FS 2021:8", "findings": {"E1": "uppfyllt", "E2": "delvis"}}
Out: {"grade": "D", "complete": false, "reasons": ["..."], "missing": ["E3", "..."]}

The input is refused, naming the file and the place in it, when it is not UTF-8 JSON of that
shape: too large, nested too deep, a key given twice, a value of the wrong type.
"""

import codecs
import json
import re
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from granska.catalog.models import ProtocolVersion
from granska.catalog.selectors import protocol_areas, protocol_latest
from granska.catalog.suggestions import suggestion_texts
from granska.grading import GradingInputError, parse_outcome, suggest_grade

INPUT_KEYS = {"area", "regulation", "findings"}

# One area's findings are well under a kilobyte; a megabyte is no grading input.
MAX_INPUT_BYTES = 2**20
# The input nests two deep (the object and its findings). Python's JSON parser recurses on
# nesting, so the depth is counted before parsing, not left to the recursion limit.
MAX_INPUT_DEPTH = 8
# The characters that matter when counting the depth: brackets, and the quotes and backslashes
# that say whether a bracket is inside a string.
_STRUCTURE = re.compile(r'["\\\[\]{}]')


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (json.loads would keep the last silently)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def json_too_deep(text: str, limit: int) -> int | None:
    """The offset in `text` where brackets outside strings first nest deeper than `limit`."""
    depth = 0
    in_string = False
    escaped_at = -1
    for match in _STRUCTURE.finditer(text):
        char, offset = match.group(), match.start()
        if in_string:
            if offset == escaped_at:
                continue
            if char == "\\":
                escaped_at = offset + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return offset
        elif char in "]}":
            depth -= 1
    return None


def _kind(value: Any) -> str:
    """What a JSON value is, in the words of a message."""
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, (int, float)):
        return _("a number")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("a text")


def _shown(value: str) -> str:
    """A key or value as a message quotes it: short, on one line."""
    text = " ".join(value.split())
    return repr(text if len(text) <= 40 else text[:39] + "…")


class Command(BaseCommand):
    help = "Prints the suggested grade, its reasons and what is missing, as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="a JSON file, or - for standard input")
        parser.add_argument("--protocol", dest="code", help="protocol code (default: the latest)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = _("standard input") if options["file"] == "-" else options["file"]
        data = self.read(options["file"], source)
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
                _("Unknown area %(area)s; the areas are %(areas)s.")
                % {"area": _shown(data["area"]), "areas": ", ".join(areas)}
            )
        area_of = {c.code: a.code for a in areas.values() for c in a.criteria.all()}
        rule = area.as_rule(list(area.criteria.all()))
        try:
            findings = {}
            for code, value in data["findings"].items():
                other = area_of.get(code)
                if other is not None and other != area.code:
                    raise GradingInputError(
                        _("The criterion %(code)s belongs to area %(other)s, not to %(area)s.")
                        % {"code": code, "other": other, "area": area.code}
                    )
                if not isinstance(value, str):
                    raise GradingInputError(
                        _(
                            "findings.%(code)s: expected a finding as a text, such as "
                            '"uppfyllt", not %(kind)s.'
                        )
                        % {"code": code, "kind": _kind(value)}
                    )
                try:
                    findings[code] = parse_outcome(value)
                except GradingInputError as error:
                    raise GradingInputError(f"{code}: {error}") from None
            suggestion = suggest_grade(
                rule, data["regulation"], findings, max_ki_exceptions=protocol.max_ki_exceptions
            )
        except GradingInputError as error:
            raise CommandError(f"{source}: {error}") from error
        result = {
            "grade": suggestion.grade,
            "complete": suggestion.complete,
            "reasons": suggestion_texts(suggestion),
            "missing": list(suggestion.missing),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def read(self, name: str, source: str) -> dict[str, Any]:
        """The input as a JSON object of the right shape, or a CommandError naming the problem."""
        text = self.read_text(name, source)
        too_deep = json_too_deep(text, MAX_INPUT_DEPTH)
        if too_deep is not None:
            line = text.count("\n", 0, too_deep) + 1
            column = too_deep - text.rfind("\n", 0, too_deep)
            raise CommandError(
                _(
                    "%(file)s is nested more than %(depth)d levels deep (line %(line)d, column "
                    "%(column)d); the input is an object with area, regulation and findings."
                )
                % {"file": source, "depth": MAX_INPUT_DEPTH, "line": line, "column": column}
            )
        try:
            data = json.loads(text, object_pairs_hook=_object)
        except _DuplicateKey as duplicate:
            raise CommandError(
                _("%(file)s gives the key %(key)s twice in one object; give it once.")
                % {"file": source, "key": _shown(duplicate.key)}
            ) from None
        except json.JSONDecodeError as error:
            raise CommandError(
                _("%(file)s is not valid JSON: %(error)s (line %(line)d, column %(column)d)")
                % {"file": source, "error": error.msg, "line": error.lineno, "column": error.colno}
            ) from error
        except ValueError as error:  # a number of thousands of digits, say
            raise CommandError(
                _("%(file)s is not valid JSON: %(error)s") % {"file": source, "error": error}
            ) from error
        if not isinstance(data, dict):
            raise CommandError(
                _("%(file)s: the input must be a JSON object with area, regulation and findings.")
                % {"file": source}
            )
        missing = INPUT_KEYS - data.keys()
        if missing:
            raise CommandError(
                _("%(file)s: the input lacks %(keys)s.")
                % {"file": source, "keys": ", ".join(sorted(missing))}
            )
        unknown = data.keys() - INPUT_KEYS
        if unknown:
            raise CommandError(
                _("%(file)s: unknown keys in the input: %(keys)s.")
                % {"file": source, "keys": ", ".join(_shown(key) for key in sorted(unknown))}
            )
        for key in ("area", "regulation"):
            if not isinstance(data[key], str):
                raise CommandError(
                    _("%(file)s: %(key)s: expected a text, not %(kind)s.")
                    % {"file": source, "key": key, "kind": _kind(data[key])}
                )
        if not isinstance(data["findings"], dict):
            raise CommandError(
                _(
                    "%(file)s: findings: expected an object of criterion codes and findings, "
                    "not %(kind)s."
                )
                % {"file": source, "kind": _kind(data["findings"])}
            )
        return data

    def read_text(self, name: str, source: str) -> str:
        """The input's text: at most MAX_INPUT_BYTES of UTF-8, a byte order mark allowed."""
        try:
            if name == "-":
                stream = getattr(sys.stdin, "buffer", sys.stdin)
                raw = stream.read(MAX_INPUT_BYTES + 1)
            else:
                with open(name, "rb") as file:
                    raw = file.read(MAX_INPUT_BYTES + 1)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s")
                % {"file": source, "error": error.strerror or error}
            ) from error
        if isinstance(raw, str):  # standard input replaced by a text stream
            raw = raw.encode("utf-8", "surrogatepass")
        if len(raw) > MAX_INPUT_BYTES:
            raise CommandError(
                _("%(file)s is larger than %(kb)d kB; one area's findings are far less.")
                % {"file": source, "kb": MAX_INPUT_BYTES // 1024}
            )
        # UTF-16 begins with a byte order mark, or has a NUL byte in every other place.
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in raw:
            raise CommandError(
                _("%(file)s is not UTF-8 text (it looks like UTF-16); save it as UTF-8.")
                % {"file": source}
            )
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                _("%(file)s is not UTF-8 text (byte %(offset)d); save it as UTF-8.")
                % {"file": source, "offset": error.start + 1}
            ) from error
