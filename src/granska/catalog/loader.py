"""Reading and validating a catalog file (a SPUR protocol version as YAML).

`read_catalog(path)` returns a plain `ProtocolSpec` or raises `CatalogError` listing every
problem with the file, the place in it and what is wrong. Nothing touches the database here;
`granska.catalog.services.protocol_load` stores a valid spec.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.text import slugify
from django.utils.translation import gettext as _

from granska.catalog.models import AreaGroup, Confidence, Level, Regulation

# The grading rules need A (best), B and D; C is used by four-level scales only.
VALID_SCALES = (("A", "B", "D"), ("A", "B", "C", "D"))
# An area's code: a capital letter, then at most three capitals or digits ("E"; a later protocol
# may number its areas, "BT1"). The URLs of the areas match exactly this (granska.converters).
AREA_CODE_PATTERN = "[A-Z][A-Z0-9]{0,3}"


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    level: str
    regulations: tuple[str, ...]
    text: str
    reading_source: str
    reading_confidence: str


@dataclass(frozen=True)
class AreaSpec:
    code: str
    title: str
    group: str
    preamble: tuple[str, ...]
    scale: tuple[tuple[str, str], ...]
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class ProtocolSpec:
    code: str
    title: str
    max_ki_exceptions: int
    regulations: tuple[str, ...]
    areas: tuple[AreaSpec, ...]
    source_name: str
    source_sha256: str


class CatalogError(Exception):
    """A catalog file that cannot be loaded; `problems` holds (place, problem) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(
            "\n".join(
                f"{source}: {place}: {problem}" if place else f"{source}: {problem}"
                for place, problem in problems
            )
        )


class _Reader:
    """Walks the parsed YAML, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def problem(self, place: str, text: str) -> None:
        self.problems.append((place, text))

    def mapping(
        self, value: Any, place: str, *, required: set[str], optional: frozenset[str] = frozenset()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(place, _("expected a mapping of keys to values"))
            return None
        for key in sorted(required - value.keys()):
            self.problem(place, _("the key '%(key)s' is missing") % {"key": key})
        for key in sorted(set(value) - required - optional, key=str):
            self.problem(place, _("unknown key '%(key)s'") % {"key": key})
        return value

    def text(self, value: Any, place: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(place, _("expected a non-empty text"))
            return ""
        return " ".join(value.split())

    def choice(self, value: Any, place: str, choices: list[str]) -> str:
        if value not in choices:
            self.problem(
                place,
                _("'%(value)s' is not one of: %(choices)s")
                % {"value": value, "choices": ", ".join(choices)},
            )
            return ""
        return str(value)

    def text_list(self, value: Any, place: str, *, allow_empty: bool) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.problem(place, _("expected a list of texts"))
            return ()
        return tuple(self.text(item, f"{place}[{i}]") for i, item in enumerate(value))


def read_catalog(path: Path) -> ProtocolSpec:
    """Reads and validates the catalog file at `path`."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CatalogError(
            source, [("", _("cannot be read (%(error)s)") % {"error": error})]
        ) from error
    try:
        # libyaml's safe loader when PyYAML was built with it: about ten times faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(raw.decode("utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except UnicodeDecodeError as error:
        raise CatalogError(source, [("", _("is not UTF-8 text"))]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = _("line %(line)s") % {"line": mark.line + 1} if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise CatalogError(
            source, [(place, _("is not valid YAML: %(problem)s") % {"problem": problem})]
        ) from error
    return parse_catalog(data, source=source, sha256=hashlib.sha256(raw).hexdigest())


def parse_catalog(data: Any, *, source: str, sha256: str) -> ProtocolSpec:
    """Validates parsed catalog data; raises CatalogError naming every problem."""
    reader = _Reader()
    top = reader.mapping(data, "", required={"protocol", "areas"})
    if top is None:
        raise CatalogError(source, reader.problems)

    protocol = (
        reader.mapping(
            top.get("protocol"),
            "protocol",
            required={"code", "title", "max_ki_exceptions", "regulations"},
        )
        or {}
    )
    code = reader.text(protocol.get("code"), "protocol.code") if "code" in protocol else ""
    if code and slugify(code) != code:
        reader.problem(
            "protocol.code", _("use only lower-case letters, digits and hyphens, e.g. spur-st-2025")
        )
    title = reader.text(protocol.get("title"), "protocol.title") if "title" in protocol else ""
    max_ki = protocol.get("max_ki_exceptions", 1)
    if not isinstance(max_ki, int) or isinstance(max_ki, bool) or max_ki < 0:
        reader.problem("protocol.max_ki_exceptions", _("expected a whole number, 0 or more"))
        max_ki = 0
    regulations = tuple(
        reader.choice(r, f"protocol.regulations[{i}]", Regulation.values)
        for i, r in enumerate(protocol.get("regulations") or [])
    )
    if "regulations" in protocol and not regulations:
        reader.problem("protocol.regulations", _("name at least one regulation"))
    if len(set(regulations)) != len(regulations):
        reader.problem("protocol.regulations", _("a regulation is named twice"))

    areas_data = top.get("areas")
    if not isinstance(areas_data, list) or not areas_data:
        reader.problem("areas", _("expected a non-empty list of areas"))
        areas_data = []
    areas: list[AreaSpec] = []
    seen_areas: set[str] = set()
    seen_criteria: set[str] = set()
    for index, area_data in enumerate(areas_data):
        area = _read_area(reader, area_data, index, regulations, seen_areas, seen_criteria)
        if area is not None:
            areas.append(area)

    if reader.problems:
        raise CatalogError(source, reader.problems)
    return ProtocolSpec(
        code=code,
        title=title,
        max_ki_exceptions=max_ki,
        regulations=regulations,
        areas=tuple(areas),
        source_name=Path(source).name,
        source_sha256=sha256,
    )


def _read_reading(
    reader: _Reader, value: Any, place: str, default: tuple[str, str] | None
) -> tuple[str, str]:
    if value is None and default is not None:
        return default
    reading = reader.mapping(value, place, required={"source", "confidence"}) or {}
    return (
        reader.text(reading.get("source"), f"{place}.source") if "source" in reading else "",
        reader.choice(reading.get("confidence"), f"{place}.confidence", Confidence.values)
        if "confidence" in reading
        else "",
    )


def _read_area(
    reader: _Reader,
    value: Any,
    index: int,
    regulations: tuple[str, ...],
    seen_areas: set[str],
    seen_criteria: set[str],
) -> AreaSpec | None:
    place = f"areas[{_code_of(value) or index}]"
    area = reader.mapping(
        value,
        place,
        required={"code", "title", "group", "scale", "criteria"},
        optional=frozenset({"preamble", "reading"}),
    )
    if area is None:
        return None
    code = reader.text(area.get("code"), f"{place}.code") if "code" in area else ""
    if code and not re.fullmatch(AREA_CODE_PATTERN, code):
        reader.problem(
            f"{place}.code",
            _("an area code is a capital letter and at most three capitals or digits, e.g. E"),
        )
    if code:
        if code in seen_areas:
            reader.problem(place, _("the area code %(code)s is used twice") % {"code": code})
        seen_areas.add(code)
    title = reader.text(area.get("title"), f"{place}.title") if "title" in area else ""
    group = reader.choice(area.get("group"), f"{place}.group", AreaGroup.values)
    preamble = reader.text_list(area.get("preamble", []), f"{place}.preamble", allow_empty=True)
    scale = _read_scale(reader, area.get("scale"), f"{place}.scale")
    default_reading = (
        _read_reading(reader, area["reading"], f"{place}.reading", None)
        if "reading" in area
        else None
    )

    criteria_data = area.get("criteria")
    if not isinstance(criteria_data, list) or not criteria_data:
        reader.problem(f"{place}.criteria", _("expected a non-empty list of criteria"))
        criteria_data = []
    criteria: list[CriterionSpec] = []
    for c_index, c_data in enumerate(criteria_data):
        c_place = f"{place}.criteria[{_code_of(c_data) or c_index}]"
        item = reader.mapping(
            c_data,
            c_place,
            required={"code", "level", "regulations", "text"},
            optional=frozenset({"reading"}),
        )
        if item is None:
            continue
        c_code = reader.text(item.get("code"), f"{c_place}.code") if "code" in item else ""
        if c_code:
            if code and not c_code.startswith(code):
                reader.problem(
                    f"{c_place}.code",
                    _("a criterion of area %(area)s must have a code beginning with %(area)s")
                    % {"area": code},
                )
            if c_code in seen_criteria:
                reader.problem(
                    f"{c_place}.code",
                    _("the criterion code %(code)s is used twice") % {"code": c_code},
                )
            seen_criteria.add(c_code)
        level = reader.choice(item.get("level"), f"{c_place}.level", Level.values)
        c_regulations = item.get("regulations")
        if not isinstance(c_regulations, list) or not c_regulations:
            reader.problem(f"{c_place}.regulations", _("name at least one regulation"))
            c_regulations = []
        for r_index, regulation in enumerate(c_regulations):
            if regulation not in regulations:
                reader.problem(
                    f"{c_place}.regulations[{r_index}]",
                    _("'%(value)s' is not one of the protocol's regulations: %(choices)s")
                    % {"value": regulation, "choices": ", ".join(regulations)},
                )
        text = reader.text(item.get("text"), f"{c_place}.text") if "text" in item else ""
        if "reading" not in item and default_reading is None:
            reader.problem(
                c_place, _("give a 'reading' (source and confidence) here or for the area")
            )
            reading = ("", "")
        else:
            reading = _read_reading(
                reader, item.get("reading"), f"{c_place}.reading", default_reading
            )
        criteria.append(
            CriterionSpec(
                code=c_code,
                level=level,
                regulations=tuple(r for r in regulations if r in c_regulations),
                text=text,
                reading_source=reading[0],
                reading_confidence=reading[1],
            )
        )
    return AreaSpec(
        code=code,
        title=title,
        group=group,
        preamble=preamble,
        scale=scale,
        criteria=tuple(criteria),
    )


def _code_of(value: Any) -> str:
    """The code of an area or criterion, to name its place in messages ("areas[E]")."""
    code = value.get("code") if isinstance(value, dict) else None
    return code.strip() if isinstance(code, str) else ""


def _read_scale(reader: _Reader, value: Any, place: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        reader.problem(place, _("expected a list of grades with their wording"))
        return ()
    steps: list[tuple[str, str]] = []
    for index, step_data in enumerate(value):
        step = reader.mapping(step_data, f"{place}[{index}]", required={"grade", "wording"})
        if step is None:
            continue
        steps.append(
            (
                str(step.get("grade", "")),
                reader.text(step.get("wording"), f"{place}[{index}].wording")
                if "wording" in step
                else "",
            )
        )
    grades = tuple(grade for grade, _wording in steps)
    if grades not in VALID_SCALES:
        reader.problem(
            place,
            _("the grades must be A, B, D or A, B, C, D in that order, not %(grades)s")
            % {"grades": ", ".join(grades) or "-"},
        )
    return tuple(steps)
