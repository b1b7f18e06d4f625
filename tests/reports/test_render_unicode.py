"""The renderers on arbitrary Unicode in every text field of a review (property tests).

Whatever a field holds, the PDF either renders or is refused with a `ValidationError` naming the
place of each character its fonts cannot show; the Word file and the HTML always render. Text
drawn from the scripts the fonts cover (Latin, Greek, Cyrillic, Arabic, Hebrew, symbols, emoji)
always renders, and reads back from the PDF.

The text is written straight into the database, past the services' checks, as an old row might
hold it. Only NUL and lone surrogates are left out there: neither SQLite nor PostgreSQL can store
them. A last test gives the renderers those too, through the cleaning `report_data` applies.
"""

import io
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from django.core.exceptions import ValidationError
from docx import Document
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from granska.actionplans.models import ActionItem, ActionPlan
from granska.actionplans.services import ItemInput, plan_save
from granska.glyphs import coverage, unshowable
from granska.reports.docx import docx_render
from granska.reports.glyphs import report_text_places
from granska.reports.html import html_render
from granska.reports.pdf import pdf_render
from granska.reports.selectors import ReportData, report_data
from granska.reviews.models import AreaAssessment, Review, Specialty, Unit
from granska.text import clean_line, clean_text
from granska.workflow.plans import plan_accept
from tests.chain import People

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Every character Unicode has, controls, unassigned and private use included; but NUL and lone
# surrogates, which no database stores.
STORABLE = st.characters(codec=None, categories=None, exclude_characters="\x00").filter(
    lambda char: unicodedata.category(char) != "Cs"
)
ANYTHING = st.characters(codec=None, categories=None)


def _covered_alphabet() -> list[str]:
    """Letters, digits, punctuation and symbols of the scripts the bundled fonts cover."""
    blocks = [
        (0x20, 0x7E),  # Basic Latin
        (0xA1, 0x24F),  # Latin-1 and Latin Extended (Å, Ä, Ö, Ł, Ș …)
        (0x370, 0x3FF),  # Greek
        (0x400, 0x4FF),  # Cyrillic
        (0x5D0, 0x5EA),  # Hebrew letters
        (0x620, 0x64A),  # Arabic letters
        (0x660, 0x669),  # Arabic-Indic digits
        (0x2010, 0x2027),  # dashes, quotes, the ellipsis
        (0x20A0, 0x20C0),  # currencies
        (0x2190, 0x21FF),  # arrows
        (0x2200, 0x22FF),  # mathematical operators
        (0x2600, 0x26FF),  # miscellaneous symbols
        (0x2700, 0x27BF),  # dingbats (✓ ✔ ✗)
        (0x1F300, 0x1F64F),  # emoji: pictographs and faces
        (0x1F680, 0x1F6FF),  # emoji: transport and map
    ]
    letters = ("L", "N", "P", "S")
    return [
        char
        for low, high in blocks
        for char in map(chr, range(low, high + 1))
        if unicodedata.category(char)[0] in letters
        and unicodedata.category(char) != "Lm"
        and not 0x1F3FB <= ord(char) <= 0x1F3FF  # skin tones: modifiers of an emoji, not text
        # Brackets and signs like "≤" are drawn mirrored in right-to-left text ("≥"), and the
        # PDF's text layer names what is drawn: true to the page, but not the text as written.
        and not unicodedata.mirrored(char)
        and unicodedata.normalize("NFC", char) == char
        and not unshowable(char)
    ]


COVERED = st.sampled_from(_covered_alphabet())


def words(alphabet: st.SearchStrategy[str], *, max_size: int) -> st.SearchStrategy[str]:
    """Text of words from `alphabet`, separated by spaces and line breaks."""
    word = st.text(alphabet, min_size=1, max_size=12)
    return st.lists(
        st.tuples(word, st.sampled_from([" ", " ", "\n"])), min_size=1, max_size=max_size
    ).map(lambda parts: "".join(w + sep for w, sep in parts).strip())


@dataclass(frozen=True)
class Texts:
    """One text for each field of a review the report shows."""

    unit: str
    specialty: str
    inspector: str
    narrative: str
    strengths: str
    weaknesses: str
    improvements: str
    action: str
    completion: str
    responsible: str
    followup: str
    followup_responsible: str


def texts(line: st.SearchStrategy[str], text: st.SearchStrategy[str]) -> st.SearchStrategy[Texts]:
    return st.builds(
        Texts,
        unit=line,
        specialty=line,
        inspector=line,
        narrative=text,
        strengths=text,
        weaknesses=text,
        improvements=text,
        action=text,
        completion=line,
        responsible=line,
        followup=line,
        followup_responsible=line,
    )


ARBITRARY = texts(
    st.text(STORABLE, max_size=40), st.text(STORABLE, max_size=200)
)  # one-line fields hold at most 60 characters
FROM_COVERED_SCRIPTS = texts(words(COVERED, max_size=3), words(COVERED, max_size=12))


@pytest.fixture
def with_plan(plan: ActionPlan, people: People) -> Review:
    """A review whose report has every part: areas, summary and an accepted plan."""
    items = dict.fromkeys(
        plan.items.values_list("pk", flat=True),
        ItemInput(
            action="Åtgärd.",
            completion="Q2 2027",
            responsible="Ansvarig",
            followup="Q4 2027",
            followup_responsible="Uppföljare",
        ),
    )
    plan = plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    plan_accept(plan=plan, by=people.inspector)
    return plan.review


def store(review: Review, people: People, fields: Texts) -> ReportData:
    """Writes `fields` straight into the review's rows; returns the report's data."""
    Unit.objects.filter(pk=review.unit_id).update(name=fields.unit)
    Specialty.objects.filter(pk=review.specialty_id).update(name=fields.specialty)
    type(people.inspector).objects.filter(pk=people.inspector.pk).update(full_name=fields.inspector)
    AreaAssessment.objects.filter(review=review, area__code="E").update(narrative=fields.narrative)
    Review.objects.filter(pk=review.pk).update(
        strengths=fields.strengths, weaknesses=fields.weaknesses, improvements=fields.improvements
    )
    ActionItem.objects.filter(plan__review=review).update(
        action=fields.action,
        completion_text=fields.completion,
        responsible=fields.responsible,
        followup_text=fields.followup,
        followup_responsible=fields.followup_responsible,
    )
    return report_data(Review.objects.get(pk=review.pk))


# pdfium reads "®" in a right-to-left run as "R" ("A®A" reads back as written, "א®A" as "אRA",
# even in a bare Typst document): the two are counted as one character here.
PDFIUM_RTL_READINGS = str.maketrans({"\u00ae": "R"})


def decomposed(text: str) -> list[str]:
    """The characters of `text` in compatibility decomposition, without white space (and with
    pdfium's right-to-left readings merged)."""
    text = unicodedata.normalize("NFKD", text).translate(PDFIUM_RTL_READINGS)
    return [char for char in text if not char.isspace()]


def pdf_characters(pdf: bytes) -> list[str]:
    """Every character of the PDF's text layer, one by one. pdfium keeps a character outside
    the BMP (an emoji) as two UTF-16 halves, and in a line that mixes directions it may put the
    halves in reverse order, which its text of the whole page then drops: they are paired here
    in either order."""
    document = pdfium.PdfDocument(pdf)
    units: list[int] = []
    try:
        for page in document:
            textpage = page.get_textpage()
            units.extend(
                pdfium_c.FPDFText_GetUnicode(textpage, i) for i in range(textpage.count_chars())
            )
    finally:
        document.close()
    chars, pending = [], 0
    for unit in units:
        if 0xD800 <= unit <= 0xDFFF and pending:
            high, low = sorted((pending, unit))
            chars.append(chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)))
            pending = 0
        elif 0xD800 <= unit <= 0xDFFF:
            pending = unit
        else:
            chars.append(chr(unit))
    return chars


def renders_or_names_the_place(data: ReportData) -> None:
    places = {place for place, _text in report_text_places(data)}
    try:
        pdf = pdf_render(data)
    except ValidationError as error:
        refused = error.messages
        assert refused
    else:
        refused = []
        assert pdf.startswith(b"%PDF-")
    event("PDF refused, naming the places" if refused else "PDF rendered")
    for message in refused:
        assert any(message.startswith(f"{place}: ") for place in places), message
    docx = docx_render(data)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert archive.testzip() is None
    Document(io.BytesIO(docx))
    assert "EXTERN KVALITETSGRANSKNING" in html_render(data)


@PROPERTY
@given(fields=ARBITRARY)
def test_any_stored_text_renders_or_is_refused_naming_its_place(
    with_plan: Review, people: People, fields: Texts
) -> None:
    renders_or_names_the_place(store(with_plan, people, fields))


@PROPERTY
@given(fields=FROM_COVERED_SCRIPTS)
def test_text_of_the_covered_scripts_always_renders_and_reads_back_from_the_pdf(
    with_plan: Review, people: People, fields: Texts
) -> None:
    pdf = pdf_render(store(with_plan, people, fields))
    # Every character comes back; the order of a line mixing directions is the reader's guess.
    # A glyph the font draws for two characters (the accent "´" and the combining one) is named
    # by one of them in the PDF's text layer: the two sides are compared decomposed (NFKD).
    extracted = Counter(decomposed("".join(pdf_characters(pdf))))
    for written in (fields.unit, fields.narrative, fields.strengths, fields.responsible):
        assert not Counter(decomposed(clean_text(written))) - extracted, written


@PROPERTY
@given(line=st.text(ANYTHING, max_size=40), text=st.text(ANYTHING, max_size=200))
def test_the_cleaning_on_the_way_out_makes_any_text_renderable(
    with_plan: Review, line: str, text: str
) -> None:
    """NUL and lone surrogates, which no database stores, are what the cleaning of report_data
    takes out, so the renderers never see them; the rest is as above."""
    data = report_data(with_plan)
    data["unit"] = clean_line(line)
    data["summary"]["strengths"] = [clean_text(text)]
    data["groups"][0]["areas"][0]["narrative"] = [clean_text(text)]
    data["plan"][0]["items"][0]["responsible"] = clean_line(line)
    for cleaned in (clean_line(line), clean_text(text)):
        assert cleaned == clean_text(cleaned)
        assert "\x00" not in cleaned
        assert all(unicodedata.category(char) != "Cs" for char in cleaned)
    renders_or_names_the_place(data)


def test_the_alphabet_of_the_covered_scripts_is_wide() -> None:
    """The property above draws from thousands of characters, from each fallback font too."""
    alphabet = _covered_alphabet()
    assert len(alphabet) > 2500
    families = coverage().families
    for name in ("Noto Sans Arabic", "Noto Sans Hebrew", "Noto Emoji", "Noto Sans Math"):
        codes = dict(families)[name]
        assert any(ord(char) in codes and ord(char) not in coverage().main for char in alphabet)


# Granska's own wording in the report's data: the rest is what a person or the catalog wrote.
OWN_WORDING = {
    "date", "regulations", "years", "status", "name", "code", "group", "level", "heading",
    "only", "grade", "regulation", "year", "adjusted", "adjustment_note",
    # The version's sentences: Granska's words around the reason, which is walked on its own.
    "sentence", "replaced", "replaced_date",
}  # fmt: skip


def test_the_check_walks_every_text_a_person_or_the_catalog_wrote(with_plan: Review) -> None:
    """A text added to the report's data without a place would escape the check."""
    data = report_data(with_plan)
    written: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key not in OWN_WORDING and value:
            written.append(value)

    walk(data)
    walked = Counter(text for _place, text in report_text_places(data) if text)
    assert not Counter(written) - walked
