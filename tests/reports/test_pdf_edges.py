"""The PDF at its edges: long and empty reviews, fonts, PDF/A, text that looks like Typst."""

import datetime
import re
from pathlib import Path

import pytest

from granska.catalog.models import Area, ProtocolVersion
from granska.reports import ReportWarning
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data
from granska.reviews.models import Review, Status
from granska.reviews.services import assessment_write, review_create
from tests.factories import UnitFactory
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db

PARAGRAPH = (
    "Handledningen sker enligt schema och följs upp av studierektorn, som träffar varje "
    "ST-läkare och handledare minst två gånger per termin. Återkopplingen dokumenteras i "
    "utbildningsportalen och används vid revisionen av det individuella utbildningsprogrammet. "
)


def _review(
    protocol: ProtocolVersion,
    visit_date: datetime.date | None = None,
    status: str = Status.BOKAD,
) -> Review:
    return review_create(
        unit=UnitFactory(name="Vårdcentralen Åkerö"),
        protocol=protocol,
        regulations=("SOSFS 2015:8", "HSLF-FS 2021:8"),
        visit_date=visit_date,
        status=status,
    )


def test_ten_pages_of_narrative_in_one_area_flow_over_pages(protocol: ProtocolVersion) -> None:
    review = _review(protocol, visit_date=datetime.date(2026, 5, 4))
    area = Area.objects.get(protocol=protocol, code="E")
    narrative = "\n\n".join(f"{i}. " + PARAGRAPH * 3 for i in range(1, 61))
    assessment_write(review=review, area=area, narrative=narrative)
    pages = pdf_pages(pdf_render(report_data(review)))
    assert len(pages) >= 16  # the ordinary report has about seven pages
    text = flat(" ".join(pages))
    assert "60. Handledningen" in text  # the last paragraph is not cut off
    assert f"Sida 1 av {len(pages) - 1}" in text
    assert f"Sida {len(pages) - 1} av {len(pages) - 1}" in text


def test_a_review_with_every_field_empty_renders(protocol: ProtocolVersion) -> None:
    review = _review(protocol)  # no date, no inspectors, no text, no findings, no grades
    pages = pdf_pages(pdf_render(report_data(review)))
    text = flat(" ".join(pages))
    assert "Ingen text skriven." in text
    assert "SOSFS 2015:8: ej satt · HSLF-FS 2021:8: ej satt" in text
    assert all("UTKAST" in page for page in pages)


def test_text_that_looks_like_typst_is_printed_not_run(protocol: ProtocolVersion) -> None:
    review = _review(protocol, visit_date=datetime.date(2026, 5, 4))
    area = Area.objects.get(protocol=protocol, code="A")
    tricky = '#set page(paper: "a6") #panic("x") $x^2$ *fet* _kursiv_ <etikett> @ref \\ ] ) }'
    assessment_write(review=review, area=area, narrative=tricky)
    review.strengths = '#read("/etc/passwd")\n= Rubrik'
    review.save()
    pages = pdf_pages(pdf_render(report_data(review)))
    text = flat(" ".join(pages))
    assert flat(tricky) in text
    assert '#read("/etc/passwd")' in text
    assert "= Rubrik" in text


def test_fonts_are_the_bundled_lato_embedded(protocol: ProtocolVersion) -> None:
    pdf = pdf_render(report_data(_review(protocol)))
    assert b"/FontFile2" in pdf
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", pdf))
    assert fonts
    assert fonts <= {b"Lato-Regular", b"Lato-Bold", b"Lato-Italic", b"Lato-BoldItalic"}


def test_the_pdf_is_pdf_a_2a(protocol: ProtocolVersion) -> None:
    pdf = pdf_render(report_data(_review(protocol)))
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    assert b"<pdfaid:conformance>A</pdfaid:conformance>" in pdf


def test_a_font_warning_is_an_error(protocol: ProtocolVersion, tmp_path: Path) -> None:
    template = tmp_path / "report.typ"
    template.write_text('#set text(font: "Ingen Sådan Font")\nHej', encoding="utf-8")
    with pytest.raises(ReportWarning, match="unknown font family"):
        pdf_render(report_data(_review(protocol)), template=template)


def test_a_final_report_has_no_draft_mark(protocol: ProtocolVersion) -> None:
    review = _review(protocol, visit_date=datetime.date(2026, 5, 4), status=Status.SLUTRAPPORT)
    pages = pdf_pages(pdf_render(report_data(review)))
    assert not any("UTKAST" in page for page in pages)
