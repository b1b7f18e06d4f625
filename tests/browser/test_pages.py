"""The pages as people click through them, in Chromium: login, the review list, a review."""

import re

import pytest
from playwright.sync_api import Page, expect

from granska.reviews.models import Review
from tests.browser.conftest import KANSLI, UNIT_USER, assert_accessible, log_in, screenshot
from tests.demo_facts import DEMO_ISSUED

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

OTHER_UNIT = "Medicinkliniken Sjöstad"  # not Eva Strand's unit
OWN_UNIT = "Björkhagens vårdcentral"  # Eva Strand's unit


def result_rows(page: Page) -> list[str]:
    return page.locator("#results tbody tr").all_inner_texts()


def review_url(unit: str) -> str:
    return f"/granskningar/{Review.objects.get(unit__name=unit).pk}/"


def test_kansli_filters_the_list_by_status_without_loading_a_new_page(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/granskningar/")
    everything = result_rows(page)
    assert len(everything) == Review.objects.count() > 1
    # A full page load would start a new window object and lose this mark.
    page.evaluate("window.granskaSamePage = true")

    page.get_by_label("Status", exact=True).select_option("besok")

    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "Psykiatriska kliniken Älvby" in result_rows(page)[0]
    expect(page.locator("#results")).to_have_count(1)  # replaced, not nested in the old one
    assert page.evaluate("window.granskaSamePage === true"), "the filter reloaded the page"
    assert "status=besok" in page.url  # hx-push-url keeps the filter in the address

    page.get_by_label("Status", exact=True).select_option("")
    expect(page.locator("#results tbody tr")).to_have_count(len(everything))
    assert page.evaluate("window.granskaSamePage === true")


def test_kansli_opens_a_review_from_the_list(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/granskningar/")
    page.get_by_role("link", name=OTHER_UNIT).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(OTHER_UNIT)
    assert page.url.endswith(review_url(OTHER_UNIT))
    expect(page.get_by_role("heading", name="Sammanfattning", exact=True)).to_be_visible()


def test_language_switch_goes_to_english_and_back_to_swedish(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/granskningar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Granskningar")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.get_by_label("Språk", exact=True).select_option("en")
    page.get_by_role("button", name="Byt", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/granskningar/")  # back on the page where the switch was made

    page.get_by_label("Language", exact=True).select_option("sv")
    page.get_by_role("button", name="Change", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Granskningar")
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_unit_user_gets_not_found_for_another_units_review(page: Page) -> None:
    log_in(page, UNIT_USER)

    own = page.goto(review_url(OWN_UNIT))
    assert own is not None
    assert own.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(OWN_UNIT)

    other = page.goto(review_url(OTHER_UNIT))
    assert other is not None
    assert other.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sidan kunde inte hittas"  # Django's own Swedish for "Page not found"
    )
    expect(page.get_by_text(OTHER_UNIT)).to_have_count(0)
    screenshot(page, "not-found")
    assert_accessible(page)


def test_unit_user_sees_only_their_own_unit_in_the_list(page: Page) -> None:
    log_in(page, UNIT_USER)
    page.goto("/granskningar/")

    rows = result_rows(page)
    assert len(rows) == 1
    assert OWN_UNIT in rows[0]


def test_tab_from_the_top_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    page: Page,
) -> None:
    log_in(page, KANSLI)
    page.goto("/granskningar/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0, "the focused skip link is off screen"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes on from the content, not from the top of the page again.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_login_page_has_no_serious_accessibility_violations(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("button", name=re.compile("logga in", re.IGNORECASE))).to_be_visible()
    screenshot(page, "login")
    assert_accessible(page)


def test_review_list_has_no_serious_accessibility_violations(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/granskningar/")
    screenshot(page, "review-list")
    assert_accessible(page)

    page.get_by_label("Status", exact=True).select_option("besok")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    screenshot(page, "review-list-filtered")
    assert_accessible(page)


def test_review_page_has_no_serious_accessibility_violations(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto(review_url(OTHER_UNIT))
    expect(page.get_by_role("heading", level=1)).to_have_text(OTHER_UNIT)
    screenshot(page, "review")
    assert_accessible(page)


def test_anyone_opens_a_published_report_from_the_public_list(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Publicerade rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publicerade rapporter")
    rows = page.locator("main .table-scroll table tbody tr")
    # Every demo review from the final report on is listed; drafts never are.
    expect(rows).to_have_count(len(DEMO_ISSUED))
    screenshot(page, "published")
    assert_accessible(page)
    link = rows.first.get_by_role("link")
    href = link.get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"

    # The search, in any case, kept in the address; on a phone the page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Enhet", exact=True).fill("ÖGONKLINIKEN")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ögonkliniken Storvik")
    assert "q=%C3%96GONKLINIKEN" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert_accessible(page)


def test_refusal_page_says_why_and_has_no_serious_accessibility_violations(page: Page) -> None:
    log_in(page, "johan.berg@granska.example")
    response = page.goto("/granskningar/boka/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Inte tillåtet")
    assert_accessible(page)
