"""The kansli's registers in Chromium: the care provider chosen from the register with the
keyboard, narrowed by its search box (accents aside), and a near-duplicate warned of."""

import pytest
from playwright.sync_api import Page, expect

from granska.reviews.models import CareProvider, Unit
from tests.browser.conftest import KANSLI, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_kansli_registers_a_unit_choosing_its_provider_by_keyboard(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/granskningar/enheter/")
    assert_accessible(page)
    page.get_by_label("Namn", exact=True).fill("Vårdcentralen Kusten")
    page.get_by_label("Typ").select_option(label="vårdcentral")
    # Typing without the accents finds the provider; the keyboard moves on into the select.
    search = page.get_by_label("Sök i listan").first
    search.fill("ostera")
    provider = page.get_by_label("Vårdgivare", exact=True)
    expect(provider.locator("option:not([hidden])")).to_have_text(
        ["Välj vårdgivare", "Region Österå"]
    )
    search.press("Enter")
    expect(provider).to_be_focused()
    expect(provider).to_have_value(str(CareProvider.objects.get(name="Region Österå").pk))
    page.get_by_label("Region", exact=True).select_option(label="Region Österå")
    page.get_by_label("Specialitet", exact=True).select_option(label="Allmänmedicin")
    page.get_by_role("button", name="Registrera enheten").click()
    expect(page.locator("ul.messages")).to_contain_text("Vårdcentralen Kusten är registrerad.")
    assert Unit.objects.get(name="Vårdcentralen Kusten").care_provider.name == "Region Österå"


def test_a_near_duplicate_provider_is_added_only_when_confirmed(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/register/vardgivare/")
    assert_accessible(page)
    page.get_by_label("Namn", exact=True).fill("region Ostera")
    page.get_by_role("button", name="Lägg till i registret").click()
    expect(page.locator("#error-summary")).to_contain_text("liknar ”Region Österå”")
    assert_accessible(page)
    page.get_by_label("Det är en annan: lägg till den ändå").check()
    page.get_by_role("button", name="Lägg till i registret").click()
    expect(page.locator("ul.messages")).to_contain_text("region Ostera är tillagd i registret.")
