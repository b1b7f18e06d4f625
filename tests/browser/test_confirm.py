"""A confirmation page as a phone shows it: the inspector who takes the draft back from the unit
sees what is undone, at 390 px with no horizontal scroll and no serious accessibility violation,
and Avbryt leaves the review as it was."""

import pytest
from playwright.sync_api import Page, expect

from granska.lifecycle import Status
from granska.reviews.models import Review
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SJOSTAD = "Medicinkliniken Sjöstad"  # in faktagranskning
PER = "per.holm@granska.example"  # one of its inspectors


def test_the_confirmation_of_a_step_back_fits_a_phone_and_cancelling_changes_nothing(
    page: Page,
) -> None:
    review = Review.objects.get(unit__name=SJOSTAD)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, PER)
    page.goto(f"/granskningar/{review.pk}/")
    page.get_by_role("button", name="Återför till utkast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Återför till utkast?")
    expect(page.locator("section.confirm ul.changes li").first).to_contain_text(
        "Utkastet tas tillbaka från verksamheten"
    )
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert_accessible(page)
    page.get_by_role("link", name="Avbryt").click()
    expect(page).to_have_url(f"{page.url.split('/granskningar/')[0]}/granskningar/{review.pk}/")
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING
