"""The review workspace as people click through it, in Chromium: the kansli books and assigns, an
inspector assesses an area, two inspectors save the same area, unsaved text survives leaving the
page, and axe-core finds nothing serious on any workspace page."""

import re
from typing import Any

import pytest
from django.db.models import F
from playwright.sync_api import Browser, Dialog, Locator, Page, expect

from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import AreaAssessment, Review
from tests.browser.conftest import (
    KANSLI,
    TIMEOUT_MS,
    WIDTHS,
    assert_accessible,
    log_in,
    menu,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

JOHAN = "johan.berg@granska.example"  # assigned to Barnkliniken Ekudden
AMIRA = "amira.haddad@granska.example"  # assigned to Barnkliniken Ekudden
EKUDDEN = "Barnkliniken Ekudden"  # in utkast, under both regulations
NORRHAMN = "Kirurgkliniken Norrhamn"  # in Region Österå, where Johan Berg is employed

SAVED = "Område E är sparat."
CONFLICT = "Någon annan sparade området medan du arbetade"


def review_url(unit: str) -> str:
    return f"/granskningar/{Review.objects.get(unit__name=unit).pk}/"


def area_url(unit: str, code: str) -> str:
    return f"{review_url(unit)}omrade/{code}/"


def messages(page: Page) -> Locator:
    return page.locator(".messages")


def criterion(page: Page, code: str) -> Locator:
    return page.locator(f"#finding-{code}")


def click_finding(page: Page, code: str, outcome: str) -> None:
    """Clicks the label of a finding choice, as a person does, and checks that it took."""
    choice = criterion(page, code)
    choice.locator("label").filter(has_text=re.compile(rf"^\s*{outcome}\s*$")).click()
    expect(choice.get_by_role("radio", name=outcome, exact=True)).to_be_checked()


def suggested(page: Page, year: str) -> Locator:
    return page.locator(f'#suggestions [data-suggested="{year}"]')


def note(page: Page, code: str) -> Locator:
    return page.locator(f"#note-{code}")


@pytest.mark.parametrize("page", WIDTHS, indirect=True)
def test_kansli_books_a_review_assigns_two_inspectors_and_moves_it_to_preparation(
    page: Page,
) -> None:
    protocol = ProtocolVersion.objects.get()
    log_in(page, KANSLI)
    menu(page)
    page.get_by_role("link", name="Boka granskning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boka granskning")

    page.get_by_label("Enhet", exact=True).select_option(label=NORRHAMN)
    page.get_by_label("HSLF-FS 2021:8", exact=True).check()
    page.get_by_label("Protokollversion").select_option(label=protocol.title)
    page.get_by_label("Planerat besöksdatum").fill("2027-03-11")
    page.get_by_role("button", name="Boka", exact=True).click()

    booked = Review.objects.filter(unit__name=NORRHAMN).latest("pk")
    expect(page).to_have_url(re.compile(rf"/granskningar/{booked.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NORRHAMN)
    expect(messages(page)).to_have_text(f"Granskningen av {NORRHAMN} är bokad.")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("2027-03-11")
    expect(facts).to_contain_text("Bokad")
    assert booked.regulations == ("HSLF-FS 2021:8",)

    assign = page.get_by_label("Tilldela en inspektör")
    assign.select_option(label="Per Holm")
    page.get_by_role("button", name="Tilldela", exact=True).click()
    expect(messages(page)).to_have_text("Per Holm är tilldelad.")

    # Johan Berg is employed by Norrhamn's care provider: unavailable, with the reason, before
    # anyone submits.
    johan = page.get_by_label("Tilldela en inspektör").locator("option", has_text="Johan Berg")
    expect(johan).to_be_disabled()
    expect(johan).to_have_text(
        "Johan Berg – ej tillgänglig: är anställd av enhetens vårdgivare Region Österå"
    )

    page.get_by_label("Tilldela en inspektör").select_option(label="Sara Nyqvist")
    page.get_by_role("button", name="Tilldela", exact=True).click()
    expect(messages(page)).to_have_text("Sara Nyqvist är tilldelad.")
    expect(facts).to_contain_text("Per Holm och Sara Nyqvist")
    expect(page.get_by_label("Tilldela en inspektör")).to_have_count(0)  # two is the most

    page.get_by_role("button", name="Påbörja förberedelsen").click()
    expect(messages(page)).to_have_text("Granskningen är nu i förberedelse.")
    expect(facts).to_contain_text("Förberedelse")
    booked.refresh_from_db()
    assert booked.status == Status.FORBEREDELSE


def test_inspector_assesses_an_area_sees_the_suggestion_change_and_must_give_a_reason(
    page: Page,
) -> None:
    log_in(page, JOHAN)
    page.goto(review_url(EKUDDEN))
    page.locator("table.grade-grid").get_by_role("link", name=re.compile(r"^E\. ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "E. Handledning och kompetensbedömning"
    )
    screenshot(page, "assessment")
    assert_accessible(page)

    # The demo has E13 (allmänt råd, 2015 only) partly met; met, both regulations suggest A.
    click_finding(page, "E13", "uppfyllt")
    expect(suggested(page, "2015")).to_have_text("A")
    expect(suggested(page, "2021")).to_have_text("A")
    # A föreskrift partly met is a D under both.
    click_finding(page, "E1", "delvis uppfyllt")
    expect(suggested(page, "2015")).to_have_text("D")
    expect(suggested(page, "2021")).to_have_text("D")
    click_finding(page, "E1", "uppfyllt")
    expect(suggested(page, "2015")).to_have_text("A")
    expect(suggested(page, "2021")).to_have_text("A")
    # A quality indicator left unassessed makes the suggestion incomplete; assessed again, not.
    click_finding(page, "E14", "ej bedömt")
    expect(page.locator("#suggestions .missing").first).to_have_text("Ej bedömda: E14")
    click_finding(page, "E14", "uppfyllt")
    expect(page.locator("#suggestions .missing")).to_have_count(0)

    notes = {
        "E1": "Handledning varannan vecka enligt schema.",
        "E13": "Mini-CEX och DOPS används av alla handledare.",
        "E14": "Utvecklingssamtal hålls varje vår.",
    }
    for code, text in notes.items():
        note(page, code).fill(text)
    page.locator("#source-E14").select_option(label="intervju")
    narrative = "Handledningen är schemalagd och bedömningarna följer en gemensam mall."
    page.get_by_label("Beskrivning").fill(narrative)
    # The grade's letter is the choice, its wording the hint; "Använd förslaget" sets it.
    page.get_by_role("button", name="Använd förslaget A enligt SOSFS 2015:8").click()
    expect(page.locator("#grade-2015")).to_be_checked()  # the first choice, A
    page.get_by_role("group", name="Gradering enligt HSLF-FS 2021:8").get_by_label(
        "B", exact=True
    ).check()  # against the A
    page.get_by_role("button", name="Spara området").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Området sparades inte")
    expect(summary).to_be_focused()
    error = "HSLF-FS 2021:8: bedömningarna ger förslaget A; ange skäl för att sätta B."
    expect(summary.get_by_role("link")).to_have_text([error])
    expect(page.locator("#grade-2021-error")).to_have_text(error)
    expect(page.locator("#grade-2021")).to_have_attribute("aria-invalid", "true")
    for code, text in notes.items():
        expect(note(page, code)).to_have_value(text)
    expect(page.get_by_label("Beskrivning")).to_have_value(narrative)
    expect(page.locator('input[name="grade-2021"][value="B"]')).to_be_checked()
    expect(criterion(page, "E13").get_by_role("radio", name="uppfyllt", exact=True)).to_be_checked()
    screenshot(page, "assessment-error")
    assert_accessible(page)

    reason = "Återkopplingen efter bedömningar dokumenteras ännu inte."
    page.locator("#reason-2021").fill(reason)
    page.get_by_role("button", name="Spara området").click()
    expect(messages(page)).to_have_text(SAVED)

    page.reload()
    for code, text in notes.items():
        expect(note(page, code)).to_have_value(text)
    expect(page.locator("#source-E14")).to_have_value("intervju")
    expect(page.get_by_label("Beskrivning")).to_have_value(narrative)
    expect(page.locator('input[name="grade-2015"][value="A"]')).to_be_checked()
    expect(page.locator('input[name="grade-2021"][value="B"]')).to_be_checked()
    expect(page.locator("#reason-2021")).to_have_value(reason)
    expect(criterion(page, "E13").get_by_role("radio", name="uppfyllt", exact=True)).to_be_checked()
    expect(page.locator(".draft-notice")).to_be_hidden()  # the saved draft is gone


def test_second_inspector_saving_the_same_area_sees_both_versions_and_can_merge(
    page: Page, browser: Browser, live_server: Any
) -> None:
    url = area_url(EKUDDEN, "E")
    log_in(page, JOHAN)
    page.goto(url)
    other_context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": 1280, "height": 900},
    )
    other_context.set_default_timeout(TIMEOUT_MS)
    try:
        amira = other_context.new_page()
        log_in(amira, AMIRA)
        amira.goto(url)

        johans = "Johan: handledningen fungerar väl på alla enheter."
        page.get_by_label("Beskrivning").fill(johans)
        click_finding(page, "E15", "ej relevant")  # left out of the grading: no reason needed
        note(page, "E15").fill("Johans anteckning")
        page.get_by_role("button", name="Spara området").click()
        expect(messages(page)).to_have_text(SAVED)

        amiras = "Amira: handledningen är schemalagd men ställs ofta in."
        amira.get_by_label("Beskrivning").fill(amiras)
        amira.get_by_role("button", name="Spara området").click()

        expect(amira.locator("#conflict")).to_contain_text(CONFLICT)
        expect(amira.get_by_label("Beskrivning")).to_have_value(amiras)
        expect(note(amira, "E15")).to_have_value("")  # Amira's form as she left it
        expect(
            criterion(amira, "E15").get_by_role("radio", name="uppfyllt", exact=True)
        ).to_be_checked()
        beside_e15 = criterion(amira, "E15").locator(".saved-version")
        expect(beside_e15).to_have_text("Sparat av någon annan: ej relevant – Johans anteckning")
        expect(criterion(amira, "E14").locator(".saved-version")).to_have_count(0)  # no change
        beside_narrative = amira.locator("div.saved-version")
        expect(beside_narrative).to_contain_text("Sparat av någon annan:")
        expect(beside_narrative).to_contain_text(johans)
        screenshot(amira, "assessment-conflict")
        assert_accessible(amira)

        # The merge: Amira keeps her narrative and takes Johan's finding, then saves over his.
        click_finding(amira, "E15", "ej relevant")
        note(amira, "E15").fill("Johans anteckning")
        amira.get_by_role("button", name="Spara området").click()
        expect(messages(amira)).to_have_text(SAVED)
        expect(amira.locator("#conflict")).to_have_count(0)
        expect(amira.get_by_label("Beskrivning")).to_have_value(amiras)
        expect(note(amira, "E15")).to_have_value("Johans anteckning")
        expect(
            criterion(amira, "E15").get_by_role("radio", name="ej relevant", exact=True)
        ).to_be_checked()
    finally:
        other_context.close()


def test_unsaved_note_survives_leaving_the_page_until_discarded(page: Page) -> None:
    url = area_url(EKUDDEN, "E")
    log_in(page, JOHAN)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on unsaved text
    page.goto(url)
    saved_note = note(page, "E13").input_value()
    typed = "Osparad anteckning om bedömningsmetoderna."
    note(page, "E13").fill(typed)

    page.get_by_role("link", name="Mina granskningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina granskningar")
    page.goto(url)

    notice = page.locator(".draft-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Osparad text från ett tidigare besök")
    expect(note(page, "E13")).to_have_value(typed)

    notice.get_by_role("button", name="Släng den").click()
    expect(notice).to_be_hidden()
    expect(note(page, "E13")).to_have_value(saved_note)
    page.reload()
    expect(notice).to_be_hidden()
    expect(note(page, "E13")).to_have_value(saved_note)


def test_text_of_a_conflicted_save_survives_leaving_the_page(page: Page) -> None:
    url = area_url(EKUDDEN, "E")
    log_in(page, JOHAN)
    page.goto(url)
    # Meanwhile someone else saves the area (here straight in the database).
    AreaAssessment.objects.filter(review__unit__name=EKUDDEN, area__code="E").update(
        version=F("version") + 1, narrative="Någon annans beskrivning."
    )
    typed = "Min beskrivning, skriven medan någon annan sparade."
    page.get_by_label("Beskrivning").fill(typed)
    page.get_by_role("button", name="Spara området").click()
    expect(page.locator("#conflict")).to_contain_text(CONFLICT)

    dialogs: list[str] = []

    def answer(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("link", name="Mina granskningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina granskningar")
    assert dialogs == ["beforeunload"], "leaving with unsaved text gave no warning"
    page.goto(url)

    expect(page.locator(".draft-notice")).to_be_visible()
    expect(page.get_by_label("Beskrivning")).to_have_value(typed)


def test_a_draft_overtaken_by_someone_elses_save_comes_back_and_saving_it_shows_both(
    page: Page,
) -> None:
    url = area_url(EKUDDEN, "E")
    log_in(page, JOHAN)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on unsaved text
    page.goto(url)
    typed = "Johans osparade beskrivning, skriven innan Amira sparade."
    page.get_by_label("Beskrivning").fill(typed)
    page.get_by_role("link", name="Mina granskningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina granskningar")

    # Meanwhile someone else saves the area (here straight in the database): a new version.
    theirs = "Amiras sparade beskrivning."
    AreaAssessment.objects.filter(review__unit__name=EKUDDEN, area__code="E").update(
        version=F("version") + 1, narrative=theirs
    )
    page.goto(url)
    expect(page.locator(".draft-superseded")).to_be_visible()
    expect(page.locator(".draft-notice")).to_be_hidden()
    expect(page.get_by_label("Beskrivning")).to_have_value(typed)
    assert_accessible(page)

    # Saving the overtaken text does not overwrite the other save: both versions are shown.
    page.get_by_role("button", name="Spara området").click()
    expect(page.locator("#conflict")).to_contain_text(CONFLICT)
    expect(page.get_by_label("Beskrivning")).to_have_value(typed)
    expect(page.locator("div.saved-version")).to_contain_text(theirs)
    assert AreaAssessment.objects.get(review__unit__name=EKUDDEN, area__code="E").narrative == (
        theirs
    )

    # The merge is then saved deliberately, and nothing unsaved is offered back afterwards.
    page.get_by_role("button", name="Spara området").click()
    expect(messages(page)).to_have_text(SAVED)
    page.reload()
    expect(page.get_by_label("Beskrivning")).to_have_value(typed)
    expect(page.locator(".draft-superseded")).to_be_hidden()
    expect(page.locator(".draft-notice")).to_be_hidden()


def test_a_summary_draft_overtaken_by_someone_elses_save_is_not_lost(page: Page) -> None:
    review = Review.objects.get(unit__name=EKUDDEN)
    url = f"{review_url(EKUDDEN)}sammanfattning/"
    log_in(page, JOHAN)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(url)
    typed = "En styrka som Johan inte hann spara."
    page.get_by_label("Styrkor").fill(typed)
    page.get_by_role("link", name="Mina granskningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina granskningar")

    Review.objects.filter(pk=review.pk).update(strengths="Amiras styrka.")
    page.goto(url)
    expect(page.locator(".draft-superseded")).to_be_visible()
    expect(page.get_by_label("Styrkor")).to_have_value(typed)
    page.get_by_role("button", name=re.compile("^Spara")).click()
    expect(page.locator("div.conflict")).to_be_visible()
    review.refresh_from_db()
    assert review.strengths == "Amiras styrka."


def test_workspace_pages_have_no_serious_accessibility_violations(page: Page) -> None:
    """Each page the kansli reaches in the workspace; the assessment page's error and conflict
    states are checked where the tests above bring them about."""
    review = review_url(EKUDDEN)
    pages = [
        ("/granskningar/mina/", "Mina granskningar", "my-reviews"),
        ("/granskningar/boka/", "Boka granskning", "booking"),
        ("/granskningar/enheter/", "Enheter", "units"),
        (review, EKUDDEN, "review-kansli"),
        (f"{review}historik/", "Historik", "history"),
        (f"{review}sammanfattning/", "Sammanfattning", "summary"),
        (f"{review}omrade/H/", "H. ", "assessment-kansli"),
    ]
    log_in(page, KANSLI)
    for path, heading, name in pages:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        if path == review:
            expect(page.get_by_role("heading", name="Arbeta med granskningen")).to_be_visible()
            expect(page.locator("ul.moves button")).not_to_have_count(0)
        if path.endswith("sammanfattning/"):
            expect(page.get_by_label("Styrkor")).to_have_value(re.compile("Välstrukturerad"))
            expect(page.locator(".draft-notice")).to_be_hidden()  # nothing unsaved here
        if path.endswith("historik/"):
            expect(page.locator("table.history tbody tr")).not_to_have_count(0)
        screenshot(page, name)
        assert_accessible(page)
