"""The grids of PDFs in the real reports' layout, typeset here (tests/imports/typst_pdfs.py):
every way of marking a grade, one regulation or two, no mark, two areas on a page, a grid cut
by a page break."""

import pytest

from granska.imports.parsed import REGULATIONS
from granska.imports.pdf import pdf_read
from tests.imports.typst_pdfs import Area, report_pdf

SOSFS, HSLF = REGULATIONS
GLYPHS = ["X", "x", "tick", "dot", "letter"]
SHAPES = ["rect", "cross", "circle"]


@pytest.mark.parametrize("kind", GLYPHS + SHAPES)
def test_each_kind_of_mark_gives_the_row_it_marks_and_says_how(kind: str) -> None:
    reading = pdf_read(report_pdf([Area("A", {"2015": ("B", kind), "2021": ("D", kind)})]))
    source = "pdf-glyph" if kind in GLYPHS else "pdf-shape"
    assert reading.grades == {"A": {SOSFS: ("B", source), HSLF: ("D", source)}}
    assert reading.regulations == [SOSFS, HSLF]
    assert reading.adjusted == {}


def test_the_text_is_each_page_joined_by_form_feeds() -> None:
    reading = pdf_read(report_pdf([Area("A", {"2015": ("A", "X")}, space_before="#v(19cm)")]))
    pages = reading.text.split("\f")
    assert len(pages) == 2
    assert "A. Verksamheten" in pages[0]
    assert "Kvalitetsindikator" in reading.text
    # The mark is a glyph, and text extraction keeps it: the parser must not read it as words.
    assert "Gradering" in reading.text


def test_one_regulation_only() -> None:
    reading = pdf_read(report_pdf([Area("A", {"2021": ("C", "X")})], years=("2021",)))
    assert reading.regulations == [HSLF]
    assert reading.grades == {"A": {HSLF: ("C", "pdf-glyph")}}


def test_a_grid_without_a_mark_gives_no_grade() -> None:
    reading = pdf_read(report_pdf([Area("A"), Area("B", {"2015": ("A", "rect")})]))
    assert "A" not in reading.grades
    assert reading.grades["B"] == {SOSFS: ("A", "pdf-shape")}
    assert reading.regulations == [SOSFS, HSLF]


def test_marks_in_two_rows_of_a_column_give_no_grade() -> None:
    area = Area("A", {"2015": ("B", "X"), "2021": ("A", "X")}, extra=[("2015", "D", "rect")])
    assert pdf_read(report_pdf([area])).grades == {"A": {HSLF: ("A", "pdf-glyph")}}


def test_two_areas_on_one_page_each_get_their_own_grid() -> None:
    pdf = report_pdf(
        [
            Area("A", {"2015": ("A", "X"), "2021": ("B", "cross")}),
            Area("B", {"2015": ("D", "circle"), "2021": ("C", "tick")}),
        ]
    )
    reading = pdf_read(pdf)
    assert reading.text.count("\f") == 0
    assert reading.grades == {
        "A": {SOSFS: ("A", "pdf-glyph"), HSLF: ("B", "pdf-shape")},
        "B": {SOSFS: ("D", "pdf-shape"), HSLF: ("C", "pdf-glyph")},
    }


def test_a_scale_without_every_step() -> None:
    # The seeds' area A lists only A., B. and D.
    reading = pdf_read(report_pdf([Area("A", {"2015": ("D", "X")}, grades=("A", "B", "D"))]))
    assert reading.grades == {"A": {SOSFS: ("D", "pdf-glyph")}}


@pytest.mark.parametrize("space", ["17cm", "18cm", "18.5cm", "19cm"])
@pytest.mark.parametrize("repeat_header", [True, False])
def test_a_grid_cut_by_a_page_break_is_read_on_both_pages(space: str, repeat_header: bool) -> None:
    areas = [
        Area("A", {"2015": ("D", "X"), "2021": ("A", "rect")}, space_before=f"#v({space})"),
        Area("B", {"2015": ("C", "X")}),
    ]
    reading = pdf_read(report_pdf(areas, repeat_header=repeat_header))
    assert reading.text.count("\f") == 1
    assert reading.grades == {
        "A": {SOSFS: ("D", "pdf-glyph"), HSLF: ("A", "pdf-shape")},
        "B": {SOSFS: ("C", "pdf-glyph")},
    }


def test_a_mark_in_a_column_of_its_own_is_not_read_in_the_other() -> None:
    reading = pdf_read(report_pdf([Area("C", {"2021": ("B", "cross")})]))
    assert reading.grades == {"C": {HSLF: ("B", "pdf-shape")}}


def test_a_header_row_of_the_years_alone() -> None:
    # The seeds' text has the years on a line of their own: "2015 2021".
    reading = pdf_read(
        report_pdf([Area("B", {"2015": ("C", "X"), "2021": ("C", "cross")})], label="")
    )
    assert reading.grades == {"B": {SOSFS: ("C", "pdf-glyph"), HSLF: ("C", "pdf-shape")}}
