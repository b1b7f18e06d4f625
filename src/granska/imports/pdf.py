"""Reading an earlier SPUR report's PDF: its text, and the grades its "Gradering" grids mark.

Text extraction loses the marks of the grade grids (an "X", a filled cell, a cross drawn in
lines), so the grids are read from the page's positions instead: pdfplumber (pdfminer.six) gives
every character, rectangle, line and curve with its place. A grid is the header row of year
columns ("2015", "2021"), below it the rows "A. …", "B. …" with their wordings, and in each
column at most one marked row. A mark is a glyph in the cell (a letter "X", a tick, a dot, the
row's own grade letter: Granska's PDFs print it in white on a dark cell) or, where there is no
glyph, a drawn shape (a filled rectangle, a cross of lines, a circle). A column with no visible
mark, or with marks in two rows, gives no grade: nothing is guessed.

An adjusted grade (Granska's PDFs, after an accepted action plan) shows the grade it replaced
struck through in the same column: that struck grade is the one the grid's reading gives (the
original D, as the import contract says), and the marked cell, the grade after the adjustment,
is kept apart in `adjusted`.

pypdfium2 gives the text (it reads Typst's and Word's PDFs in reading order); pdfplumber reads
only the pages that can hold a grid, because it is slow. Every failure of either library on a
damaged file becomes a `ReportRefused` with a Swedish message, or (for the grids alone) no
grades: no other exception leaves this module.
"""

import io
import itertools
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pypdfium2 as pdfium
from django.utils.translation import gettext as _

from granska.imports.parsed import REGULATIONS, GradeSource
from granska.imports.text import ReportRefused

# The year a grid's column names, and the regulation it stands for.
YEAR_REGULATIONS: Final = {"2015": REGULATIONS[0], "2021": REGULATIONS[1]}
GRADES: Final = ("A", "B", "C", "D")
# Glyphs that mark a cell besides the row's own grade letter.
MARK_GLYPHS: Final = frozenset("XxХх×✕✖✗✘✓✔☑☒●•■▪◼◾⬤○◯◉◎*+")
AREA_HEADING: Final = re.compile(r"^([A-H])\.\s+(\S.{0,78})$")
ROW_LABEL: Final = re.compile(r"^([A-D])\.$")
# A page whose text holds a grid's header row, a line of the years alone or after "Gradering"
# (read by pdfplumber, with the page after it).
YEARS_IN_TEXT: Final = re.compile(r"^[ \t]*(?:Gradering[ \t]+)?(?:(?:2015|2021)[ \t]*){1,2}$", re.M)
# How close (in points) words must sit vertically to be on one line.
LINE_TOLERANCE: Final = 3.0
# A fill counts as a mark when it is this dark or darker (0 black, 1 white): a grid's light
# header shading does not.
DARK_FILL: Final = 0.75
# A PDF ends with "%%EOF" within its last bytes; a file cut short does not.
EOF_WINDOW: Final = 2048

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfReading:
    """What a PDF gives the report parser: its text, and the grades its grids mark."""

    text: str  # pypdfium2's text of each page, the pages joined with "\f"
    # area code → regulation → (grade, how the grid marks it)
    grades: dict[str, dict[str, tuple[str, GradeSource]]] = field(default_factory=dict)
    regulations: list[str] = field(default_factory=list)  # those the grids' columns name
    # area code → regulation → the grade a marked cell shows beside a struck-through grade
    # (the grade after an accepted action plan; `grades` holds the one it replaced)
    adjusted: dict[str, dict[str, str]] = field(default_factory=dict)


def pdf_read(data: bytes) -> PdfReading:
    """The text and the grids' grades of a PDF; `ReportRefused` for a file that is not a PDF,
    is encrypted, damaged or cut short, or holds no text (a scan)."""
    if b"%PDF-" not in data[:1024]:
        raise ReportRefused(_("The file is not a PDF."))
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise ReportRefused(_("The PDF is incomplete: the file ends before the document does."))
    pages = _pages_text(data)
    if not any(page.strip() for page in pages):
        raise ReportRefused(
            _("The PDF holds no text (it may be a scan): there is nothing to read in it.")
        )
    text = "\f".join(pages)
    wanted = _grid_pages(pages)
    try:
        grids = _grids_read(data, wanted, pages)
    except Exception:  # pdfminer on a damaged file that pdfium opened: the grades stay unknown
        logger.warning("pdf grids unreadable", exc_info=False)
        grids = _Grids()
    return PdfReading(
        text=text,
        grades=grids.grades(),
        regulations=[r for r in REGULATIONS if r in grids.regulations],
        adjusted=grids.adjusted(),
    )


def _pages_text(data: bytes) -> list[str]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ReportRefused(
                _("The PDF is encrypted with a password and cannot be read.")
            ) from None
        raise ReportRefused(_("The PDF is damaged and cannot be read.")) from None
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return pages
    except pdfium.PdfiumError:
        raise ReportRefused(_("The PDF is damaged and cannot be read.")) from None
    finally:
        document.close()


def _grid_pages(pages: Sequence[str]) -> list[int]:
    """The pages that may hold a grid (their text names a year column) and the page after
    each, where a grid cut by a page break goes on."""
    wanted: set[int] = set()
    for index, page in enumerate(pages):
        if YEARS_IN_TEXT.search(page):
            wanted.add(index)
            if index + 1 < len(pages):
                wanted.add(index + 1)
    return sorted(wanted)


# ---- positions ----------------------------------------------------------------------------


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def x0(self) -> float:
        return float(self.words[0]["x0"])


@dataclass
class _Column:
    regulation: str
    x0: float
    x1: float


@dataclass
class _Row:
    grade: str
    top: float
    bottom: float


@dataclass
class _Grid:
    area: str | None
    columns: list[_Column]
    rows: list[_Row]
    label_x: float


@dataclass
class _Cell:
    glyph: bool = False
    shape: bool = False
    struck: bool = False
    letter: str = ""

    @property
    def marked(self) -> bool:
        return (self.glyph or self.shape) and not self.struck


@dataclass
class _Grids:
    """Every cell read, per area and regulation: the grade is decided once all the parts of
    a grid (one cut by a page break) are in."""

    cells: dict[tuple[str, str], dict[str, _Cell]] = field(default_factory=dict)
    regulations: set[str] = field(default_factory=set)

    def add(self, area: str, regulation: str, grade: str, cell: _Cell) -> None:
        self.cells.setdefault((area, regulation), {})[grade] = cell

    def _decide(self, area: str, regulation: str) -> tuple[str, GradeSource, str] | None:
        cells = self.cells[(area, regulation)]
        marked = [grade for grade, cell in cells.items() if cell.marked]
        struck = [grade for grade, cell in cells.items() if cell.struck]
        if len(marked) != 1 or len(struck) > 1:
            return None  # no mark, or marks in two rows: not guessed
        (grade,) = marked
        if struck:
            # The grade an action plan replaced, shown struck through: the grid's own grade.
            return struck[0], "pdf-glyph", grade
        source: GradeSource = "pdf-glyph" if cells[grade].glyph else "pdf-shape"
        return grade, source, ""

    def grades(self) -> dict[str, dict[str, tuple[str, GradeSource]]]:
        result: dict[str, dict[str, tuple[str, GradeSource]]] = {}
        for area, regulation in self.cells:
            decided = self._decide(area, regulation)
            if decided:
                result.setdefault(area, {})[regulation] = (decided[0], decided[1])
        return result

    def adjusted(self) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {}
        for area, regulation in self.cells:
            decided = self._decide(area, regulation)
            if decided and decided[2]:
                result.setdefault(area, {})[regulation] = decided[2]
        return result


def _grids_read(data: bytes, wanted: Sequence[int], pages: Sequence[str]) -> _Grids:
    import pdfplumber

    grids = _Grids()
    area: str | None = None
    previous: _Grid | None = None  # the last grid of the page before, for one cut by a break
    wanted_set = set(wanted)
    with pdfplumber.open(io.BytesIO(data)) as document:
        for index, text in enumerate(pages):
            if index not in wanted_set:
                # Only its last area heading matters: the grid on a later page belongs to it.
                area = _last_heading(text.splitlines()) or area
                previous = None
                continue
            page = document.pages[index]
            area, previous = _page_read(page, area, previous, grids)
    return grids


def _last_heading(lines: Iterable[str]) -> str | None:
    found = None
    for line in lines:
        match = AREA_HEADING.match(line.strip())
        if match:
            found = match.group(1)
    return found


def _lines(words: Sequence[dict[str, Any]]) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        for line in lines[-3:]:
            if abs(line.top - word["top"]) <= LINE_TOLERANCE:
                line.words.append(word)
                line.bottom = max(line.bottom, word["bottom"])
                break
        else:
            lines.append(_Line(top=word["top"], bottom=word["bottom"], words=[word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    lines.sort(key=lambda line: line.top)
    return lines


def _is_header(line: _Line) -> list[dict[str, Any]]:
    """The year words of a grid's header row ("Gradering 2015 2021", or the years alone)."""
    years = [w for w in line.words if w["text"] in YEAR_REGULATIONS]
    others = [w for w in line.words if w["text"] not in YEAR_REGULATIONS]
    if not years or any(w["text"] != "Gradering" for w in others):
        return []
    if others and others[0]["x1"] > years[0]["x0"]:
        return []
    return years


def _row_label(line: _Line) -> str | None:
    match = ROW_LABEL.match(line.words[0]["text"])
    return match.group(1) if match else None


def _page_read(
    page: Any, area: str | None, previous: _Grid | None, grids: _Grids
) -> tuple[str | None, _Grid | None]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    lines = _lines(words)
    found: list[_Grid] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        years = _is_header(line)
        continued = not found and _continues(previous, lines, i)
        if years or continued:
            start = i + 1 if years else i
            if years:
                columns = _columns(page, line, years)
                grid_area = area
            else:
                assert previous is not None
                columns, grid_area = previous.columns, previous.area
            rows, label_x, end = _rows(lines, start, line.bottom if years else line.top - 2)
            if rows:
                grid = _Grid(area=grid_area, columns=columns, rows=rows, label_x=label_x)
                found.append(grid)
                for column in columns:
                    grids.regulations.add(column.regulation)
                i = end
                continue
            if years:
                for column in columns:
                    grids.regulations.add(column.regulation)
        match = AREA_HEADING.match(line.text)
        if match and not _grid_row_wording(line.text):
            area = match.group(1)
        i += 1
    segments = list(_segments(page)) if found else []
    for grid in found:
        if grid.area is None:
            continue  # a grid before any area heading: whose grades they are is not known
        for column in grid.columns:
            for row in grid.rows:
                cell = _cell(page, segments, column, row)
                grids.add(grid.area, column.regulation, row.grade, cell)
    last = found[-1] if found else None
    # A grid goes on over the page break only when it ended the page.
    return area, last if last and _ends_page(lines, last) else None


def _grid_row_wording(text: str) -> bool:
    """A grid row's wording (the scale's steps all speak of the regulations or of defects)."""
    lowered = text.lower()
    return any(word in lowered for word in ("föreskrift", "brister", "allmänna råd", "följs"))


def _continues(previous: _Grid | None, lines: Sequence[_Line], index: int) -> bool:
    """Does this line, near the top of its page, carry on the grid that ended the page before:
    the next row's label, where that grid's labels stand? (An area heading "D. …" stands
    further left, and follows a grid whose rows went to D.)"""
    if previous is None or index > 2:
        return False
    grade = _row_label(lines[index])
    return (
        grade is not None
        and abs(lines[index].x0 - previous.label_x) <= 2
        and grade > previous.rows[-1].grade
    )


def _ends_page(lines: Sequence[_Line], grid: _Grid) -> bool:
    bottom = grid.rows[-1].bottom
    after = [line for line in lines if line.top > bottom + 1]
    return len(after) <= 2 and not any(AREA_HEADING.match(line.text) for line in after)


def _columns(page: Any, header: _Line, years: Sequence[dict[str, Any]]) -> list[_Column]:
    """Each year's column: between the vertical rules around its word where the grid is
    ruled, else halfway to the next year (and as far on the other side)."""
    verticals = sorted(
        {
            round(float(edge["x0"]), 1)
            for edge in page.vertical_edges
            if edge["top"] <= header.bottom + 2 and edge["bottom"] >= header.top - 2
        }
    )
    centres = [(float(w["x0"]) + float(w["x1"])) / 2 for w in years]
    widths = [float(w["x1"]) - float(w["x0"]) for w in years]
    gap = min((b - a for a, b in itertools.pairwise(centres)), default=0.0)
    half = max(gap / 2 if gap else max(widths) * 1.2, max(widths) * 0.75)
    columns = []
    for word, centre in zip(years, centres, strict=True):
        left = [x for x in verticals if x <= float(word["x0"]) + 0.5]
        right = [x for x in verticals if x >= float(word["x1"]) - 0.5]
        x0 = left[-1] if left and centre - left[-1] <= 3 * half else centre - half
        x1 = right[0] if right and right[0] - centre <= 3 * half else centre + half
        columns.append(_Column(YEAR_REGULATIONS[word["text"]], x0, x1))
    return columns


def _rows(lines: Sequence[_Line], start: int, top: float) -> tuple[list[_Row], float, int]:
    """The grid's rows from line `start`: each row label and the lines of its wording; the
    grid ends at the first line that is neither, or after a wide gap."""
    rows: list[_Row] = []
    label_x = 0.0
    i = start
    last_bottom = top
    height = 12.0
    while i < len(lines):
        line = lines[i]
        grade = _row_label(line)
        gap = line.top - last_bottom
        if grade and (not rows or (abs(line.x0 - label_x) <= 4 and grade > rows[-1].grade)):
            if rows and gap > 3 * height:
                break
            if not rows:
                label_x = line.x0
                height = max(line.bottom - line.top, 6.0)
                rows.append(_Row(grade, top, line.bottom))
            else:
                boundary = (rows[-1].bottom + line.top) / 2
                rows[-1].bottom = boundary
                rows.append(_Row(grade, boundary, line.bottom))
        elif rows and line.x0 >= label_x - 2 and gap <= height and not _is_header(line):
            rows[-1].bottom = line.bottom
        else:
            break
        last_bottom = line.bottom
        i += 1
    if rows:
        rows[-1].bottom += height / 2
    return rows, label_x, i


def _inside(obj: dict[str, Any], column: _Column, row: _Row) -> bool:
    """Is the object's centre in the cell? (A mark may overlap the cell's rules a little.)"""
    cx = (float(obj["x0"]) + float(obj["x1"])) / 2
    cy = (float(obj["top"]) + float(obj["bottom"])) / 2
    return column.x0 <= cx <= column.x1 and row.top <= cy <= row.bottom


def _luminance(colour: Any) -> float | None:
    """0 (black) to 1 (white), or None for a colour that is no fill at all."""
    if colour is None:
        return None
    if isinstance(colour, (int, float)):
        return float(colour)
    values = [float(v) for v in colour if isinstance(v, (int, float))]
    if len(values) == 1:
        return values[0]
    if len(values) == 3:
        return 0.2126 * values[0] + 0.7152 * values[1] + 0.0722 * values[2]
    if len(values) == 4:  # CMYK
        c, m, y, k = values
        return 1 - min(1.0, 0.3 * c + 0.59 * m + 0.11 * y + k)
    return None


def _dark_fills(page: Any, column: _Column, row: _Row) -> list[dict[str, Any]]:
    fills = []
    for rect in page.rects:
        if not rect.get("fill"):
            continue
        shade = _luminance(rect.get("non_stroking_color"))
        if shade is None or shade > DARK_FILL:
            continue
        width = float(rect["x1"]) - float(rect["x0"])
        height = float(rect["bottom"]) - float(rect["top"])
        if width < 2 or height < 2 or width > (column.x1 - column.x0) * 1.5:
            continue
        if _inside(rect, column, row):
            fills.append(rect)
    return fills


def _segments(page: Any) -> Iterator[tuple[float, float, float, float]]:
    """Every straight stroke on the page as (x0, y0, x1, y1), from lines and the straight
    pieces of curves."""
    for line in page.lines:
        points = line.get("pts") or [(line["x0"], line["top"]), (line["x1"], line["bottom"])]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            yield float(ax), float(ay), float(bx), float(by)
    for curve in page.curves:
        points = curve.get("pts") or []
        if len(points) == 2:
            (ax, ay), (bx, by) = points
            yield float(ax), float(ay), float(bx), float(by)


def _cell(
    page: Any, segments: Sequence[tuple[float, float, float, float]], column: _Column, row: _Row
) -> _Cell:
    """The marks in one cell: glyphs, a struck-through grade letter, filled or drawn shapes."""
    cell = _Cell()
    fills = _dark_fills(page, column, row)
    for char in page.chars:
        if not _inside(char, column, row):
            continue
        glyph = str(char["text"])
        if glyph.isspace():
            continue
        if glyph not in MARK_GLYPHS and glyph != row.grade:
            continue
        shade = _luminance(char.get("non_stroking_color"))
        if shade is not None and shade > 0.9 and not fills:
            continue  # white on white: not a visible mark
        if glyph == row.grade and _struck(char, segments):
            cell.struck = True
            cell.letter = glyph
            continue
        cell.glyph = True
        cell.letter = glyph
    if fills:
        cell.shape = True
    diagonals = [
        (ax, ay, bx, by)
        for ax, ay, bx, by in segments
        if abs(bx - ax) > 2
        and abs(by - ay) > 2
        and _inside(
            {"x0": min(ax, bx), "x1": max(ax, bx), "top": min(ay, by), "bottom": max(ay, by)},
            column,
            row,
        )
    ]
    slopes = {(bx - ax) * (by - ay) > 0 for ax, ay, bx, by in diagonals}
    if len(slopes) == 2:
        cell.shape = True  # a cross of two lines
    for curve in page.curves:
        points = curve.get("pts") or []
        width = float(curve["x1"]) - float(curve["x0"])
        height = float(curve["bottom"]) - float(curve["top"])
        if len(points) > 2 and width >= 3 and height >= 3 and _inside(curve, column, row):
            cell.shape = True  # a circle, a tick or a cross drawn as one path
    return cell


def _struck(char: dict[str, Any], segments: Sequence[tuple[float, float, float, float]]) -> bool:
    """Is a horizontal stroke drawn through the middle of the character?"""
    x0, x1 = float(char["x0"]), float(char["x1"])
    top, bottom = float(char["top"]), float(char["bottom"])
    for ax, ay, bx, by in segments:
        if abs(ay - by) > 1:
            continue
        if top + (bottom - top) * 0.25 <= ay <= bottom - (bottom - top) * 0.1 and (
            min(ax, bx) <= x0 + (x1 - x0) * 0.3 and max(ax, bx) >= x1 - (x1 - x0) * 0.3
        ):
            return True
    return False
