"""The survey beside the assessment: the response-rate sentence goes into the narrative with
the button the script shows (without the script it is shown to copy), and the page with the
survey's results beside the criteria has nothing serious or critical for axe."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from granska.accounts.models import Role
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.surveys.services import round_close
from granska.surveys.vocabulary import Group
from tests.browser.conftest import assert_accessible
from tests.builders import review_at, walk
from tests.factories import UserFactory
from tests.survey_builders import answered, questionnaire_small, round_for

pytestmark = pytest.mark.browser

SENTENCE = "Enkäten besvarades av 4 av 4 ST-läkare och 1 av 1 handledare."


def test_the_response_rate_sentence_is_inserted_in_the_narrative(
    page: Page, live_server: Any, protocol: ProtocolVersion
) -> None:
    inspector = UserFactory(role=Role.INSPEKTOR)
    questionnaire_small(protocol)
    review = review_at(Status.FORBEREDELSE, protocol, inspectors=[inspector])
    round_ = round_for(review)
    answered(round_, Group.ST_LAKARE, 4, "ganska_bra")
    answered(round_, Group.HANDLEDARE, 1)
    round_close(by=None, round_=round_)
    review = walk(review, Status.BESOK)
    client = Client()
    client.force_login(inspector)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto(f"/granskningar/{review.pk}/omrade/A/")
    expect(page.locator("#beside-A1")).to_contain_text("Stämmer ganska bra 4 (100 %)")
    expect(page.locator("#beside-A1")).to_contain_text("handledare: för få svar")
    narrative = page.locator("#narrative")
    narrative.fill("Verksamheten har tydliga mål.")
    page.get_by_role("button", name="Infoga i bedömningstexten").click()
    expect(narrative).to_have_value(f"Verksamheten har tydliga mål. {SENTENCE}")
    expect(narrative).to_be_focused()
    assert_accessible(page)
