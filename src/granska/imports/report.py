"""Reading a SPUR report's text: what it says, and nothing it does not (issue 13).

Plain Python, no Django. The text is what extraction from a PDF left (the seeds show it): the
layout gone, the boxes' headings loose lines, the area letters alone on a line, the summary's
columns run together, an area's narrative printed after the next area's title, headings repeated
at page breaks. The reader therefore goes by what it can recognise: the cover's labels, the
summary's headings, the catalog's area titles, criterion texts and preambles, the grade scale's
wording, the handlingsplan's labels. The narrative of an area is the text that follows its title
up to the next thing recognised; a line it can place nowhere is kept in `unrecognised`.

Grades are never read from text: the marks of the grade grid are drawn, and extraction loses
them; `granska.imports.reading` puts in those a PDF's grid shows.
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from granska.imports.matching import CatalogIndex, TextMatcher, criterion_find
from granska.imports.parsed import (
    AREA_CODES,
    REGULATIONS,
    AreaReading,
    ParsedReport,
    PlanItem,
    ProtocolMatch,
    Summary,
)
from granska.imports.text import ReportRefused, gettext_noop, lines_clean

_COVER_TITLE = re.compile(r"^EXTERN KVALITETSGRANSKNING\b", re.IGNORECASE)
_COVER_LABELS = {
    "klinik": "unit",
    "enhet": "unit",
    "specialitet": "specialty",
    "datum": "date",
    "besöksdatum": "date",
    "inspektörer": "inspectors",
    "inspektör": "inspectors",
    "föreskrift": "regulations",
    "föreskrifter": "regulations",
}
_COVER_BOILERPLATE = re.compile(
    r"^(av specialiseringstjänstgöring|vid två parallella|observera att|läkarnas institut|"
    r"lipus\b|sammanfattning$|version \d+, utfärdad|ersatt:)",
    re.IGNORECASE,
)
_SUMMARY_HEADINGS = {
    "styrkor": "styrkor",
    "svagheter": "svagheter",
    "förbättringspotential": "forbattringspotential",
    "förbättringsområden": "forbattringspotential",
}
_GROUP_HEADING = re.compile(r"^(STRUKTUR|PROCESS|RESULTAT)$")
_PLAN_HEADING = re.compile(r"^HANDLINGSPLAN$", re.IGNORECASE)
_BOX_HEADING = re.compile(
    r"^(Föreskrift(er)?|Allmänna råd|Allmänt råd|Kvalitetsindikator(er)?|Gradering)"
    r"( \(endast (20\d\d|\d{4}:\d+)\))?$",
    re.IGNORECASE,
)
_AREA_LETTER = re.compile(r"^[A-H]\.?$")
_YEARS = re.compile(r"^(Gradering )?(\d{4}( |$))+$")
_GRID_CAPTION = re.compile(r"^Gradering [A-H]\. ")
_SCALE_ITEM = re.compile(r"^[A-D]\. (Socialstyrelsens|Brister har påvisats)\b")
# The marks of a grid Granska printed as letters after its rows' wording.
_GRID_MARKS = re.compile(r"(\s+[A-D])+$")
_SCALE_TAIL = re.compile(r"^Åtgärder (krävs|rekommenderas)\.$")
_ADJUSTED = re.compile(
    r"^Handlingsplan mottagen\.? ?Gradering(en)? justerad till ([A-D])\.?$", re.IGNORECASE
)
# A page's footer of Granska's own PDF ("Unit · 2026-03-03 Sida 2 av 8"), the draft's watermark.
_FOOTER = re.compile(
    r"^(.{1,300} · \d{4}-\d{2}-\d{2}( · Version \d{1,4})?( Sida \d{1,4} av \d{1,4})?"
    r"|.{0,300}\bSida \d{1,4} av \d{1,4})( ?UTKAST)?$"
)
_WATERMARK = re.compile(r"^UTKAST$")
_PAGE_NUMBER = re.compile(
    r"^((sida|page) )?\d{1,3}( ?(av|/|of) ?\d{1,3})?$|^\d{1,3} ?\(\d{1,3}\)$", re.IGNORECASE
)
_REGULATION = re.compile(r"\b(SOSFS|HSLF-FS)\s*(\d{4})\s*:\s*(\d+)\b", re.IGNORECASE)
_PLAN_LABELS = {
    "planerad åtgärd": "action",
    "planerade åtgärder": "action",
    "datum när åtgärden ska vara genomförd": "due",
    "ansvarig för genomförandet": "responsible",
    "datum för uppföljning": "follow_up",
    "ansvarig för uppföljningen": "follow_up_responsible",
}
_PLAN_LABELS_LONGEST_FIRST = sorted(_PLAN_LABELS.items(), key=lambda item: -len(item[0]))
_WHOLE_AREA = "området som helhet"
# What Granska's own report prints where an area has no narrative.
_NO_NARRATIVE = "Ingen text skriven."
# Words before which a line's final hyphen is a hyphen of its own ("barn- och ungdom").
_CONJUNCTIONS = frozenset({"och", "eller", "samt", "respektive", "resp", "liksom", "till", "utan"})
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan"),
            ("februari", "feb"),
            ("mars", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augusti", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDED_DATE = re.compile(r"\b(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})\b", re.IGNORECASE)

_MAX_LINES = 100_000
_BULLETS = frozenset("•·▪◦‣*")
_SENTENCE_END = (".", "!", "?", ":", '"', "”", ")")


def join_lines(lines: Sequence[str]) -> str:
    """The lines as one text: joined by single spaces, except that a line ending in a hyphen
    inside a word joins the next without one ("ST-" + "läkare"), unless the next begins with a
    conjunction ("barn-" + "och" keeps its space)."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not text:
            text = line
        elif len(text) > 1 and text.endswith("-") and text[-2].isalnum():
            first = line.split(" ", 1)[0].strip(",.;:").casefold()
            text += (" " if first in _CONJUNCTIONS else "") + line
        else:
            text += " " + line
    return text


def date_iso(text: str) -> str | None:
    """The date `text` writes ("2025-11-14", "3 mars 2026"), in ISO; None when it writes none
    that exists."""
    found = _ISO_DATE.search(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
    else:
        worded = _WORDED_DATE.search(text)
        if not worded or worded.group(2).casefold() not in _MONTHS:
            return None
        day, month, year = (
            int(worded.group(1)),
            _MONTHS[worded.group(2).casefold()],
            int(worded.group(3)),
        )
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def regulations_named(text: str) -> list[str]:
    """The regulations `text` names, spelled as Granska does, in the order named."""
    named: list[str] = []
    for found in _REGULATION.finditer(text):
        spelled = f"{found.group(1).upper()} {found.group(2)}:{found.group(3)}"
        if spelled in REGULATIONS and spelled not in named:
            named.append(spelled)
    return named


def _names(text: str) -> list[str]:
    parts = re.split(r",|;| och | & |\n", text)
    return [part.strip(" .") for part in parts if part.strip(" .")]


@dataclass
class _Reading:
    lines: list[str]
    matcher: TextMatcher
    report: ParsedReport = field(default_factory=ParsedReport)
    narratives: dict[str, list[list[str]]] = field(default_factory=dict)
    # Each recognised criterion: (protocol, area, code) with its key, in order of appearance.
    found: list[tuple[str, str, str]] = field(default_factory=list)
    taken: set[tuple[str, str]] = field(default_factory=set)  # (protocol, code) of `found`
    unplaced_box_lines: int = 0
    recognised_anything: bool = False


def report_parse(text: str, catalogs: Sequence[CatalogIndex]) -> ParsedReport:
    """What the report's text says. Raises ReportRefused (and nothing else) for a text that is
    not a SPUR report."""
    try:
        return _parse(text, catalogs)
    except ReportRefused:
        raise
    except Exception:
        raise ReportRefused(gettext_noop("The text could not be read as a SPUR report.")) from None


def _parse(text: str, catalogs: Sequence[CatalogIndex]) -> ParsedReport:
    lines = [
        line
        for line in lines_clean(text)[:_MAX_LINES]
        if not (_FOOTER.match(line) or _WATERMARK.match(line) or _PAGE_NUMBER.match(line))
    ]
    if not lines:
        raise ReportRefused(gettext_noop("The file is empty."))
    reading = _Reading(lines=lines, matcher=TextMatcher(catalogs))
    cover_end, summary_end, plan_start = _zones(reading)
    _cover(reading, 0, cover_end)
    _summary(reading, cover_end, summary_end)
    _areas(reading, summary_end, plan_start)
    _protocol(reading, catalogs)
    _plan(reading, plan_start, len(lines), catalogs)
    report = reading.report
    if not reading.recognised_anything:
        raise ReportRefused(
            gettext_noop(
                "The text is not a SPUR report: it has no cover, no summary, no area of the "
                "protocol and no handlingsplan that Granska recognises."
            )
        )
    report.source_kind = "text"
    return report


def _zones(reading: _Reading) -> tuple[int, int, int]:
    """Where the summary begins, where the areas begin and where the handlingsplan begins."""
    lines = reading.lines
    summary_start = areas_start = plan_start = None
    for index, line in enumerate(lines):
        if plan_start is None and _PLAN_HEADING.match(line):
            plan_start = index
            break
        if areas_start is None and (
            _GROUP_HEADING.match(line) or reading.matcher.title(lines, index)
        ):
            areas_start = index
        if summary_start is None and areas_start is None and line.casefold() in _SUMMARY_HEADINGS:
            summary_start = index
    end = len(lines)
    plan = plan_start if plan_start is not None else end
    areas = areas_start if areas_start is not None else plan
    summary = summary_start if summary_start is not None else areas
    return summary, areas, plan


def _cover(reading: _Reading, start: int, end: int) -> None:
    """The header: the cover's labels with their values, whichever side of its label the
    extraction put a value (the seeds: before; Granska's own PDF: after)."""
    lines = reading.lines[start:end]
    labels = [
        (i, _COVER_LABELS[line.casefold()])
        for i, line in enumerate(lines)
        if line.casefold() in _COVER_LABELS
    ]
    titled = any(_COVER_TITLE.match(line) for line in lines)
    if not labels and not titled:
        for line in lines:
            if line and not _COVER_BOILERPLATE.match(line):
                reading.report.unrecognised.append(line)
        return
    reading.recognised_anything = True
    used: set[int] = {i for i, _ in labels}
    for i, line in enumerate(lines):
        if _COVER_TITLE.match(line) or _COVER_BOILERPLATE.match(line):
            used.add(i)
    values_first = bool(labels) and labels[0][0] > 0 and (labels[0][0] - 1) not in used
    header = reading.report.header
    for position, (i, kind) in enumerate(labels):
        if values_first:
            low = labels[position - 1][0] + 1 if position else 0
            span = range(low, i)
        else:
            high = labels[position + 1][0] if position + 1 < len(labels) else len(lines)
            span = range(i + 1, high)
        taken = [j for j in span if j not in used and lines[j]]
        if not values_first:
            # After its label, the value's own lines: up to a paragraph break or a line
            # recognised; the regulations one a line.
            taken = []
            for j in span:
                if not lines[j]:
                    if taken:
                        break
                    continue
                if j in used or (kind == "regulations" and not _REGULATION.search(lines[j])):
                    break
                if kind != "regulations" and taken and lines[j][:1].isupper() and len(taken) >= 2:
                    break
                taken.append(j)
        used.update(span if values_first else taken)
        value_lines = [lines[j] for j in taken]
        value = join_lines(value_lines)
        if not value or value in ("–", "-"):
            continue
        if kind == "unit" and header.unit is None:
            header.unit = value
        elif kind == "specialty" and header.specialty is None:
            header.specialty = value
        elif kind == "date" and header.date is None:
            header.date = date_iso(value)
            if header.date is None:
                reading.report.unrecognised.append(value)
        elif kind == "inspectors" and not header.inspectors:
            header.inspectors = _names("\n".join(value_lines))
        elif kind == "regulations" and not header.regulations:
            header.regulations = regulations_named(value)
            if not header.regulations:
                reading.report.unrecognised.append(value)
    # What is left on the cover: boilerplate passages go, anything else is kept as unplaced.
    passage: list[str] = []
    passages: list[list[str]] = []
    for i, line in enumerate(lines):
        if not line or (i in used and not _COVER_BOILERPLATE.match(line)):
            if passage:
                passages.append(passage)
            passage = []
            continue
        passage.append(line)
    if passage:
        passages.append(passage)
    for chunk in passages:
        if not _COVER_BOILERPLATE.match(chunk[0]) and not _COVER_TITLE.match(chunk[0]):
            reading.report.unrecognised.append(join_lines(chunk))


def _items(lines: Sequence[str]) -> list[str]:
    """The items of a list whose lines the PDF wrapped. Where the items are bulleted, a bullet
    begins each; else a line that begins in lower case (or follows one ending in a hyphen or a
    comma) goes on the item before it."""
    bulleted = any(line[:1] in _BULLETS for line in lines)
    items: list[list[str]] = []
    for raw in lines:
        if not raw or raw in ("–", "-"):
            continue
        bullet = raw[:1] in _BULLETS
        line = raw[1:].strip() if bullet else raw
        if not line:
            continue
        if bulleted:
            continues = bool(items) and not bullet
        else:
            continues = bool(items) and (
                line[0].islower()
                or (line[0].isdigit() and not items[-1][-1].endswith((".", "!", "?")))
                or items[-1][-1].endswith(("-", ",", " och", " eller", " samt"))
            )
        if continues:
            items[-1].append(line)
        else:
            items.append([line])
    return [join_lines(item) for item in items]


def _summary(reading: _Reading, start: int, end: int) -> None:
    """The three lists. A heading alone heads the items that follow it. Headings side by side
    (a table's head row: "Styrkor" then "Svagheter") head columns, which extraction prints one
    after the other: when the next block goes on with the last column (its head row begins with
    it, on the next page), this block's items are the first column's; a block of two columns
    that pairs each item with one in the other (as the SPUR template's "Svagheter" beside
    "Förbättringspotential") splits in two halves. Items whose column the text does not tell
    are kept in `unrecognised`, not guessed."""
    lines = reading.lines
    blocks: list[tuple[list[str], list[str]]] = []  # (headings, item lines)
    for index in range(start, end):
        line = lines[index]
        heading = _SUMMARY_HEADINGS.get(line.casefold())
        if heading:
            if blocks and not blocks[-1][1]:
                blocks[-1][0].append(heading)
            else:
                blocks.append(([heading], []))
            continue
        if not blocks:
            if line and not _COVER_BOILERPLATE.match(line):
                reading.report.unrecognised.append(line)
            continue
        if not line or _PAGE_NUMBER.match(line) or _is_footer(reading, line):
            continue
        blocks[-1][1].append(line)
    if blocks:
        reading.recognised_anything = True
    summary: Summary = reading.report.summary
    previous_last: str | None = None
    for number, (headings, item_lines) in enumerate(blocks):
        columns = list(dict.fromkeys(headings))
        following = blocks[number + 1][0] if number + 1 < len(blocks) else None
        items = _items(item_lines)
        if len(columns) > 1 and following and following[0] == columns[-1]:
            columns = columns[:-1]
        if len(columns) == 1:
            getattr(summary, columns[0]).extend(items)
        elif len(columns) == 2 and previous_last == columns[0] and items and len(items) % 2 == 0:
            half = len(items) // 2
            getattr(summary, columns[0]).extend(items[:half])
            getattr(summary, columns[1]).extend(items[half:])
        else:
            reading.report.unrecognised.extend(items)
        previous_last = headings[-1]


def _areas(reading: _Reading, start: int, end: int) -> None:
    lines = reading.lines
    matcher = reading.matcher
    current: str | None = None  # the area whose narrative is being read
    narrative: list[str] | None = None
    index = start
    while index < end:
        line = lines[index]
        if not line:
            if narrative is not None and narrative and narrative[-1] != "":
                narrative.append("")
            index += 1
            continue
        if _PAGE_NUMBER.match(line) or _is_footer(reading, line):
            index += 1
            continue
        title = matcher.title(lines, index)
        if title:
            taken, current = title
            reading.recognised_anything = True
            narrative = []
            reading.narratives.setdefault(current, []).append(narrative)
            index += taken
            continue
        adjusted = _ADJUSTED.match(line)
        if not adjusted and index + 1 < end and line.lower().startswith("handlingsplan mottagen"):
            adjusted = _ADJUSTED.match(line + " " + lines[index + 1])
            if adjusted:
                index += 1
        if adjusted:
            if current is not None:
                reading.report.areas[current].adjusted = adjusted.group(2).upper()
            else:
                reading.report.unrecognised.append(line)
            narrative = None
            index += 1
            continue
        if (
            _GROUP_HEADING.match(line)
            or _BOX_HEADING.match(line)
            or _AREA_LETTER.match(line)
            or _YEARS.match(line)
            or _GRID_CAPTION.match(line)
        ):
            narrative = None
            index += 1
            continue
        if _SCALE_ITEM.match(line):
            index = _scale_skip(reading, index, end)
            narrative = None
            continue
        known = matcher.match(lines, index)
        if known:
            taken, key = known
            _criterion_found(reading, key)
            narrative = None
            index += taken
            continue
        if line == _NO_NARRATIVE:
            narrative = None
        elif narrative is not None:
            narrative.append(line)
        else:
            reading.unplaced_box_lines += 1
            reading.report.unrecognised.append(line)
        index += 1
    for code in AREA_CODES:
        parts = reading.narratives.get(code, [])
        paragraphs: list[str] = []
        for part in parts:
            for position, text in enumerate(_paragraphs(part)):
                if position == 0 and paragraphs and not paragraphs[-1].endswith(_SENTENCE_END):
                    # The title again at a page break, inside a sentence: the sentence goes on.
                    text = join_lines([paragraphs.pop(), text])
                paragraphs.append(text)
        if paragraphs:
            reading.report.areas[code].narrative = "\n\n".join(paragraphs)


def _paragraphs(lines: Sequence[str]) -> list[str]:
    """The lines' paragraphs (split at the blank lines), each joined into one text."""
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
        elif block:
            paragraphs.append(join_lines(block))
            block = []
    return paragraphs


def _is_footer(reading: _Reading, line: str) -> bool:
    """A page's footer of Granska's own PDF ("Unit · 2026-03-03") or a repeated cover title."""
    unit = reading.report.header.unit
    return bool(unit and line.startswith(unit) and " · " in line) or bool(_COVER_TITLE.match(line))


def _scale_skip(reading: _Reading, index: int, end: int) -> int:
    """Past a grade scale's item ("B. Socialstyrelsens föreskrifter följs.") and its wrapped
    lines: they go on to the sentence's end (a grid's mark printed after it, "… krävs. D", is no
    part of it), and "Åtgärder krävs." may follow on its own line."""
    lines = reading.lines

    def ends(text: str) -> bool:
        return _GRID_MARKS.sub("", text).endswith(".")

    text = lines[index]
    index += 1
    for _ in range(4):
        if ends(text) or index >= end or not lines[index] or _structural(reading, index):
            break
        text = lines[index]
        index += 1
    while index < end and lines[index] and _SCALE_TAIL.match(_GRID_MARKS.sub("", lines[index])):
        index += 1
    return index


def _structural(reading: _Reading, index: int) -> bool:
    """Whether lines[index] is something the reader places on its own: no wrapped line."""
    line = reading.lines[index]
    return bool(
        _SCALE_ITEM.match(line)
        or _BOX_HEADING.match(line)
        or _GROUP_HEADING.match(line)
        or _PLAN_HEADING.match(line)
        or reading.matcher.title(reading.lines, index)
        or line.lower().startswith("handlingsplan mottagen")
    )


def _criterion_found(reading: _Reading, key: str) -> None:
    """Records the criterion `key` is the text of, in each protocol that lists it. A text a
    protocol lists twice is the first of them not yet seen."""
    reading.recognised_anything = True
    taken = reading.taken
    choices: dict[str, list[tuple[str, str]]] = {}
    for known in reading.matcher.known[key]:
        if known.code is not None:
            choices.setdefault(known.protocol, []).append((known.area, known.code))
    for protocol, options in choices.items():
        area, code = next(
            (option for option in options if (protocol, option[1]) not in taken), options[0]
        )
        reading.found.append((protocol, area, code))
        taken.add((protocol, code))


def _protocol(reading: _Reading, catalogs: Sequence[CatalogIndex]) -> None:
    """The version whose criteria the report lists: the one that recognises the largest share of
    the criterion texts found (and of the box lines that none recognises)."""
    if not catalogs:
        return
    seen: dict[str, set[str]] = {}
    for protocol, _, code in reading.found:
        seen.setdefault(protocol, set()).add(code)
    total = max((len(codes) for codes in seen.values()), default=0) + reading.unplaced_box_lines
    best: CatalogIndex | None = None
    best_score = -1.0
    for index in catalogs:
        score = len(seen.get(index.protocol, set())) / total if total else 0.0
        if score > best_score:
            best, best_score = index, score
    if best is None or not seen:
        return
    reading.report.protocol = ProtocolMatch(code=best.protocol, score=min(best_score, 1.0))
    codes = seen.get(best.protocol, set())
    for area_code in AREA_CODES:
        expected = best.area_criteria(area_code)
        area: AreaReading = reading.report.areas[area_code]
        area.criteria_expected = len(expected)
        area.criteria_codes = [code for code in expected if code in codes]
        area.criteria_found = len(area.criteria_codes)


def _plan(reading: _Reading, start: int, end: int, catalogs: Sequence[CatalogIndex]) -> None:
    """The handlingsplan: each item from its area's title (or after the one before it) through
    its labelled fields; a heading the page break repeated ("Planerad åtgärd" twice, the area's
    title twice) is read once."""
    if start >= end:
        return
    reading.recognised_anything = True
    lines = reading.lines
    index_by_code = {index.protocol: index for index in catalogs}
    protocol = reading.report.protocol
    catalog = index_by_code.get(protocol.code) if protocol else (catalogs[0] if catalogs else None)
    items: list[dict[str, list[str]]] = []
    areas: list[str | None] = []
    state: str | None = None
    area: str | None = None

    def begin(with_area: str | None) -> None:
        nonlocal state
        items.append({k: [] for k in ("criterion", *_PLAN_LABELS.values())})
        areas.append(with_area)
        state = "criterion"

    index = start + 1
    while index < end:
        line = lines[index]
        if not line or _PAGE_NUMBER.match(line) or _is_footer(reading, line):
            index += 1
            continue
        title = reading.matcher.title(lines, index)
        if title and (len(line) < 3 or line[1] == "." or state in (None, "follow_up_responsible")):
            taken, code = title
            index += taken
            if state == "criterion" and items and not any(items[-1].values()) and areas[-1] == code:
                continue  # the title again, at a page break
            area = code
            begin(area)
            continue
        labelled = _plan_label(lines, index)
        if labelled:
            taken, label, rest = labelled
            if state is None:
                begin(area)
            if not (label == state and not items[-1][label]):
                state = label
            if rest:
                items[-1][label].append(rest)
            index += taken
            continue
        if state is None:
            index += 1  # the plan's introduction
            continue
        if (
            state == "follow_up_responsible"
            and items[-1][state]
            and not (line[0].islower() or items[-1][state][-1].endswith((",", " och", "-")))
        ):
            begin(area)
        assert state is not None
        items[-1][state].append(line)
        index += 1
    for fields, item_area in zip(items, areas, strict=True):
        if not any(fields.values()):
            continue
        criterion_text = join_lines(fields["criterion"])
        if criterion_text.casefold() == _WHOLE_AREA:
            criterion_text = ""
        criterion_code = (
            criterion_find(catalog, criterion_text, item_area)
            if catalog and criterion_text
            else None
        )

        reading.report.plan.append(
            PlanItem(
                area=item_area,
                criterion=criterion_code,
                criterion_text=criterion_text,
                action=_plan_value(fields["action"]) or "",
                due=_plan_value(fields["due"]),
                responsible=_plan_value(fields["responsible"]),
                follow_up=_plan_value(fields["follow_up"]),
                follow_up_responsible=_plan_value(fields["follow_up_responsible"]),
            )
        )


def _plan_label(lines: Sequence[str], index: int) -> tuple[int, str, str] | None:
    """The plan's label lines[index] begins with: (lines it takes, field, the value after it on
    the same line). Granska's own PDF prints a label beside its value and may wrap a long label
    ("Datum när åtgärden ska vara" / "genomförd")."""
    line = lines[index]
    if len(line.casefold()) != len(line):
        return None
    folded = line.casefold()
    for text, label in _PLAN_LABELS_LONGEST_FIRST:
        if folded.rstrip(":") == text:
            return 1, label, ""
        if folded.startswith((text + " ", text + ":")):
            return 1, label, line[len(text) :].lstrip(": ").strip()
        if text.startswith(folded + " ") and index + 1 < len(lines):
            joined = f"{line} {lines[index + 1]}"
            joined_folded = joined.casefold()
            if len(joined_folded) == len(joined) and (
                joined_folded.rstrip(":") == text or joined_folded.startswith(text + " ")
            ):
                return 2, label, joined[len(text) :].lstrip(": ").strip()
    return None


def _plan_value(lines: Sequence[str]) -> str | None:
    """A field of a plan item as written; None when empty or the dash of an empty field."""
    joined = join_lines(lines)
    return joined if joined and joined not in ("–", "-") else None
