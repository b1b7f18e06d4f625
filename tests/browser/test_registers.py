"""The kansli's registers in Chromium: the care provider chosen from the register with the
keyboard, narrowed by its search box (accents aside), and a near-duplicate warned of."""

import pytest
from playwright.sync_api import Page, expect

from granska.accounts.models import Role, User
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


def test_the_register_pages_have_no_serious_accessibility_violations(page: Page) -> None:
    inspector = User.objects.filter(role=Role.INSPEKTOR).first()
    observer = User.objects.filter(role=Role.OBSERVATOR).first()
    assert inspector is not None
    assert observer is not None
    unit = Unit.objects.first()
    assert unit is not None
    paths = [
        ("/register/", "Register"),
        (f"/register/enheter/{unit.pk}/", unit.name),
        ("/register/regioner/", "Regioner"),
        ("/register/specialiteter/", "Specialiteter"),
        ("/register/inspektorer/", "Inspektörer och deras anknytningar"),
        (f"/register/inspektorer/{inspector.pk}/", inspector.full_name),
        ("/register/observatorer/", "Observatörer och deras omfattning"),
        (f"/register/observatorer/{observer.pk}/", observer.full_name),
        ("/register/personer/", "Personer och inbjudningar"),
    ]
    log_in(page, KANSLI)
    for path, heading in paths:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
