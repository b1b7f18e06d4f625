"""The unit's contact fills in the self-assessment on a phone, by keyboard; what they type and do
not save stays in the browser."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.reviews.models import Review
from granska.surveys.models import SelfAssessment
from tests.browser.conftest import WIDTHS, assert_accessible, screenshot
from tests.builders import review_booked
from tests.factories import UserFactory
from tests.survey_builders import questionnaire_small

pytestmark = pytest.mark.browser


@pytest.fixture
def unit_review(transactional_db: None, protocol: ProtocolVersion) -> tuple[Review, User]:
    questionnaire_small(protocol)
    review = review_booked(protocol, regulations=("SOSFS 2015:8",))
    contact = UserFactory(role=Role.VERKSAMHET, full_name="Stina Studierektor")
    review.unit.members.add(contact)
    return review, contact


def signed_in(page: Page, user: User, live_server: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("page", WIDTHS, indirect=True)
def test_the_unit_fills_it_in_by_keyboard(
    page: Page, live_server: Any, unit_review: tuple[Review, User]
) -> None:
    review, contact = unit_review
    signed_in(page, contact, live_server)
    page.goto(reverse("surveys:self", args=[review.pk]))
    scroll, width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= width
    assert_accessible(page)
    screenshot(page, f"self-assessment-{width}")
    page.get_by_label("Antal specialister").focus()
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    page.keyboard.type("3")  # Antal ST-läkare, the next field
    page.locator("input[name='outcome-A1'][value='uppfyllt']").focus()
    page.keyboard.press("ArrowRight")  # the next choice: delvis uppfyllt
    page.get_by_label("Kommentar till A1").focus()
    page.keyboard.type("Hälften har en namngiven handledare.")
    page.locator("#area-A button[name='section']").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Självvärderingen är sparad som utkast.")).to_be_visible()
    saved = SelfAssessment.objects.get(review=review)
    assert saved.facts == {"specialister": "12", "st_lakare": "3"}
    assert saved.findings["A1"] == {
        "outcome": "delvis",
        "comment": "Hälften har en namngiven handledare.",
    }


def test_unsaved_text_stays_in_the_browser(
    page: Page, live_server: Any, unit_review: tuple[Review, User]
) -> None:
    review, contact = unit_review
    signed_in(page, contact, live_server)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(reverse("surveys:self", args=[review.pk]))
    page.get_by_label("Kommentar till A2").fill("Osparad text om A2.")
    page.reload()
    expect(page.get_by_label("Kommentar till A2")).to_have_value("Osparad text om A2.")
    expect(page.locator(".draft-notice")).to_be_visible()
    assert not SelfAssessment.objects.exists()
