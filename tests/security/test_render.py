"""The outputs hold whatever text is stored: the report (PDF, Word, HTML), the calendar feed, the
reminder e-mails and the CSV export. A character the PDF's fonts cannot show is named with its
field, never a 500; a draft is typeset once per content; the public copy of a final report names
no responsible person; what holds a draft or personal data is never kept by a browser.

Rows are written straight into the database where the point is text stored before (or past) the
services' checks: old rows may hold anything."""

import csv
import datetime
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import time_machine
import typst
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from icalendar import Calendar

from granska.actionplans.models import ActionItem, ActionPlan, PlanStatus
from granska.actionplans.services import ItemInput, followup_report, plan_save
from granska.catalog.models import ProtocolVersion
from granska.glyphs import coverage
from granska.lifecycle import Status
from granska.reports.docx import docx_render
from granska.reports.html import html_render
from granska.reports.models import FinalReport
from granska.reports.pdf import pdf_cache_key, pdf_render
from granska.reports.selectors import report_data
from granska.reviews.models import AreaAssessment, Review, Specialty, Unit
from granska.workflow.moves import review_move
from granska.workflow.plans import plan_accept
from tests.chain import DEVIATIONS, People, graded_review
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=1))
# Control characters that Word's Shift+Enter (U+000B), a paste from another program (U+0001,
# U+007F, U+009F) or a broken conversion (U+FFFE) leave in text.
CONTROLS = "\x01\x0b\x7f\x9f\ufffe"
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@pytest.fixture(autouse=True)
def fresh_report_cache() -> None:
    """Each test typesets its own drafts."""
    if "reports" in settings.CACHES:
        caches["reports"].clear()


def narrative_store(review: Review, code: str, text: str) -> None:
    """An area's narrative written straight into the database."""
    assessment = AreaAssessment.objects.get(review=review, area__code=code)
    AreaAssessment.objects.filter(pk=assessment.pk).update(narrative=text)


def fresh(review: Review) -> Review:
    """The review as stored now, after writes straight into the database."""
    return Review.objects.get(pk=review.pk)


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def pdf_text(pdf: bytes) -> str:
    return flat(" ".join(pdf_pages(pdf)))


def submitted(plan: ActionPlan, people: People, **fields: str) -> ActionPlan:
    """The plan written and submitted by the unit, each action with the same values."""
    values = {
        "action": "Rutin för revision av utbildningsprogram.",
        "completion": "2027-03-31",
        "responsible": "Nils Ek",
        "responsible_email": "nils.ek@enheten.example",
        "followup": "Q2 2027",
        "followup_responsible": "Mona Berg",
        "followup_responsible_email": "mona.berg@enheten.example",
    } | fields
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), ItemInput(**values))
    return plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)


@pytest.fixture
def accepted(plan: ActionPlan, people: People) -> ActionPlan:
    return plan_accept(plan=submitted(plan, people), by=people.inspector)


# ---- 3. Characters the fonts lack ----------------------------------------------------------------


def test_emoji_symbols_arabic_and_hebrew_are_typeset_with_the_fallback_fonts(
    accepted: ActionPlan, people: People
) -> None:
    review = accepted.review
    narrative_store(review, "E", "Handledning varje vecka ✓ 😀 👍🏽 – ∑ ≤ → € ★ \ufffd")
    Review.objects.filter(pk=review.pk).update(strengths="Engagerade handledare 🎉\nΩμέγα Жизнь")
    ActionItem.objects.filter(plan=accepted).update(
        responsible="محمد الأحمد", followup_responsible="דוד כהן"
    )
    pdf = pdf_render(report_data(fresh(review)))
    text = pdf_text(pdf).replace(" ", "")
    for written in ("✓", "😀", "∑≤→€★", "\ufffd", "🎉", "Ωμέγα", "Жизнь", "דוד", "כהן"):
        assert written in text
    assert {"م", "ح", "د", "ا", "ل", "أ"} <= set(text)
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", pdf))
    assert {b"NotoEmoji-Regular", b"NotoSansArabic-Regular", b"NotoSansHebrew-Regular"} <= fonts


def test_right_to_left_names_are_shaped_and_in_reading_order(
    accepted: ActionPlan, people: People
) -> None:
    # "לאה" in Hebrew; in Arabic "سلام", whose lam and alef join as one glyph (a ligature) when
    # the text is shaped, and would stand apart if it were not.
    ActionItem.objects.filter(plan=accepted).update(
        responsible="סבינה לאה", followup_responsible="سلام"
    )
    pdf = pdf_render(report_data(accepted.review))
    document = pdfium.PdfDocument(pdf)
    try:
        boxes: dict[str, list[tuple[float, float, float, float]]] = {}
        for page in document:
            textpage = page.get_textpage()
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                boxes.setdefault(char, []).append(textpage.get_charbox(index))
    finally:
        document.close()

    def left(char: str) -> float:
        return boxes[char][0][0]

    # Read right to left: each letter stands left of the one before it.
    assert left("ס") > left("ב") > left("י") > left("נ")
    assert left("ל") > left("א")
    assert left("س") > left("م")
    # Shaped: lam and alef share one glyph's box.
    assert boxes["ل"][0] == boxes["ا"][0]


def test_a_character_no_font_has_is_named_with_its_field_on_the_draft_pdf_page(
    client: Client, review: Review, people: People
) -> None:
    narrative_store(review, "E", "Handledningen följer 漢字-modellen.")
    client.force_login(people.kansli)
    response = client.get(reverse("reports:pdf", args=[review.pk]))
    assert response.status_code == 422
    page = page_text(response)
    assert (
        "Område E, berättelse: tecknen U+6F22 漢, U+5B57 字 kan inte visas i PDF:en; ta bort dem "
        "eller skriv på ett annat sätt."
    ) in page
    # Nothing is lost: the report's page still reads, with the text as written.
    html = client.get(reverse("reports:html", args=[review.pk]))
    assert "Handledningen följer 漢字-modellen." in page_text(html)


def test_the_move_to_the_final_report_is_refused_naming_the_character(
    review: Review, people: People
) -> None:
    Review.objects.filter(pk=review.pk).update(strengths="Bra handledning\nEgen symbol \ue000 här")
    with pytest.raises(ValidationError) as error:
        review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    assert error.value.messages == [
        "Sammanfattning, styrkor, punkt 2: tecknet U+E000 \ue000 kan inte visas i PDF:en; ta "
        "bort det eller skriv på ett annat sätt."
    ]
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING
    assert not FinalReport.objects.filter(review=review).exists()


def test_the_acceptance_of_a_plan_is_refused_naming_the_action_and_its_field(
    plan: ActionPlan, people: People
) -> None:
    plan = submitted(plan, people)
    second = plan.items.order_by("area__position", "position")[1]
    ActionItem.objects.filter(pk=second.pk).update(responsible="Li Ming 李明")
    with pytest.raises(ValidationError) as error:
        plan_accept(plan=plan, by=people.inspector)
    assert error.value.messages == [
        f"Handlingsplan, åtgärd 2 ({second}), ansvarig för genomförandet: tecknen U+674E 李, "
        "U+660E 明 kan inte visas i PDF:en; ta bort dem eller skriv på ett annat sätt."
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.INLAMNAD  # still waiting for the decision, nothing lost
    assert FinalReport.objects.filter(review=plan.review).count() == 1


def test_the_report_command_names_the_field_too(review: Review, tmp_path: Path) -> None:
    narrative_store(review, "H", "Ledarskap enligt 漢.")
    output = tmp_path / "rapport.pdf"
    with pytest.raises(CommandError) as error:
        call_command(
            "report", str(review.pk), "--format", "pdf", "-o", str(output), stdout=io.StringIO()
        )
    assert str(error.value) == (
        "Område H, berättelse: tecknet U+6F22 漢 kan inte visas i PDF:en; ta bort det eller "
        "skriv på ett annat sätt."
    )
    assert not output.exists()
    word = output.with_suffix(".docx")
    call_command(
        "report", str(review.pk), "--format", "docx", "-o", str(word), stdout=io.StringIO()
    )
    assert word.stat().st_size > 0  # Word shows any character


def test_what_typst_refuses_after_the_check_is_named_too(
    review: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the check ever let a character through, Typst's own refusal is mapped back onto
    the field that holds it."""
    monkeypatch.setattr("granska.reports.glyphs.unshowable", lambda text: [])
    narrative_store(review, "B", "Stycke ett.\n\nStycke två med 漢.")
    with pytest.raises(ValidationError) as error:
        pdf_render(report_data(review))
    assert error.value.messages == [
        "Område B, berättelse: tecknet U+6F22 漢 kan inte visas i PDF:en; ta bort det eller "
        "skriv på ett annat sätt."
    ]


def test_control_characters_never_reach_the_pdf_the_word_file_or_the_html(
    review: Review,
) -> None:
    narrative_store(review, "E", f"Rad ett\x0bRad två{CONTROLS}\n\nNästa stycke\x01.")
    Unit.objects.filter(pk=review.unit_id).update(name="Vårdcentralen\x01 Norr\nby")
    Specialty.objects.filter(pk=review.specialty_id).update(name="Allmän\x7fmedicin")
    data = report_data(fresh(review))
    text = pdf_text(pdf_render(data))
    assert "Rad ett Rad två" in text
    assert "Vårdcentralen Norr by" in text
    assert "Allmänmedicin" in text
    assert not CONTROL_RE.search(html_render(data))
    with zipfile.ZipFile(io.BytesIO(docx_render(data))) as docx:
        assert not CONTROL_RE.search(docx.read("word/document.xml").decode())


def test_a_catalog_with_a_character_no_font_has_is_refused_at_load_naming_its_place(
    no_catalog: None, tmp_path: Path
) -> None:
    source = Path(settings.GRANSKA_DEFAULT_CATALOG).read_text(encoding="utf-8")
    sentence = "Det finns fastställda rutiner för bedömningar av ST-läkarens kompetens."
    assert source.count(sentence) == 1
    catalog = tmp_path / "spur-med-tecken.yaml"
    catalog.write_text(source.replace(sentence, sentence[:-1] + " ᚠ 漢."), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("catalog", "load", str(catalog), stdout=io.StringIO())
    assert (
        "spur-med-tecken.yaml: areas[E].criteria[E5].text: tecknen U+16A0 ᚠ, U+6F22 漢 kan "
        "inte visas i rapportens PDF (inget av dess typsnitt har dem)"
    ) in str(error.value)
    assert not ProtocolVersion.objects.exists()


def test_the_template_names_every_bundled_font_family() -> None:
    template = (Path(settings.BASE_DIR) / "src/granska/reports/templates/report.typ").read_text()
    listed = re.search(r"#let fonts = \(([^)]*)\)", template)
    assert listed is not None
    named = re.findall(r'"([^"]+)"', listed.group(1))
    assert named[0] == "Lato"
    assert sorted(named) == sorted(name for name, _codes in coverage().families)


# ---- 10. The draft PDF, typeset once per content -------------------------------------------------


def test_an_unchanged_draft_is_typeset_once_and_a_change_shows_in_the_next_pdf(
    client: Client, review: Review, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = typst.Compiler
    typeset: list[int] = []

    class Counting:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.compiler = real(*args, **kwargs)

        def compile_with_warnings(self, *args: Any, **kwargs: Any) -> Any:
            typeset.append(1)
            return self.compiler.compile_with_warnings(*args, **kwargs)

    monkeypatch.setattr(typst, "Compiler", Counting)
    client.force_login(people.inspector)
    url = reverse("reports:pdf", args=[review.pk])
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert len(typeset) == 1
    assert second.content == first.content

    Review.objects.filter(pk=review.pk).update(strengths="En ny styrka, skriven efteråt.")
    third = client.get(url)
    assert len(typeset) == 2
    assert "En ny styrka, skriven efteråt." in pdf_text(third.content)
    assert "En ny styrka" not in pdf_text(first.content)


def test_the_cached_draft_is_keyed_by_the_template_too(review: Review, tmp_path: Path) -> None:
    data = report_data(review)
    template = tmp_path / "report.typ"
    template.write_bytes(
        (Path(settings.BASE_DIR) / "src/granska/reports/templates/report.typ").read_bytes()
    )
    same = pdf_cache_key(data, template=template)
    template.write_text(template.read_text() + "\n// ändrad\n")
    assert pdf_cache_key(data, template=template) != same
    assert pdf_cache_key(data) == pdf_cache_key(report_data(review))
    data["summary"]["strengths"] = ["Något annat."]
    assert pdf_cache_key(data) != pdf_cache_key(report_data(review))


# ---- 13. Calendar, reminders and CSV hold any stored text ----------------------------------------


def test_the_calendar_feed_holds_a_unit_name_with_line_breaks_and_control_characters(
    accepted: ActionPlan,
) -> None:
    unit = accepted.review.unit
    Unit.objects.filter(pk=unit.pk).update(name="Kliniken\nNorr\x01\x0bby")
    ActionItem.objects.filter(plan=accepted).update(
        completion_text="Q2\x0b2027\x01", action="Rad ett\x0bRad två\x01\ufffe"
    )
    response = Client().get(reverse("actionplans:calendar", args=[unit.calendar_token]))
    assert response.status_code == 200
    content = response.content.decode()
    assert not CONTROL_RE.search(content)
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Granska: Kliniken Norr by"
    summaries = {str(event["summary"]) for event in calendar.walk("VEVENT")}
    assert "Åtgärd D7 ska vara genomförd: Kliniken Norr by (Q2 2027)" in summaries
    assert any("(Q2 2027)" in summary for summary in summaries)
    descriptions = [str(event["description"]) for event in calendar.walk("VEVENT")]
    assert any("Planerad åtgärd: Rad ett\nRad två\n" in text for text in descriptions)


def test_reminders_go_out_when_the_unit_name_holds_a_line_break(
    accepted: ActionPlan, people: People, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    Unit.objects.filter(pk=accepted.review.unit_id).update(name="Kliniken\r\nNorr\x01")
    ActionItem.objects.filter(plan=accepted).update(
        completion_text="Våren\x0b2027", action="Rutin\x0bför\x01 revision"
    )
    with (
        time_machine.travel(datetime.datetime(2027, 3, 17, 6, tzinfo=TZ)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("remind", stdout=io.StringIO())
    assert len(mail.outbox) == 6  # three actions, to the unit's contact and the one responsible
    for message in mail.outbox:
        assert message.subject.endswith("– Kliniken Norr")
        assert not CONTROL_RE.search(f"{message.subject}{message.body}")
        assert "Kliniken Norr" in message.body
        assert "Rutin\nför revision" in message.body
        message.message()  # a valid message, headers and all


def test_a_stored_address_that_is_not_one_is_left_out_and_the_rest_get_the_reminder(
    accepted: ActionPlan,
    people: People,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ActionItem.objects.filter(plan=accepted).update(
        responsible_email="nils.ek@enheten.example\nBcc: alla@annan.example"
    )
    with (
        time_machine.travel(datetime.datetime(2027, 3, 17, 6, tzinfo=TZ)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("remind", stdout=io.StringIO())
    assert sorted({address for message in mail.outbox for address in message.to}) == [
        people.contact.email
    ]
    assert len(mail.outbox) == 3
    assert "annan.example" not in caplog.text
    assert "nils.ek" not in caplog.text


@pytest.mark.parametrize(
    ("stored", "cell"),
    [
        (
            '=HYPERLINK("https://example.com","Klicka")',
            '\'=HYPERLINK("https://example.com","Klicka")',
        ),
        ("+46 8 123", "'+46 8 123"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'=1+1"),
        ("\r=1+1", "'=1+1"),
        ("Kliniken\x07 Norr\u2028by", "Kliniken Norr by"),
    ],
)
def test_the_csv_export_neutralises_formulas_and_strips_invisible_characters(
    client: Client, accepted: ActionPlan, people: People, stored: str, cell: str
) -> None:
    Unit.objects.filter(pk=accepted.review.unit_id).update(name=stored)
    with time_machine.travel(datetime.datetime(2027, 6, 5, 9, tzinfo=TZ)):
        client.force_login(people.kansli)
        response = client.get(reverse("actionplans:overview-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    units = {row[1] for row in rows[1:]}
    assert units == {cell}


# ---- 14. Word ------------------------------------------------------------------------------------


def test_the_word_file_takes_control_characters_and_makes_a_vertical_tab_a_line_break(
    review: Review,
) -> None:
    narrative_store(review, "E", "Rad ett\x0bRad två\x01 och\ufffe mer")
    Review.objects.filter(pk=review.pk).update(strengths="Styrka\x0bpå två rader")
    document = Document(io.BytesIO(docx_render(report_data(fresh(review)))))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert "Rad ett\nRad två och mer" in paragraphs
    assert "Styrka" in paragraphs  # a summary point a line
    assert "på två rader" in paragraphs
    xml = document.element.xml
    assert "<w:br/>" in xml
    assert not CONTROL_RE.search(xml)


# ---- 18. The public copy leaves out the people responsible ---------------------------------------


def test_the_public_copy_names_no_responsible_person_and_the_record_does(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    current = FinalReport.objects.get(review=accepted.review, replaced_at__isnull=True)
    with current.pdf.open("rb") as stored:
        internal = stored.read()
    with current.public_pdf.open("rb") as stored:
        public = stored.read()
    assert hashlib.sha256(internal).hexdigest() == current.sha256
    assert hashlib.sha256(public).hexdigest() == current.public_sha256
    assert current.public_sha256 != current.sha256

    record, published = pdf_text(internal), pdf_text(public)
    for name in ("Nils Ek", "Mona Berg"):
        assert name in record
        assert name not in published
    assert "Utelämnat i den publicerade versionen" in published
    assert (
        "Detta är den publicerade versionen av rapporten. Namnen på de personer som är ansvariga "
        "för genomförandet och uppföljningen av åtgärderna är utelämnade."
    ) in published
    assert "Ines Inspektör" in published  # the inspectors act in an official role

    served = Client().get(reverse("published:pdf", args=[accepted.review_id]))
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == current.public_sha256
    client.force_login(people.contact)
    inside = client.get(reverse("reports:pdf", args=[accepted.review_id]))
    assert hashlib.sha256(inside.content).hexdigest() == current.sha256


def test_a_version_issued_without_a_public_copy_is_never_served_in_its_place(
    client: Client, accepted: ActionPlan
) -> None:
    """A version issued before there were public copies is off the public list (until the kansli
    issues it anew) rather than served with the names in it."""
    FinalReport.objects.filter(review=accepted.review).update(public_pdf="", public_sha256="")
    assert accepted.review.unit.name not in page_text(client.get(reverse("published:list")))
    assert client.get(reverse("published:pdf", args=[accepted.review_id])).status_code == 404


# ---- 8. Drafts and personal attachments are not kept by browsers or proxies ----------------------


def test_the_draft_its_pdf_and_the_attachment_are_never_stored_by_a_browser(
    client: Client, protocol: ProtocolVersion, accepted: ActionPlan, people: People
) -> None:
    draft = graded_review(protocol, DEVIATIONS)  # in faktagranskning
    item = accepted.items.first()
    assert item is not None
    report = followup_report(
        item=item,
        by=people.contact,
        text="Rutinen antogs.",
        attachment=SimpleUploadedFile("rutin.pdf", b"%PDF"),
    )
    client.force_login(people.kansli)
    urls = [
        reverse("reports:html", args=[draft.pk]),
        reverse("reports:pdf", args=[draft.pk]),
        reverse("reports:pdf", args=[accepted.review_id]),
        reverse("reports:version", args=[accepted.review_id, 1]),
        reverse("actionplans:attachment", args=[accepted.review_id, report.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), url
