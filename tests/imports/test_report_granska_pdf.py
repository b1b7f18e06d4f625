"""Granska's own reports, rendered to PDF and their text extracted (pypdfium2, pages joined by
form feeds, as `granska.imports.pdf` gives it), read back to what the report shows: the
header, the summary, the narratives, the adjustment notes and the handlingsplan.

The grades are the PDF reader's (the grid), not the text's: here every one stays unknown."""

import io
import re

import pypdfium2 as pdfium
import pytest
from django.core.management import call_command

from granska.imports.catalogs import catalog_indexes
from granska.imports.parsed import REGULATIONS
from granska.imports.report import report_parse
from granska.reports.pdf import pdf_render
from granska.reports.selectors import ReportData, report_data
from granska.reviews.models import Review


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\x0c".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def spaced(text: str | None) -> str:
    """Paragraph breaks vanish in a PDF's text: compare the words."""
    return re.sub(r"\s+", " ", text or "").strip()


def check(data: ReportData) -> None:
    report = report_parse(pdf_text(pdf_render(data)), catalog_indexes())
    header = report.header
    assert header.unit == data["unit"]
    assert (header.date or "") == data["date"]
    assert " och ".join(header.inspectors) == data["inspectors"]
    assert header.regulations == data["regulations"]
    summary = data["summary"]
    assert [spaced(item) for item in report.summary.styrkor] == [
        spaced(i) for i in summary["strengths"]
    ]
    assert [spaced(item) for item in report.summary.svagheter] == [
        spaced(i) for i in summary["weaknesses"]
    ]
    assert [spaced(item) for item in report.summary.forbattringspotential] == [
        spaced(i) for i in summary["improvements"]
    ]
    for group in data["groups"]:
        for area in group["areas"]:
            reading = report.areas[area["code"]]
            assert spaced(reading.narrative) == spaced(" ".join(area["narrative"])), area["code"]
            adjusted = re.search(r"justerad till ([A-D])", area["adjustment_note"])
            assert reading.adjusted == (adjusted.group(1) if adjusted else None)
            assert reading.grades == dict.fromkeys(REGULATIONS)
            assert (
                reading.criteria_found == reading.criteria_expected or len(data["regulations"]) == 1
            )
    expected = [(area["code"], item) for area in data["plan"] for item in area["items"]]
    assert len(report.plan) == len(expected)
    for item, (area_code, written) in zip(report.plan, expected, strict=True):
        assert item.area == area_code
        assert item.criterion == (written["code"] if written["criterion"] else None)
        assert spaced(item.action) == spaced(written["action"])
        assert (item.due or "") == written["completion"]
        assert (item.responsible or "") == written["responsible"]
        assert (item.follow_up or "") == written["followup"]
        assert (item.follow_up_responsible or "") == written["followup_responsible"]
    assert report.unrecognised == []
    assert report.protocol is not None
    assert report.protocol.score == 1.0


@pytest.mark.django_db
def test_every_demo_report_reads_back_from_its_pdf_text() -> None:
    call_command("demo", stdout=io.StringIO())
    reviews = list(Review.objects.order_by("pk"))
    assert any(report_data(review)["plan"] for review in reviews)
    for review in reviews:
        check(report_data(review))
