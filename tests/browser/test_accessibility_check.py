"""The accessibility check itself: it must find what it is there to find."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_accessibility_check_fails_naming_each_serious_violation_and_its_element(
    page: Page,
) -> None:
    page.set_content(
        "<html><head><title>Broken</title></head><body><main><h1>Broken</h1>"
        '<img id="no-alt" src="data:,"><input id="no-label" type="text">'
        "</main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "html-has-lang" in message
    assert "image-alt" in message
    assert '"#no-alt"' in message
    assert "label" in message
    assert '"#no-label"' in message


def test_accessibility_check_passes_a_plain_labelled_page(page: Page) -> None:
    page.set_content(
        '<html lang="sv"><head><title>Hel</title></head><body><main><h1>Hel</h1>'
        '<img src="data:," alt="Logotyp"><label for="namn">Namn</label>'
        '<input id="namn" type="text"></main></body></html>'
    )
    assert_accessible(page)
