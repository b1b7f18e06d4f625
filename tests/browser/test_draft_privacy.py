"""Unsaved drafts kept in the browser belong to the person who typed them: logging out removes
them, and the next person in the same browser never gets them in their form."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_workspace import AMIRA, EKUDDEN, JOHAN, area_url, note

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

TYPED = "Osparad anteckning som bara Johan ska se."


def _drafts(page: Page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('granska:'))")


def test_logging_out_removes_the_drafts_and_the_next_person_gets_none(page: Page) -> None:
    url = area_url(EKUDDEN, "E")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, JOHAN)
    page.goto(url)
    note(page, "E13").fill(TYPED)
    assert _drafts(page), "the draft is kept while Johan works"

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("button", name="Logga in")).to_be_visible()
    assert _drafts(page) == []

    log_in(page, AMIRA)
    page.goto(url)
    expect(note(page, "E13")).not_to_have_value(TYPED)
    expect(page.locator(".draft-notice")).to_be_hidden()


def test_a_draft_left_without_logging_out_never_reaches_another_person(page: Page) -> None:
    url = area_url(EKUDDEN, "E")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, JOHAN)
    page.goto(url)
    note(page, "E13").fill(TYPED)
    # The session ends (the browser's session cookie goes) but the local storage stays.
    page.context.clear_cookies()

    log_in(page, AMIRA)
    page.goto(url)
    expect(note(page, "E13")).not_to_have_value(TYPED)
    expect(page.locator(".draft-notice")).to_be_hidden()
    assert all(":u" in key for key in _drafts(page))
    assert not any(
        TYPED in (page.evaluate(f"localStorage.getItem({key!r})") or "") for key in _drafts(page)
    )


def test_the_same_person_gets_their_draft_back_after_logging_in_again(page: Page) -> None:
    url = area_url(EKUDDEN, "E")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, JOHAN)
    page.goto(url)
    note(page, "E13").fill(TYPED)
    page.context.clear_cookies()  # the session ended without a logout

    log_in(page, JOHAN)
    page.goto(url)
    expect(page.locator(".draft-notice")).to_be_visible()
    expect(note(page, "E13")).to_have_value(TYPED)
