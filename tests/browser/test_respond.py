"""A respondent answers the survey on a phone: by keyboard, with the progress read out, the unsent
answers kept in the browser over a reload (and nowhere else), sent once, thanked, and the link
spent after."""

import json
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.surveys.models import Answer, Round
from granska.surveys.vocabulary import Group
from tests.browser.conftest import assert_accessible
from tests.builders import review_at
from tests.survey_builders import invited, questionnaire_small, round_for

pytestmark = pytest.mark.browser

ADDRESS = "st.lakare@enhet.test"


@pytest.fixture
def survey(protocol: ProtocolVersion, transactional_db: None) -> tuple[Round, str]:
    questionnaire_small(protocol)
    round_ = round_for(review_at(Status.FORBEREDELSE, protocol))
    return round_, invited(round_, ADDRESS, Group.ST_LAKARE)[ADDRESS]


def fits(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


def stored(page: Page) -> dict[str, Any]:
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]))"
    )


@pytest.mark.parametrize("page", [390], indirect=True)
def test_a_respondent_answers_on_a_phone_by_keyboard(page: Page, survey: tuple[Round, str]) -> None:
    _round, token = survey
    path = reverse("surveys:respond", args=[token])
    referers: list[str] = []
    page.on("request", lambda request: referers.append(request.headers.get("referer", "")))
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name="Enkäten är anonym")).to_be_visible()
    progress = page.locator("#survey-progress")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_have_text("0 av 16 påståenden besvarade")
    fits(page)
    assert_accessible(page)

    # By keyboard: Space chooses the focused answer, Tab goes on to the next statement, the
    # arrow keys move within one statement's scale.
    page.get_by_role("radio", name="Stämmer helt").first.focus()
    page.keyboard.press("Space")
    expect(progress).to_have_text("1 av 16 påståenden besvarade")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(progress).to_have_text("2 av 16 påståenden besvarade")
    page.keyboard.press("Tab")
    free_text = page.get_by_label("Något mer om området?").first
    expect(free_text).to_be_focused()
    page.keyboard.type("Handledningen fungerar väl.")
    page.keyboard.press("Tab")  # on to area B's first statement
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(progress).to_have_text("3 av 16 påståenden besvarade")
    fits(page)

    # Kept in this browser only, under a key that is not the token.
    kept = stored(page)
    assert kept, "the unsent answers are kept in the browser"
    assert not [k for k, v in kept.items() if token in k or token in v]
    assert not Answer.objects.exists()

    page.reload()
    expect(page.locator(".survey-restored")).to_be_visible()
    expect(page.locator("#s-A1-helt")).to_be_checked()
    expect(page.locator("#s-A2-ganska_bra")).to_be_checked()
    expect(page.locator("#s-B1-ganska_daligt")).to_be_checked()
    expect(free_text).to_have_value("Handledningen fungerar väl.")
    expect(progress).to_have_text("3 av 16 påståenden besvarade")
    assert not Answer.objects.exists(), "nothing goes to the server before it is sent"

    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    assert_accessible(page)
    assert stored(page) == {}, "the sent answers are no longer kept in the browser"
    answer = Answer.objects.get()
    assert answer.values == {"A1": "helt", "A2": "ganska_bra", "B1": "ganska_daligt"}
    assert answer.free_text == {"A": "Handledningen fungerar väl."}

    response = page.goto(path)
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Enkätlänken går inte att använda")).to_be_visible()
    fits(page)
    assert_accessible(page)
    assert Answer.objects.count() == 1
    # The page's requests (its style sheet, script, the answer sent) named the origin at most.
    assert len(referers) > 3
    assert not [r for r in referers if token in r or "/enkat/" in r]


@pytest.mark.parametrize("page", [390], indirect=True)
def test_a_refused_answer_keeps_the_rest_and_leads_to_the_statement(
    page: Page, survey: tuple[Round, str]
) -> None:
    """A value the scale does not have (a tampered form): the message is read out first and
    links to the statement; the other answers stay in the form and in the browser."""
    _round, token = survey
    page.goto(reverse("surveys:respond", args=[token]))
    page.locator("#s-A2-inte_alls").check()
    page.locator("#s-A1-helt").evaluate(
        "input => { input.value = 'kanske'; input.checked = true; }"
    )
    page.get_by_role("button", name="Skicka svaren").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Påstående A1: välj ett av svaren på skalan.")
    expect(page.locator("#s-A2-inte_alls")).to_be_checked()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#s-A1-helt")).to_be_focused()
    kept = json.loads(next(iter(stored(page).values())))
    assert kept["s-A2"] == "inte_alls"
    assert not Answer.objects.exists()


@pytest.mark.parametrize("page", [390], indirect=True)
def test_the_director_of_studies_is_told_before_answering(
    page: Page, survey: tuple[Round, str]
) -> None:
    round_, _token = survey
    token = invited(round_, "sr@enhet.test", Group.STUDIEREKTOR)["sr@enhet.test"]
    page.goto(reverse("surveys:respond", args=[token]))
    notice = page.get_by_role("region", name="Dina svar når inspektörerna som dina")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("aldrig med i en rapport, en export eller statistiken")
    expect(page.locator("#survey-progress")).to_have_text("0 av 8 påståenden besvarade")
    fits(page)
    assert_accessible(page)


def test_the_language_menu_gives_the_page_in_english(page: Page, survey: tuple[Round, str]) -> None:
    _round, token = survey
    page.goto(reverse("surveys:respond", args=[token]))
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="The survey is anonymous")).to_be_visible()
    expect(page.locator("#survey-progress")).to_have_text("0 of 16 statements answered")
    page.locator("#s-A1-helt").check()
    expect(page.locator("#survey-progress")).to_have_text("1 of 16 statements answered")
    page.get_by_role("button", name="Send the answers").click()
    expect(page.get_by_role("heading", name="Thank you for your answers")).to_be_visible()
    assert Answer.objects.get().values == {"A1": "helt"}
