"""The PDF at its edges: long and empty reviews, fonts, PDF/A, text that looks like Typst."""

import datetime
import re
from pathlib import Path

import pytest

from granska.actionplans.limits import ACTION_MAX_CHARS
from granska.actionplans.models import ActionPlan
from granska.actionplans.services import ItemInput, plan_save
from granska.catalog.models import Area, ProtocolVersion
from granska.lifecycle import Status
from granska.reports import ReportWarning
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data
from granska.reviews.limits import NARRATIVE_MAX_CHARS
from granska.reviews.models import Review
from granska.reviews.services import assessment_write
from granska.workflow.plans import plan_accept
from tests.builders import assessor, review_at
from tests.chain import People
from tests.factories import UnitFactory
from tests.reports.conftest import flat, off_page_characters, pdf_pages

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
    return review_at(
        status,
        protocol,
        unit=UnitFactory(name="Vårdcentralen Åkerö"),
        regulations=("SOSFS 2015:8", "HSLF-FS 2021:8"),
        visit_date=visit_date,
    )


def test_the_longest_narrative_of_an_area_flows_over_pages(protocol: ProtocolVersion) -> None:
    review = _review(protocol, visit_date=datetime.date(2026, 5, 4))
    area = Area.objects.get(protocol=protocol, code="E")
    paragraphs = NARRATIVE_MAX_CHARS // len(PARAGRAPH * 3 + "99. \n\n")
    narrative = "\n\n".join(f"{i}. " + PARAGRAPH * 3 for i in range(1, paragraphs + 1))
    assert NARRATIVE_MAX_CHARS - 1000 < len(narrative) <= NARRATIVE_MAX_CHARS
    assessment_write(by=assessor(review), review=review, area=area, narrative=narrative)
    pages = pdf_pages(pdf_render(report_data(review)))
    assert len(pages) >= 12  # the ordinary report has about seven pages
    text = flat(" ".join(pages))
    assert f"{paragraphs}. Handledningen" in text  # the last paragraph is not cut off
    # Every page counts, the cover too, which shows no number.
    assert "Sida 1 av" not in text
    assert f"Sida 2 av {len(pages)}" in text
    assert f"Sida {len(pages)} av {len(pages)}" in text
    assert off_page_characters(pdf_render(report_data(review))) == []


def test_a_review_with_every_field_empty_renders(protocol: ProtocolVersion) -> None:
    review = _review(protocol)  # no date, no inspectors, no text, no findings, no grades
    pages = pdf_pages(pdf_render(report_data(review)))
    text = flat(" ".join(pages))
    assert "Ingen text skriven." in text
    # No grade set: the grids mark none, and no line beside them repeats the grades.
    assert "Satt gradering" not in text
    assert "Gradering 2015 2021 A. " in text
    assert all("UTKAST" in page for page in pages)


def test_text_that_looks_like_typst_is_printed_not_run(protocol: ProtocolVersion) -> None:
    review = _review(protocol, visit_date=datetime.date(2026, 5, 4))
    area = Area.objects.get(protocol=protocol, code="A")
    tricky = '#set page(paper: "a6") #panic("x") $x^2$ *fet* _kursiv_ <etikett> @ref \\ ] ) }'
    assessment_write(by=assessor(review), review=review, area=area, narrative=tricky)
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


def test_a_planned_action_pages_long_stays_on_the_pages(plan_accepted_long: Review) -> None:
    pdf = pdf_render(report_data(plan_accepted_long))
    assert off_page_characters(pdf) == []
    text = flat(" ".join(pdf_pages(pdf)))
    assert "Slutet på den långa åtgärden." in text


@pytest.fixture
def plan_accepted_long(plan: ActionPlan, people: People) -> Review:
    """An accepted plan whose first action is as long as an action may be: pages long."""
    ending = " Slutet på den långa åtgärden."
    long_action = " ".join([PARAGRAPH] * ((ACTION_MAX_CHARS - len(ending)) // len(PARAGRAPH)))
    long_action += ending
    items = {
        pk: ItemInput(
            action=long_action if n == 0 else "Kort åtgärd.",
            completion="Q2 2027",
            responsible="Studierektor",
            followup="Q4 2027",
            followup_responsible="Verksamhetschef",
        )
        for n, pk in enumerate(plan.items.values_list("pk", flat=True))
    }
    plan = plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    plan_accept(plan=plan, by=people.inspector)
    return plan.review


def test_a_word_longer_than_a_line_breaks_instead_of_running_off_the_page(
    protocol: ProtocolVersion,
) -> None:
    review = _review(protocol)
    address = "https://intranat.example/" + "utbildningsprogram-" * 40 + "slut"
    assessment_write(
        by=assessor(review),
        review=review,
        area=Area.objects.get(protocol=protocol, code="E"),
        narrative=address,
    )
    review.strengths = "Ö" * 400
    review.save(update_fields=["strengths"])
    pdf = pdf_render(report_data(review))
    assert off_page_characters(pdf) == []
    # Broken only where it must be: every character is there, in order (across a page break,
    # whose footer and watermark are taken out).
    joined = flat(" ".join(pdf_pages(pdf))).replace("\u200b", "").replace(" ", "")
    joined = re.sub(r"VårdcentralenÅkeröSida\d+av\d+(UTKAST)?", "", joined)
    assert address in joined
