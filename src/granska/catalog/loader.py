"""Reading and validating a catalog file (a SPUR protocol version as YAML).

`read_catalog(path)` returns a plain `ProtocolSpec` or raises `CatalogError` listing every
problem with the file, the place in it and what is wrong. Nothing touches the database here;
`granska.catalog.services.protocol_load` stores a valid spec.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from granska.catalog.models import (
    Area,
    AreaGroup,
    Confidence,
    Criterion,
    ProtocolVersion,
)
from granska.grading.vocabulary import SCALES, Level, Regulation
from granska.yamlfile import DataFileError, Reader, code_of, max_length, read_yaml

# What an area code and a criterion code may be: they appear in URLs (/omrade/E/), in form
# fields and in the reports, so only capital letters and digits. An area is a capital letter,
# then at most three capitals or digits ("E"; a later protocol may number its areas, "BT1"); a
# criterion is its area's code followed by a number (E13). The URL converters
# (granska.converters) match exactly these.
AREA_CODE_PATTERN = r"[A-Z][A-Z0-9]{0,3}"
CRITERION_CODE_PATTERN = r"[A-Z][A-Z0-9]{0,3}[0-9]{1,3}"


def wrong_area_code() -> str:
    """The message for a code not of AREA_CODE_PATTERN, naming it as %(code)s; a function, so
    that it is in the language of the moment."""
    return _(
        "'%(code)s' is not an area code: write a capital letter A–Z, then at most three "
        "capitals or digits, e.g. E"
    )


# A catalog is some tens of kilobytes; anything much larger is not one.
MAX_CATALOG_BYTES = 2 * 2**20
# PositiveSmallIntegerField holds 0 to 32767 on every database Django supports.
MAX_SMALL_INTEGER = 32767


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


class CatalogError(DataFileError):
    """A catalog file that cannot be loaded; `problems` holds (place, problem) pairs."""


def read_catalog(path: Path) -> ProtocolSpec:
    """Reads and validates the catalog file at `path`."""
    source = str(path)
    data, sha256, problems = read_yaml(
        path,
        max_bytes=MAX_CATALOG_BYTES,
        too_large=_("is larger than %(mb)d MB; a catalog file is some tens of kilobytes")
        % {"mb": MAX_CATALOG_BYTES // 2**20},
    )
    if problems:
        raise CatalogError(source, problems)
    return parse_catalog(data, source=source, sha256=sha256)


def parse_catalog(data: Any, *, source: str, sha256: str) -> ProtocolSpec:
    """Validates parsed catalog data; raises CatalogError naming every problem."""
    reader = Reader()
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
    code = (
        reader.text(
            protocol.get("code"), "protocol.code", limit=max_length(ProtocolVersion, "code")
        )
        if "code" in protocol
        else ""
    )
    if code and slugify(code) != code:
        reader.problem(
            "protocol.code", _("use only lower-case letters, digits and hyphens, e.g. spur-st-2025")
        )
    title = (
        reader.text(
            protocol.get("title"), "protocol.title", limit=max_length(ProtocolVersion, "title")
        )
        if "title" in protocol
        else ""
    )
    max_ki = protocol.get("max_ki_exceptions", 1)
    if (
        not isinstance(max_ki, int)
        or isinstance(max_ki, bool)
        or not 0 <= max_ki <= MAX_SMALL_INTEGER
    ):
        reader.problem(
            "protocol.max_ki_exceptions",
            _("expected a whole number from 0 to %(most)d") % {"most": MAX_SMALL_INTEGER},
        )
        max_ki = 0
    regulations_data = protocol.get("regulations")
    if "regulations" in protocol and not isinstance(regulations_data, list):
        reader.problem("protocol.regulations", _("expected a list of regulations"))
        regulations_data = None
    regulations = tuple(
        reader.choice(r, f"protocol.regulations[{i}]", [r.value for r in Regulation])
        for i, r in enumerate(regulations_data or [])
    )
    if isinstance(regulations_data, list) and not regulations:
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

    source_name = Path(source).name
    if len(source_name) > max_length(ProtocolVersion, "source_name"):
        reader.problem(
            "",
            _("the file name is longer than %(limit)d characters")
            % {"limit": max_length(ProtocolVersion, "source_name")},
        )
    if reader.problems:
        raise CatalogError(source, reader.problems)
    return ProtocolSpec(
        code=code,
        title=title,
        max_ki_exceptions=max_ki,
        regulations=regulations,
        areas=tuple(areas),
        source_name=source_name,
        source_sha256=sha256,
    )


def _read_reading(
    reader: Reader, value: Any, place: str, default: tuple[str, str] | None
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
    reader: Reader,
    value: Any,
    index: int,
    regulations: tuple[str, ...],
    seen_areas: set[str],
    seen_criteria: set[str],
) -> AreaSpec | None:
    place = f"areas[{code_of(value) or index}]"
    area = reader.mapping(
        value,
        place,
        required={"code", "title", "group", "scale", "criteria"},
        optional=frozenset({"preamble", "reading"}),
    )
    if area is None:
        return None
    code = reader.code(
        area,
        place,
        limit=max_length(Area, "code"),
        pattern=AREA_CODE_PATTERN,
        wrong=wrong_area_code(),
    )
    if code:
        if code in seen_areas:
            reader.problem(place, _("the area code %(code)s is used twice") % {"code": code})
        seen_areas.add(code)
    title = (
        reader.text(area.get("title"), f"{place}.title", limit=max_length(Area, "title"))
        if "title" in area
        else ""
    )
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
        c_place = f"{place}.criteria[{code_of(c_data) or c_index}]"
        item = reader.mapping(
            c_data,
            c_place,
            required={"code", "level", "regulations", "text"},
            optional=frozenset({"reading"}),
        )
        if item is None:
            continue
        c_code = reader.code(
            item,
            c_place,
            limit=max_length(Criterion, "code"),
            pattern=CRITERION_CODE_PATTERN,
            wrong=_(
                "'%(code)s' is not a criterion code: write the area's code followed by a "
                "number, e.g. E13"
            ),
        )
        if c_code:
            if code and not re.fullmatch(re.escape(code) + "[0-9]{1,3}", c_code):
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
        level = reader.choice(
            item.get("level"), f"{c_place}.level", [level.value for level in Level]
        )
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


def _read_scale(reader: Reader, value: Any, place: str) -> tuple[tuple[str, str], ...]:
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
    if grades not in SCALES:
        reader.problem(
            place,
            _("the grades must be A, B, D or A, B, C, D in that order, not %(grades)s")
            % {"grades": ", ".join(grades) or "-"},
        )
    return tuple(steps)
