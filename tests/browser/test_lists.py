"""The review list and the history in Chromium: the search updates the list in place and the
address keeps it; the headers sort and the filters keep the order; the history filters."""

import re

import pytest
from playwright.sync_api import Page, expect

from granska.reviews.models import Review
from tests.browser.conftest import KANSLI, assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def result_units(page: Page) -> list[str]:
    return page.locator("#results tbody tr td:first-child").all_inner_texts()


def test_kansli_searches_and_sorts_the_list_and_the_address_keeps_both(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/granskningar/")
    page.evaluate("window.granskaSamePage = true")

    page.get_by_label("Enhet", exact=True).fill("ÖGONKLINIKEN")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert result_units(page) == ["Ögonkliniken Storvik"]
    assert page.evaluate("window.granskaSamePage === true"), "the search reloaded the page"
    assert "q=%C3%96GONKLINIKEN" in page.url

    page.get_by_label("Enhet", exact=True).fill("")
    expect(page.locator("#results tbody tr")).to_have_count(Review.objects.count())

    page.locator("#results th").get_by_role("link", name="Enhet").click()
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Enhet ▲")
    names = result_units(page)
    assert names == sorted(names, key=str.lower)
    assert "sort=unit" in page.url

    page.locator("#results th").get_by_role("link", name="Enhet").click()
    expect(page.locator("th[aria-sort='descending']")).to_have_text("Enhet ▼")
    assert result_units(page) == names[::-1]

    # A filter changed after sorting keeps the order.
    page.get_by_label("Status", exact=True).select_option("avslutad")
    expect(page).to_have_url(re.compile(r"(?=.*status=avslutad)(?=.*sort=-unit)"))
    expect(page.locator("th[aria-sort='descending']")).to_have_count(1)
    screenshot(page, "review-list-sorted")
    assert_accessible(page)

    # On a phone the table is read row by row without its headers: the form sorts it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.granskaSamePage = true")  # the headers' links loaded new pages
    page.get_by_label("Status", exact=True).select_option("")
    page.get_by_label("Sortera efter").select_option(label="Region, stigande")
    expect(page).to_have_url(re.compile(r"sort=region(&|$)"))
    expect(page.locator("th[aria-sort='ascending']")).to_have_count(1)
    regions = page.locator("#results tbody tr td:nth-child(3)").all_inner_texts()
    assert regions == sorted(regions, key=str.lower)
    assert page.evaluate("window.granskaSamePage === true"), "sorting reloaded the page"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_kansli_filters_the_history_by_kind_of_change(page: Page) -> None:
    review = Review.objects.get(unit__name="Ögonkliniken Storvik")
    log_in(page, KANSLI)
    page.goto(f"/granskningar/{review.pk}/historik/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Historik")
    page.get_by_label("Typ av ändring").select_option(label="Statusändringar")
    page.get_by_role("button", name="Visa ändringar").click()
    expect(page).to_have_url(re.compile(r"kind=status"))
    whats = page.locator("table.history tbody tr td:nth-child(3)").all_inner_texts()
    assert whats
    assert set(whats) == {"Status"}
    screenshot(page, "history-filtered")
    assert_accessible(page)
