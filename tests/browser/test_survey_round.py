"""The whole survey round in the browser (issue 12): the unit invites five respondents from a
pasted list, one of them answers on a phone-sized screen, and the results appear beside the
criteria for the inspector only once the round has closed with enough answers: until then
only the counts, and a group under the threshold never."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.surveys.models import Answer, Round, Statement
from granska.surveys.services import answer_submit, round_close
from granska.surveys.vocabulary import Group
from tests.browser.conftest import TIMEOUT_MS, assert_accessible
from tests.builders import review_at, walk
from tests.factories import UserFactory
from tests.survey_builders import last_token, round_for

pytestmark = pytest.mark.browser

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ST = [f"st{n}@enhet.test" for n in range(1, 5)]
SUPERVISOR = "handledare1@enhet.test"
# As a unit pastes it from a spreadsheet: the ST-läkare's lines take the list's group, the
# handledare's names its own after a tab.
PASTED = "\n".join([*ST, f"{SUPERVISOR}\thandledare", ""])


def logged_in(page: Page, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def first_statement(round_: Round, group: Group) -> Statement:
    """The first statement the group answers, in the order of the respondent's page."""
    statements = Statement.objects.filter(area__questionnaire=round_.questionnaire).order_by(
        "area__position", "position"
    )
    return next(s for s in statements if group.value in s.groups)


def test_the_whole_round(
    page: Page, browser: Browser, live_server: Any, protocol: ProtocolVersion, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE
    inspector = UserFactory(role=Role.INSPEKTOR)
    contact = UserFactory(role=Role.VERKSAMHET)
    review = review_at(Status.FORBEREDELSE, protocol, inspectors=[inspector])
    review.unit.members.add(contact)
    round_ = round_for(review)
    statement = first_statement(round_, Group.ST_LAKARE)
    criterion = statement.criteria[0]

    # The unit pastes its list; each gets a personal link by e-mail.
    logged_in(page, live_server, contact)
    page.goto(reverse("surveys:round", args=[review.pk]))
    page.locator("textarea[name=respondents]").fill(PASTED)
    page.locator("select[name=default_group]").select_option(Group.ST_LAKARE.value)
    page.get_by_role("button", name="Bjud in listan").click()
    expect(page.get_by_text("0 av 4 ST-läkare har svarat")).to_be_visible()
    expect(page.get_by_text("0 av 1 handledare har svarat")).to_be_visible()
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [*ST, SUPERVISOR]
    )
    tokens = {address: last_token(address) for address in [*ST, SUPERVISOR]}
    page.reload()  # without the message of the invitation
    before = page.locator("main").inner_text()

    # One ST-läkare answers on a phone.
    phone = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 390, "height": 844}
    )
    phone.set_default_timeout(TIMEOUT_MS)
    respondent = phone.new_page()
    respondent.goto(reverse("surveys:respond", args=[tokens[ST[0]]]))
    scroll = respondent.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll[0] <= scroll[1], f"the respondent's page scrolls sideways: {scroll}"
    assert_accessible(respondent)
    respondent.locator(f"input[name='s-{statement.code}'][value=helt]").check()
    respondent.get_by_role("button", name=re.compile("Skicka")).click()
    expect(respondent.get_by_role("heading", level=1)).to_contain_text("Tack")
    phone.close()
    assert Answer.objects.filter(round=round_).count() == 1

    # The unit sees how many have answered, never who: the page is as before but for the count.
    page.reload()
    expect(page.get_by_text("1 av 4 ST-läkare har svarat")).to_be_visible()
    after = page.locator("main").inner_text()
    assert after.replace("1 av 4", "0 av 4") == before

    # Three more ST-läkare answer; the handledare alone does too.
    for address in ST[1:]:
        answer_submit(token=tokens[address], values={statement.code: "helt"}, free_text={})
    answer_submit(token=tokens[SUPERVISOR], values={statement.code: "helt"}, free_text={})
    review = walk(Review.objects.get(pk=review.pk), Status.BESOK)

    # While the round is open, the inspector sees the counts beside the criteria, no answers.
    logged_in(page, live_server, inspector)
    area = page.context.new_page()
    area.goto(reverse("reviews:assessment", args=[review.pk, statement.area.code]))
    expect(area.get_by_text("4 av 4 ST-läkare har svarat")).to_be_visible()
    expect(area.get_by_text("Bara antalet svar visas tills enkäten har stängt.")).to_be_visible()
    expect(area.locator("main")).not_to_contain_text("Stämmer helt")

    # Closed: the ST-läkare's answers beside the criterion, the lone handledare's never.
    round_close(by=None, round_=round_)
    area.reload()
    beside = area.locator(f"#beside-{criterion}")
    expect(beside).to_contain_text("Stämmer helt 4 (100 %)")
    expect(beside).to_contain_text("handledare: för få svar")
    assert_accessible(area)

    # The unit still sees no answers, only the counts.
    unit = browser.new_context(base_url=live_server.url, locale="sv-SE")
    unit_page = unit.new_page()
    logged_in(unit_page, live_server, contact)
    unit_page.goto(reverse("surveys:round", args=[review.pk]))
    expect(unit_page.get_by_text("4 av 4 ST-läkare har svarat")).to_be_visible()
    expect(unit_page.locator("main")).not_to_contain_text("Stämmer helt")
    refused = unit_page.goto(reverse("surveys:results", args=[review.pk]))
    assert refused is not None
    assert refused.status == 403
    unit.close()
