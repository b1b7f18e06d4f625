"""The documents as other programs read them: the PDF's text, tags and page labels, its version
and replaced marks; the Word file's page, language, fields, styles, tables and metadata."""

import ctypes
import datetime
import hashlib
import io
import re

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reports.docx import docx_render
from granska.reports.issuing import PLAN_ACCEPTED_REASON
from granska.reports.limits import REASON_MAX_CHARS
from granska.reports.models import FinalReport
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data
from granska.reviews.models import Review
from granska.workflow.moves import final_report_correct
from tests.builders import kansli_user, review_at
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ISSUER = "Läkarnas institut för professionell utveckling i sjukvården"


def _utf16(function: object, element: object) -> str:
    size = function(element, None, 0)  # type: ignore[operator]
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    function(element, buffer, size)  # type: ignore[operator]
    return buffer.raw[: size - 2].decode("utf-16-le")


def _texts_by_mcid(page: pdfium.PdfPage) -> dict[int, str]:
    """The text of each marked-content id on the page (-1: outside any, as artifacts are)."""
    textpage = page.get_textpage()
    texts: dict[int, str] = {}
    for obj in page.get_objects(max_depth=8):
        if obj.type != pdfium_raw.FPDF_PAGEOBJ_TEXT:
            continue
        mcid = pdfium_raw.FPDFPageObj_GetMarkedContentID(obj.raw)
        size = pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pointer = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
        pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, pointer, size)
        texts[mcid] = texts.get(mcid, "") + buffer.raw[: size - 2].decode("utf-16-le")
    return texts


def _headings_under(element: object, texts: dict[int, str], found: list[tuple[str, str]]) -> None:
    tag = _utf16(pdfium_raw.FPDF_StructElement_GetType, element)
    count = pdfium_raw.FPDF_StructElement_GetMarkedContentIdCount(element)
    ids = [
        pdfium_raw.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i) for i in range(count)
    ]
    if re.fullmatch(r"H[1-6]", tag):
        found.append((tag, " ".join(texts.get(i, "") for i in ids).strip()))
    for i in range(pdfium_raw.FPDF_StructElement_CountChildren(element)):
        child = pdfium_raw.FPDF_StructElement_GetChildAtIndex(element, i)
        if child:
            _headings_under(child, texts, found)


def pdf_headings(pdf: bytes) -> list[tuple[str, str]]:
    """(tag, text) of every heading in the PDF's structure tree (H1 … H6), in order: what a
    screen reader announces as a heading."""
    document = pdfium.PdfDocument(pdf)
    found: list[tuple[str, str]] = []
    try:
        for page in document:
            texts = _texts_by_mcid(page)
            tree = pdfium_raw.FPDF_StructTree_GetForPage(page.raw)
            try:
                for i in range(pdfium_raw.FPDF_StructTree_CountChildren(tree)):
                    child = pdfium_raw.FPDF_StructTree_GetChildAtIndex(tree, i)
                    _headings_under(child, texts, found)
            finally:
                pdfium_raw.FPDF_StructTree_Close(tree)
    finally:
        document.close()
    return found


def page_labels(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document.get_page_label(i) for i in range(len(document))]
    finally:
        document.close()


@pytest.fixture
def draft(protocol: ProtocolVersion) -> Review:
    return review_at(Status.UTKAST, protocol)


@pytest.fixture
def followed_up(protocol: ProtocolVersion) -> Review:
    """A review whose plan is accepted: version 1 issued with slutrapport, version 2 with the
    plan (E's D adjusted to C), version 1 replaced."""
    return review_at(Status.UPPFOLJNING, protocol)


def test_the_draft_extracts_as_written_with_its_headings_tagged(draft: Review) -> None:
    pdf = pdf_render(report_data(draft))
    pages = pdf_pages(pdf)
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        # The watermark is drawn, not text: no stray pieces of it ("ST", "KA", "UT") anywhere;
        # the header says UTKAST once, in words.
        assert [line for line in lines if line in "UTKAST" and line != "UTKAST"] == [], number
        assert lines.count("UTKAST") == 1, number
        assert flat(page).count("UTKAST") == 1, number
    text = flat(" ".join(pages))
    assert ISSUER in text  # as written: neither spaced out nor in capitals
    assert "LÄKAR" not in text
    assert "EXTERN KVALITETSGRANSKNING" in text

    # Every page counted as the reader counts, and the page labels say the same.
    assert page_labels(pdf) == [str(n) for n in range(1, len(pages) + 1)]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Sida {number} av {len(pages)}" in flat(page)

    headings = pdf_headings(pdf)
    assert headings[:5] == [
        ("H1", "EXTERN KVALITETSGRANSKNING av specialiseringstjänstgöring"),
        ("H2", "Sammanfattning"),
        ("H3", "Styrkor"),
        ("H3", "Svagheter"),
        ("H3", "Förbättringspotential"),
    ]
    assert ("H2", "STRUKTUR") in headings
    assert ("H2", "PROCESS") in headings
    assert ("H3", "A. Verksamheten") in headings
    levels = {text for tag, text in headings if tag == "H4"}
    assert {"Föreskrift", "Allmänna råd", "Kvalitetsindikator"} <= levels
    # No level is skipped on the way down.
    depth = 0
    for tag, text in headings:
        level = int(tag[1])
        assert level <= depth + 1, (tag, text)
        depth = level


def test_each_version_states_itself_and_a_replaced_one_says_so_on_every_page(
    client: Client, followed_up: Review
) -> None:
    first, second = FinalReport.objects.filter(review=followed_up).order_by("version")
    today = timezone.localdate().isoformat()
    assert (first.reason, second.reason) == ("", PLAN_ACCEPTED_REASON)

    with second.pdf.open("rb") as stored:
        current = stored.read()
    text = flat(" ".join(pdf_pages(current)))
    assert f"Version 2, utfärdad {today}; ersätter version 1. Skäl: {PLAN_ACCEPTED_REASON}" in text
    assert "ERSATT" not in text

    # The version as issued is kept, byte for byte; its copy marked replaced is what is served.
    with first.pdf.open("rb") as stored:
        issued = stored.read()
    assert hashlib.sha256(issued).hexdigest() == first.sha256
    assert "ERSATT" not in flat(" ".join(pdf_pages(issued)))
    assert f"Version 1, utfärdad {today}." in flat(" ".join(pdf_pages(issued)))
    client.force_login(kansli_user())
    served = client.get(reverse("reports:version", args=[followed_up.pk, 1])).content
    assert hashlib.sha256(served).hexdigest() == first.replaced_sha256
    pages = pdf_pages(served)
    mark = f"ERSATT: version 1 är ersatt av version 2, utfärdad {today}, och gäller inte längre."
    assert all(mark in flat(page) for page in pages)
    assert client.get(reverse("reports:version", args=[followed_up.pk, 2])).content == current

    # The adjustment note once in the adjusted area, after its narrative, not after its grid.
    start = text.index("E. Handledning och kompetensbedömning")
    area_e = text[start : text.index("F. Teoretisk utbildning", start)]
    assert area_e.count("Handlingsplan mottagen. Gradering justerad till C.") == 1
    assert area_e.index("Handlingsplan mottagen") < area_e.index("Föreskrift")


def test_a_correction_asks_for_its_reason_on_a_confirmation_page(
    client: Client, protocol: ProtocolVersion
) -> None:
    review = review_at(Status.SLUTRAPPORT, protocol)
    url = reverse("reports:reissue", args=[review.pk])
    client.force_login(kansli_user())

    page = client.get(url).content.decode()
    assert 'class="confirm"' in page
    assert "Version 2 av slutrapporten utfärdas och ersätter version 1." in page
    assert "Den publicerade rapporten ersätts" in page
    assert 'name="reason"' in page

    for sent in ({}, {"reason": "  \n "}):
        refused = client.post(url, sent)
        assert refused.status_code == 422
        assert 'class="error-summary"' in refused.content.decode()
    assert "Beskriv varför slutrapporten rättas" in refused.content.decode()
    assert FinalReport.objects.filter(review=review).count() == 1

    response = client.post(url, {"reason": "Fel besöksdatum på försättsbladet rättat."})
    assert response.status_code == 302
    second = FinalReport.objects.get(review=review, version=2)
    assert second.reason == "Fel besöksdatum på försättsbladet rättat."
    with second.pdf.open("rb") as stored:
        text = flat(" ".join(pdf_pages(stored.read())))
    assert "ersätter version 1. Skäl: Fel besöksdatum på försättsbladet rättat." in text

    report_page = client.get(reverse("reports:html", args=[review.pk])).content.decode()
    assert "Fel besöksdatum på försättsbladet rättat." in report_page
    assert f'href="{url}"' in report_page

    # Withheld from the public list: nothing public is replaced, and the page says nothing of it.
    Review.objects.filter(pk=review.pk).update(publish_report=False)
    assert "Den publicerade rapporten ersätts" not in client.get(url).content.decode()


def test_the_word_file_is_a4_swedish_numbered_and_made_on_its_own_template(
    followed_up: Review,
) -> None:
    data = report_data(followed_up)
    document = docx.Document(io.BytesIO(docx_render(data)))

    section = document.sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    defaults = document.styles.element.find(f"{W}docDefaults")
    assert defaults is not None
    lang = defaults.find(f"{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None
    assert lang.get(f"{W}val") == "sv-SE"

    footer = section.footer.paragraphs[0]
    instructions = [t.text.strip() for t in footer._p.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith(f"{followed_up.unit.name} · ")
    assert "Sida 1 av 1" in footer.text  # the fields' values until a reader counts the pages

    properties = document.core_properties
    assert properties.author == "Granska"
    assert properties.language == "sv-SE"
    assert properties.title.startswith("Extern kvalitetsgranskning – ")
    assert properties.comments == ""
    assert data["issue"] is not None
    assert properties.created == datetime.datetime.combine(
        datetime.date.fromisoformat(data["issue"]["date"]), datetime.time(), tzinfo=datetime.UTC
    )
    parts = {str(part.partname): part.blob for part in document.part.package.iter_parts()}
    app = parts["/docProps/app.xml"].decode()
    assert "<Application>Granska</Application>" in app
    everything = b"".join(parts.values())
    assert b"python-docx" not in everything
    assert b"Macintosh" not in everything
    assert b"2013-" not in everything
    assert b"365F91" not in everything  # Word 2010's heading blue
    assert b"Calibri" not in everything

    # Headings as the HTML's, none skipped; in the report's own style.
    levels = [
        (int(p.style.style_id.removeprefix("Heading")), p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.style_id.startswith("Heading")
    ]
    assert levels[:3] == [(1, "EXTERN KVALITETSGRANSKNING"), (2, "Sammanfattning"), (3, "Styrkor")]
    depth = 0
    for level, text in levels:
        assert level <= depth + 1, text
        depth = level
    for level in range(1, 5):
        style = document.styles[f"Heading {level}"]
        assert style.font.name == "Lato"

    # The grade grids: a wide wording column and narrow grade columns, the header repeated.
    grids = [t for t in document.tables if t.rows[0].cells[0].text == "Gradering"]
    assert len(grids) == 8
    for table in grids:
        widths = [column.width for column in table.columns]
        assert all(w is not None for w in widths)
        assert widths[0].cm > 12  # of the A4 page's 16.6 cm between the margins
        assert all(w is not None and w.cm < 2 for w in widths[1:])
        assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
        for row in table.rows:
            assert [cell.width for cell in row.cells] == widths

    # The adjustment note once, after E's narrative; no "Satt gradering" line anywhere.
    paragraphs = [p.text for p in document.paragraphs]
    note = "Handlingsplan mottagen. Gradering justerad till C."
    assert paragraphs.count(note) == 1
    e_heading = paragraphs.index("E. Handledning och kompetensbedömning")
    assert e_heading < paragraphs.index(note) < paragraphs.index("F. Teoretisk utbildning")
    assert not any("Satt gradering" in text for text in paragraphs)
    assert data["issue"]["sentence"] in paragraphs


def test_the_report_page_offers_word_and_html_to_its_readers(
    client: Client, followed_up: Review
) -> None:
    client.force_login(kansli_user())
    page = client.get(reverse("reports:html", args=[followed_up.pk])).content.decode()
    docx_url = reverse("reports:docx", args=[followed_up.pk])
    html_url = reverse("reports:standalone", args=[followed_up.pk])
    assert f'href="{docx_url}"' in page
    assert f'href="{html_url}"' in page
    assert "Satt gradering" not in page
    assert page.count("Handlingsplan mottagen. Gradering justerad till C.") == 1

    word = client.get(docx_url)
    assert word.status_code == 200
    assert word["Content-Disposition"].startswith("attachment;")
    assert word["Content-Disposition"].endswith('.docx"')
    assert "no-store" in word["Cache-Control"]
    headings = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert "HANDLINGSPLAN" in headings

    html = client.get(html_url)
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert html["Content-Disposition"].endswith('.html"')
    assert "no-store" in html["Cache-Control"]
    standalone = html.content.decode()
    assert followed_up.unit.name in standalone
    assert "<style>" in standalone
    assert "Version 2, utfärdad" in standalone


def test_the_correction_service_refuses_a_reason_it_cannot_keep(protocol: ProtocolVersion) -> None:
    review = review_at(Status.SLUTRAPPORT, protocol)
    refusals = {
        None: "Formuläret skickade inte fältet ”Skäl till rättelsen”",
        "": "Beskriv varför slutrapporten rättas",
        "x" * (REASON_MAX_CHARS + 1): f"högst {REASON_MAX_CHARS:,} tecken".replace(",", "\xa0"),
        "Rättat \U000f0000.": "U+F0000",
    }
    for reason, message in refusals.items():
        with pytest.raises(ValidationError) as refused:
            final_report_correct(review=review, by=kansli_user(), reason=reason)
        assert list(refused.value.message_dict) == ["reason"]
        assert message in refused.value.message_dict["reason"][0], reason
    assert FinalReport.objects.filter(review=review).count() == 1
