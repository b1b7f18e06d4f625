"""Small PDFs in the layout of the real SPUR reports (tests/../shared/seeds), typeset by Typst
with the project's fonts: an area heading, a narrative, the criteria box, and the "Gradering"
grid with its year columns, marked the ways old reports mark a grade (a letter "X", a tick, a
filled cell, a cross of lines, a circle), or not at all.

The texts are our own; only the layout follows the seeds."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import typst

from granska.glyphs import FONT_DIR


@cache
def _fonts() -> typst.Fonts:
    """The project's fonts and no others, as the reports are typeset."""
    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONT_DIR)]
    )


SCALE = {
    "A": "Socialstyrelsens föreskrifter och allmänna råd följs. Övriga kvalitetsindikatorer är "
    "uppfyllda, men enstaka undantag kan förekomma.",
    "B": "Socialstyrelsens föreskrifter följs.",
    "C": "Socialstyrelsens föreskrifter följs. Allmänna råd följs i väsentliga delar.",
    "D": "Brister har påvisats vad gäller följsamheten till Socialstyrelsens föreskrifter. "
    "Åtgärder krävs.",
}
TITLES = {
    "A": "Verksamheten",
    "B": "Medarbetarstab och interna kompetenser",
    "C": "Lokaler och utrustning",
    "D": "Tjänstgöringens upplägg",
}
# Typst for each way of marking a cell (and "letter": the row's grade letter itself).
MARKS: dict[str, str] = {
    "X": "[X]",
    "x": "[x]",
    "tick": "[✓]",
    "dot": "[●]",
    "rect": "box(width: 9pt, height: 9pt, fill: black)",
    "cross": (
        "box(width: 9pt, height: 9pt, {"
        "place(line(start: (0pt, 0pt), end: (9pt, 9pt), stroke: 1pt)); "
        "place(line(start: (0pt, 9pt), end: (9pt, 0pt), stroke: 1pt))})"
    ),
    "circle": "circle(radius: 4pt, stroke: 1pt)",
}


@dataclass
class Area:
    code: str
    # year ("2015", "2021") → (grade, how it is marked: a key of MARKS)
    marks: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    narrative: str = "Enheten har en tydlig plan för utbildningen och följer upp den varje år."
    grades: Sequence[str] = ("A", "B", "C", "D")
    # More marks: (year, grade, kind), for a column marked in two rows.
    extra: Sequence[tuple[str, str, str]] = ()
    # Space before the grid, to push it to the foot of a page (a grid cut by the break).
    space_before: str = ""


def _cell(grade: str, year: str, area: Area) -> str:
    kinds = [kind for y, g, kind in area.extra if (y, g) == (year, grade)]
    mark = area.marks.get(year)
    if mark is not None and mark[0] == grade:
        kinds.insert(0, mark[1])
    if not kinds:
        return "[]"
    kind = kinds[0]
    if kind == "letter":
        return f"[{grade}]"
    return MARKS[kind]


def _area(area: Area, years: Sequence[str], *, repeat_header: bool, label: str) -> str:
    header = ", ".join(f"[*{year}*]" for year in years)
    rows = []
    for grade in area.grades:
        cells = ", ".join(_cell(grade, year, area) for year in years)
        rows.append(f"[*{grade}.* {SCALE[grade]}], {cells}")
    columns = ", ".join(["1fr"] + ["1.5cm"] * len(years))
    return f"""
#heading(level: 2)[{area.code}. {TITLES[area.code]}]
{area.narrative}

#block(stroke: 0.5pt, inset: 6pt, width: 100%)[
  *Föreskrift* \\
  Vårdgivaren ska se till att utbildningen har goda förutsättningar.

  #grid(columns: (1fr, 2cm), [*Kvalitetsindikator*], [*Gradering*],
    [Det finns skriftliga rutiner för utbildningen.], [{area.code}])
]
{area.space_before}
#table(columns: ({columns}), align: (left, center + horizon, center + horizon),
  table.header(repeat: {"true" if repeat_header else "false"}, [{label}], {header}),
  {", ".join(rows)})
"""


def report_pdf(
    areas: Sequence[Area],
    *,
    years: Sequence[str] = ("2015", "2021"),
    repeat_header: bool = True,
    label: str = "*Gradering*",
) -> bytes:
    """A PDF of the areas, one after another (two on a page when they fit); a grid cut by a
    page break repeats its header row on the next page, or (`repeat_header=False`) does not.
    `label` is the header row's first cell (the seeds' grids name only the years)."""
    source = (
        '#set page(paper: "a4", margin: 2cm)\n'
        '#set text(font: ("Lato", "Noto Sans Symbols 2", "Noto Sans Symbols", "Noto Sans"), '
        'size: 10pt, lang: "sv")\n'
        "#heading(level: 1)[STRUKTUR]\n"
        + "\n".join(_area(area, years, repeat_header=repeat_header, label=label) for area in areas)
    )
    pdf = typst.compile(source.encode(), format="pdf", font_paths=_fonts())
    assert isinstance(pdf, bytes)
    return pdf


def typst_pdf(source: str) -> bytes:
    """Any Typst source as a PDF, with the project's fonts."""
    pdf = typst.compile(source.encode(), format="pdf", font_paths=_fonts())
    assert isinstance(pdf, bytes)
    return pdf


def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty:
    no reader opens it without the password."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        b"ab" * 16,
        b"ab" * 16,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
