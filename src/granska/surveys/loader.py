"""Reading and validating a questionnaire file (one questionnaire version as YAML).

`read_questionnaire(path)` returns a plain `QuestionnaireSpec` or raises `QuestionnaireError`
listing every problem with the file, the place in it (`areas[E].statements[E3].groups[1]`) and
what is wrong, as the catalog loader does and with its reader (`granska.yamlfile`). Nothing
touches the database here: whether the protocol and its criteria exist is checked when the spec
is stored (`granska.surveys.loading.questionnaire_load`).
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from granska.catalog.loader import AREA_CODE_PATTERN, CRITERION_CODE_PATTERN, wrong_area_code
from granska.catalog.models import ProtocolVersion
from granska.surveys.models import FactField, Questionnaire, QuestionnaireArea, Statement
from granska.surveys.vocabulary import FactKind, Group
from granska.yamlfile import DataFileError, Reader, code_of, max_length, read_yaml, shown

# A questionnaire is some tens of kilobytes; anything much larger is not one.
MAX_QUESTIONNAIRE_BYTES = 1 * 2**20
# A statement is read on a phone and answered in seconds: a sentence or two. (The column is a
# TextField, so the limit is ours, not the database's.)
MAX_STATEMENT_CHARS = 300
# A statement's code is its key in an answer and in a form field (`s-E3`): like a criterion's
# code, its area's code followed by a number. A fact field's code is a key in the unit's facts.
STATEMENT_CODE_PATTERN = CRITERION_CODE_PATTERN
FACT_CODE_PATTERN = r"[a-z][a-z0-9_]*"

GROUPS = [group.value for group in Group]
FACT_KINDS = [kind.value for kind in FactKind]


@dataclass(frozen=True)
class StatementSpec:
    code: str
    text: str
    groups: tuple[str, ...]
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class QuestionnaireAreaSpec:
    code: str
    # "" when the file leaves it out: the protocol's title of the area is used.
    title: str
    free_text: str
    statements: tuple[StatementSpec, ...]


@dataclass(frozen=True)
class FactFieldSpec:
    code: str
    label: str
    hint: str
    kind: str


@dataclass(frozen=True)
class QuestionnaireSpec:
    code: str
    title: str
    protocol: str
    facts: tuple[FactFieldSpec, ...]
    areas: tuple[QuestionnaireAreaSpec, ...]
    source_name: str
    source_sha256: str


class QuestionnaireError(DataFileError):
    """A questionnaire file that cannot be loaded; `problems` holds (place, problem) pairs."""


def read_questionnaire(path: Path) -> QuestionnaireSpec:
    """Reads and validates the questionnaire file at `path`."""
    source = str(path)
    data, sha256, problems = read_yaml(
        path,
        max_bytes=MAX_QUESTIONNAIRE_BYTES,
        too_large=_("is larger than %(mb)d MB; a questionnaire file is some tens of kilobytes")
        % {"mb": MAX_QUESTIONNAIRE_BYTES // 2**20},
    )
    if problems:
        raise QuestionnaireError(source, problems)
    return parse_questionnaire(data, source=source, sha256=sha256)


def parse_questionnaire(data: Any, *, source: str, sha256: str) -> QuestionnaireSpec:
    """Validates parsed questionnaire data; raises QuestionnaireError naming every problem."""
    reader = Reader()
    top = reader.mapping(
        data, "", required={"questionnaire", "areas"}, optional=frozenset({"facts"})
    )
    if top is None:
        raise QuestionnaireError(source, reader.problems)

    header = (
        reader.mapping(
            top.get("questionnaire"), "questionnaire", required={"code", "title", "protocol"}
        )
        or {}
    )
    code = _slug(reader, header, "code", "questionnaire", max_length(Questionnaire, "code"))
    title = (
        _text(
            reader, header["title"], "questionnaire.title", limit=max_length(Questionnaire, "title")
        )
        if "title" in header
        else ""
    )
    protocol = _slug(
        reader, header, "protocol", "questionnaire", max_length(ProtocolVersion, "code")
    )

    facts = _read_facts(reader, top.get("facts", []))

    areas_data = top.get("areas")
    if not isinstance(areas_data, list) or not areas_data:
        reader.problem("areas", _("expected a non-empty list of areas"))
        areas_data = []
    areas: list[QuestionnaireAreaSpec] = []
    seen_areas: set[str] = set()
    seen_statements: set[str] = set()
    for index, area_data in enumerate(areas_data):
        area = _read_area(reader, area_data, index, seen_areas, seen_statements)
        if area is not None:
            areas.append(area)

    source_name = Path(source).name
    if len(source_name) > max_length(Questionnaire, "source_name"):
        reader.problem(
            "",
            _("the file name is longer than %(limit)d characters")
            % {"limit": max_length(Questionnaire, "source_name")},
        )
    if reader.problems:
        raise QuestionnaireError(source, reader.problems)
    return QuestionnaireSpec(
        code=code,
        title=title,
        protocol=protocol,
        facts=facts,
        areas=tuple(areas),
        source_name=source_name,
        source_sha256=sha256,
    )


def _text(reader: Reader, value: Any, place: str, *, limit: int) -> str:
    """One line of text, as the catalog reads it, refusing also the format characters (Unicode
    category Cf: zero-width spaces and joiners, bidirectional overrides): a respondent would read
    a statement other than the one written, or one that looks like another."""
    if isinstance(value, str):
        hidden = dict.fromkeys(
            f"U+{ord(character):04X}"
            for character in value
            if unicodedata.category(character) == "Cf"
        )
        if hidden:
            reader.problem(
                place,
                _("contains characters that cannot be shown or stored: %(characters)s")
                % {"characters": ", ".join(hidden)},
            )
            return ""
    return reader.text(value, place, limit=limit)


def _slug(reader: Reader, header: dict[str, Any], key: str, place: str, limit: int) -> str:
    """A version's code (lower-case letters, digits and hyphens), or "" after a problem."""
    if key not in header:
        return ""
    value = _text(reader, header[key], f"{place}.{key}", limit=limit)
    if value and slugify(value) != value:
        reader.problem(
            f"{place}.{key}",
            _("use only lower-case letters, digits and hyphens, e.g. %(example)s")
            % {"example": "spur-enkat-2025" if key == "code" else "spur-st-2025"},
        )
        return ""
    return value


def _read_facts(reader: Reader, value: Any) -> tuple[FactFieldSpec, ...]:
    if not isinstance(value, list):
        reader.problem("facts", _("expected a list of fact fields"))
        return ()
    facts: list[FactFieldSpec] = []
    seen: set[str] = set()
    for index, item_data in enumerate(value):
        place = f"facts[{code_of(item_data) or index}]"
        item = reader.mapping(
            item_data, place, required={"code", "label", "kind"}, optional=frozenset({"hint"})
        )
        if item is None:
            continue
        code = reader.code(
            item,
            place,
            limit=max_length(FactField, "code"),
            pattern=FACT_CODE_PATTERN,
            wrong=_(
                "'%(code)s' is not a fact code: write lower-case letters a–z, digits and "
                "underscores, beginning with a letter, e.g. st_lakare"
            ),
        )
        if code:
            if code in seen:
                reader.problem(
                    f"{place}.code", _("the fact code %(code)s is used twice") % {"code": code}
                )
            seen.add(code)
        label = (
            _text(reader, item["label"], f"{place}.label", limit=max_length(FactField, "label"))
            if "label" in item
            else ""
        )
        hint = (
            _text(reader, item["hint"], f"{place}.hint", limit=max_length(FactField, "hint"))
            if "hint" in item
            else ""
        )
        kind = (
            reader.choice(item.get("kind"), f"{place}.kind", FACT_KINDS) if "kind" in item else ""
        )
        facts.append(FactFieldSpec(code=code, label=label, hint=hint, kind=kind))
    return tuple(facts)


def _read_area(
    reader: Reader,
    value: Any,
    index: int,
    seen_areas: set[str],
    seen_statements: set[str],
) -> QuestionnaireAreaSpec | None:
    place = f"areas[{code_of(value) or index}]"
    area = reader.mapping(
        value,
        place,
        required={"code", "statements"},
        optional=frozenset({"title", "free_text"}),
    )
    if area is None:
        return None
    code = reader.code(
        area,
        place,
        limit=max_length(QuestionnaireArea, "code"),
        pattern=AREA_CODE_PATTERN,
        wrong=wrong_area_code(),
    )
    if code:
        if code in seen_areas:
            reader.problem(place, _("the area code %(code)s is used twice") % {"code": code})
        seen_areas.add(code)
    title = (
        _text(reader, area["title"], f"{place}.title", limit=max_length(QuestionnaireArea, "title"))
        if "title" in area
        else ""
    )
    free_text = (
        _text(
            reader,
            area["free_text"],
            f"{place}.free_text",
            limit=max_length(QuestionnaireArea, "free_text"),
        )
        if "free_text" in area
        else ""
    )
    statements_data = area.get("statements")
    if not isinstance(statements_data, list) or not statements_data:
        reader.problem(f"{place}.statements", _("expected a non-empty list of statements"))
        statements_data = []
    statements = tuple(
        statement
        for s_index, s_data in enumerate(statements_data)
        if (statement := _read_statement(reader, s_data, place, s_index, code, seen_statements))
        is not None
    )
    return QuestionnaireAreaSpec(code=code, title=title, free_text=free_text, statements=statements)


def _read_statement(
    reader: Reader,
    value: Any,
    area_place: str,
    index: int,
    area_code: str,
    seen: set[str],
) -> StatementSpec | None:
    place = f"{area_place}.statements[{code_of(value) or index}]"
    item = reader.mapping(value, place, required={"code", "text", "groups", "criteria"})
    if item is None:
        return None
    code = reader.code(
        item,
        place,
        limit=max_length(Statement, "code"),
        pattern=STATEMENT_CODE_PATTERN,
        wrong=_(
            "'%(code)s' is not a statement code: write the area's code followed by a number, "
            "e.g. E3"
        ),
    )
    if code:
        if area_code and not re.fullmatch(re.escape(area_code) + "[0-9]{1,3}", code):
            reader.problem(
                f"{place}.code",
                _("a statement of area %(area)s must have a code beginning with %(area)s")
                % {"area": area_code},
            )
        if code in seen:
            reader.problem(
                f"{place}.code", _("the statement code %(code)s is used twice") % {"code": code}
            )
        seen.add(code)
    text = (
        _text(reader, item["text"], f"{place}.text", limit=MAX_STATEMENT_CHARS)
        if "text" in item
        else ""
    )
    groups = (
        _read_codes(
            reader,
            item.get("groups"),
            f"{place}.groups",
            lambda value, at: reader.choice(value, at, GROUPS),
            empty=_("name at least one respondent group: %(choices)s")
            % {"choices": ", ".join(GROUPS)},
        )
        if "groups" in item
        else ()
    )
    criteria = (
        _read_codes(
            reader,
            item.get("criteria"),
            f"{place}.criteria",
            lambda value, at: _criterion_code(reader, value, at),
            empty=_("name at least one criterion of the area, e.g. %(example)s")
            % {"example": f"{area_code or 'E'}1"},
        )
        if "criteria" in item
        else ()
    )
    return StatementSpec(code=code, text=text, groups=groups, criteria=criteria)


def _read_codes(
    reader: Reader,
    value: Any,
    place: str,
    read: Callable[[Any, str], str],
    *,
    empty: str,
) -> tuple[str, ...]:
    """A non-empty list of codes, each read by `read(value, place)`, none named twice."""
    if not isinstance(value, list) or not value:
        reader.problem(place, empty)
        return ()
    codes: list[str] = []
    for index, item in enumerate(value):
        code = read(item, f"{place}[{index}]")
        if code and code in codes:
            reader.problem(f"{place}[{index}]", _("%(code)s is named twice") % {"code": code})
        elif code:
            codes.append(code)
    return tuple(codes)


def _criterion_code(reader: Reader, value: Any, place: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(CRITERION_CODE_PATTERN, value):
        reader.problem(
            place,
            _("'%(code)s' is not a criterion code such as E13") % {"code": shown(value)},
        )
        return ""
    return value
