"""Reading and validating a catalog file (a SPUR protocol version as YAML).

`read_catalog(path)` returns a plain `ProtocolSpec` or raises `CatalogError` listing every
problem with the file, the place in it and what is wrong. Nothing touches the database here;
`granska.catalog.services.protocol_load` stores a valid spec.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import models
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
from granska.text import invisible_characters

# What an area code and a criterion code may be: they appear in URLs (/omrade/E/), in form
# fields and in the reports, so only capital letters and digits. An area is a capital letter,
# then at most three capitals or digits ("E"; a later protocol may number its areas, "BT1"); a
# criterion is its area's code followed by a number (E13). The URL converters
# (granska.converters) match exactly these.
AREA_CODE_PATTERN = r"[A-Z][A-Z0-9]{0,3}"
CRITERION_CODE_PATTERN = r"[A-Z][A-Z0-9]{0,3}[0-9]{1,3}"

# A catalog is some tens of kilobytes; anything much larger is not one.
MAX_CATALOG_BYTES = 2 * 2**20
# A catalog nests six deep (areas, an area, its criteria, a criterion, its regulations); YAML
# parsers recurse on nesting, so a file nested far deeper is refused before it is built.
MAX_CATALOG_DEPTH = 12
# PositiveSmallIntegerField holds 0 to 32767 on every database Django supports.
MAX_SMALL_INTEGER = 32767
# How much of a code a place in a message quotes ("areas[E]").
PLACE_CODE_CHARS = 12

# libyaml's parser when PyYAML was built with it: about ten times faster.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def max_length(model: type[models.Model], name: str) -> int:
    """The `max_length` of a model's text field: the loader checks every length against it."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.max_length is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no max_length")
    return field.max_length


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
            if isinstance(key, str):
                self.problem(place, _("unknown key '%(key)s'") % {"key": _shown(key)})
            else:
                self.problem(
                    place,
                    _("the key %(key)s is not a text; a key is a word such as 'code'")
                    % {"key": _shown(key)},
                )
        return value

    def text(self, value: Any, place: str, *, limit: int | None = None) -> str:
        """One line of text, white space made single spaces; at most `limit` characters."""
        if not isinstance(value, str) or not value.strip():
            self.problem(place, _("expected a non-empty text"))
            return ""
        invisible = invisible_characters(value)
        if invisible:
            self.problem(
                place,
                _("contains characters that cannot be shown or stored: %(characters)s")
                % {"characters": ", ".join(invisible)},
            )
            return ""
        text = " ".join(unicodedata.normalize("NFC", value).split())
        if limit is not None and len(text) > limit:
            self.problem(
                place,
                _("is %(length)d characters long; at most %(limit)d fit")
                % {"length": len(text), "limit": limit},
            )
            return ""
        return text

    def choice(self, value: Any, place: str, choices: list[str]) -> str:
        if not isinstance(value, str) or value not in choices:
            self.problem(
                place,
                _("'%(value)s' is not one of: %(choices)s")
                % {"value": _shown(value), "choices": ", ".join(choices)},
            )
            return ""
        return value

    def text_list(self, value: Any, place: str, *, allow_empty: bool) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.problem(place, _("expected a list of texts"))
            return ()
        return tuple(self.text(item, f"{place}[{i}]") for i, item in enumerate(value))


def read_catalog(path: Path) -> ProtocolSpec:
    """Reads and validates the catalog file at `path`."""
    source = str(path)
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_CATALOG_BYTES + 1)
    except OSError as error:
        raise CatalogError(
            source, [("", _("cannot be read (%(error)s)") % {"error": error.strerror or error})]
        ) from error
    if len(raw) > MAX_CATALOG_BYTES:
        raise CatalogError(
            source,
            [
                (
                    "",
                    _("is larger than %(mb)d MB; a catalog file is some tens of kilobytes")
                    % {"mb": MAX_CATALOG_BYTES // 2**20},
                )
            ],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogError(source, [("", _("is not UTF-8 text"))]) from error
    data, problems = _compose(text)
    if problems:
        raise CatalogError(source, problems)
    return parse_catalog(data, source=source, sha256=hashlib.sha256(raw).hexdigest())


class _Refused(Exception):
    """What makes the rest of a YAML file unreadable: the place and the problem."""

    def __init__(self, place: str, problem: str) -> None:
        super().__init__(place, problem)
        self.place = place
        self.problem = problem


def _line(mark: Any) -> str:
    return _("line %(line)s") % {"line": mark.line + 1} if mark is not None else ""


@dataclass
class _Open:
    """A mapping or list being built, and for a mapping the key whose value comes next."""

    value: dict[Any, Any] | list[Any]
    key: Any = None
    has_key: bool = False


_FRAMING_EVENTS = (
    yaml.StreamStartEvent,
    yaml.StreamEndEvent,
    yaml.DocumentStartEvent,
    yaml.DocumentEndEvent,
)


def _compose(text: str) -> tuple[Any, list[tuple[str, str]]]:
    """The YAML document in `text` as plain data, built from the parser's events without
    recursion, so that no nesting can exhaust the stack; with the problems found on the way.

    A catalog is plain data: mappings, lists and scalars. Aliases and anchors (which can make
    a small file expand to gigabytes), tags, nesting deeper than MAX_CATALOG_DEPTH and a second
    document are refused at once; a key given twice, a key that is a list or a mapping, and a
    scalar that cannot be read (a date such as 2025-13-45) are refused naming their line.
    """
    loader = _Loader(text)
    problems: list[tuple[str, str]] = []
    documents: list[Any] = []
    stack: list[_Open] = []

    def add(value: Any, mark: Any) -> None:
        if not stack:
            documents.append(value)
            return
        top = stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        elif not top.has_key:
            if isinstance(value, (dict, list)):
                raise _Refused(_line(mark), _("a key must be a word, not a list or a mapping"))
            if value in top.value:
                problems.append(
                    (_line(mark), _("the key '%(key)s' is given twice") % {"key": _shown(value)})
                )
            top.key, top.has_key = value, True
        else:
            top.value[top.key] = value
            top.key, top.has_key = None, False

    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
            mark = event.start_mark
            if isinstance(event, yaml.DocumentStartEvent) and documents:
                raise _Refused(_line(mark), _("a catalog file holds one YAML document, not more"))
            if isinstance(event, _FRAMING_EVENTS):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                add(stack.pop().value, mark)
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _Refused(_line(mark), _("aliases (*name) are not allowed in a catalog file"))
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                raise _Refused(_line(mark), _("anchors (&name) are not allowed in a catalog file"))
            if getattr(event, "tag", None) is not None:
                raise _Refused(
                    _line(mark),
                    _("tags (!name) are not allowed in a catalog file; put a text in quotes"),
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_CATALOG_DEPTH:
                    raise _Refused(
                        _line(mark),
                        _("nested more than %(depth)d levels deep; a catalog has far fewer")
                        % {"depth": MAX_CATALOG_DEPTH},
                    )
                stack.append(_Open({} if isinstance(event, yaml.MappingStartEvent) else []))
                continue
            if isinstance(event, yaml.ScalarEvent):
                add(_scalar(loader, event, problems), mark)
    except _Refused as refused:
        return None, [*problems, (refused.place, refused.problem)]
    except yaml.YAMLError as error:
        error_mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        return None, [
            *problems,
            (_line(error_mark), _("is not valid YAML: %(problem)s") % {"problem": problem}),
        ]
    finally:
        loader.dispose()
    return (documents[0] if documents else None), problems


def _scalar(loader: yaml.SafeLoader, event: Any, problems: list[tuple[str, str]]) -> Any:
    """A scalar as YAML reads it (text, number, true/false, null, date); one that cannot be
    read is named and kept as the text it is."""
    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        problems.append(
            (
                _line(event.start_mark),
                _("'%(value)s' cannot be read as a value; put it in quotes if it is a text")
                % {"value": _shown(event.value)},
            )
        )
        return event.value


def _shown(value: Any) -> str:
    """A value as a message quotes it: short, on one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


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
    code = (
        reader.text(area.get("code"), f"{place}.code", limit=max_length(Area, "code"))
        if "code" in area
        else ""
    )
    if code and not re.fullmatch(AREA_CODE_PATTERN, code):
        reader.problem(
            f"{place}.code",
            _(
                "'%(code)s' is not an area code: write a capital letter A–Z, then at most three "
                "capitals or digits, e.g. E"
            )
            % {"code": _shown(code)},
        )
        code = ""
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
        c_place = f"{place}.criteria[{_code_of(c_data) or c_index}]"
        item = reader.mapping(
            c_data,
            c_place,
            required={"code", "level", "regulations", "text"},
            optional=frozenset({"reading"}),
        )
        if item is None:
            continue
        c_code = (
            reader.text(item.get("code"), f"{c_place}.code", limit=max_length(Criterion, "code"))
            if "code" in item
            else ""
        )
        if c_code and not re.fullmatch(CRITERION_CODE_PATTERN, c_code):
            reader.problem(
                f"{c_place}.code",
                _(
                    "'%(code)s' is not a criterion code: write the area's code followed by a "
                    "number, e.g. E13"
                )
                % {"code": _shown(c_code)},
            )
            c_code = ""
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


def _code_of(value: Any) -> str:
    """The code of an area or criterion, to name its place in messages ("areas[E]")."""
    code = value.get("code") if isinstance(value, dict) else None
    if not isinstance(code, str):
        return ""
    code = " ".join(code.split())
    return code if len(code) <= PLACE_CODE_CHARS else code[: PLACE_CODE_CHARS - 1] + "…"


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
    if grades not in SCALES:
        reader.problem(
            place,
            _("the grades must be A, B, D or A, B, C, D in that order, not %(grades)s")
            % {"grades": ", ".join(grades) or "-"},
        )
    return tuple(steps)
