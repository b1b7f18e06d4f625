"""An area's assessment completed with the keyboard alone, at a desktop's and a phone's width:
Tab (and Shift+Tab) to move, the arrow keys inside a group of radio buttons (how a browser
moves between them: a group is one stop of Tab), Space and Enter to act, and typing for text.
No click, no fill. axe-core finds nothing serious or critical on the way."""

import re

import pytest
from playwright.sync_api import Page, expect

from granska.reviews.models import AreaGrade, Finding, Review
from tests.browser.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

AMIRA = "amira.haddad@granska.example"  # assigned to Tallmons vårdcentral
TALLMON = "Tallmons vårdcentral"  # in förberedelse, HSLF-FS 2021:8 only, nothing assessed yet
NARRATIVE = "Riktlinjerna för ST är kända av alla handledare."


def focused_matches(page: Page, selector: str) -> bool:
    script = "s => !!document.activeElement && document.activeElement.matches(s)"
    return bool(page.evaluate(script, selector))


def tab_to(page: Page, selector: str, *, limit: int = 250) -> None:
    """Presses Tab until the focus is on an element matching `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_area_is_assessed_graded_and_saved_with_the_keyboard_alone(
    page: Page, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    review = Review.objects.get(unit__name=TALLMON)
    log_in(page, AMIRA)
    page.goto(f"/granskningar/{review.pk}/omrade/A/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^A\. "))

    # Nothing assessed: no suggestion, and the counts say why; the tab says how far it is.
    suggestion = page.locator('#suggestions [data-suggested="2021"]')
    expect(suggestion).to_have_text("Inget förslag ännu (0 av 4 bedömda)")
    expect(page.locator("#use-suggestion-2021")).to_contain_text("Inget förslag ännu")
    expect(page.locator("#use-suggestion-2021 button")).to_have_count(0)
    current = page.locator('nav.tabs a[aria-current="page"]')
    expect(current).to_contain_text("0 av 4")
    screenshot(page, f"assessment-keyboard-{width}")
    assert_accessible(page)

    # The narrative first, where the inspectors write it: above the criteria.
    tab_to(page, "#narrative")
    page.keyboard.type(NARRATIVE)

    # Each finding: Tab to its group (the checked "ej bedömt"), an arrow to "uppfyllt".
    for code in ("A1", "A2", "A3", "A4"):
        tab_to(page, f'input[name="outcome-{code}"]')
        page.keyboard.press("ArrowRight")  # from the last choice, "ej bedömt", round to the first
        expect(page.locator(f'input[name="outcome-{code}"][value="uppfyllt"]')).to_be_checked()
        expect(page.locator(f'input[name="outcome-{code}"][value="uppfyllt"]')).to_be_focused()
    expect(suggestion).to_have_text("A")

    # The grade: "Använd förslaget" with Enter sets it, and the focus goes to the grade chosen.
    tab_to(page, "button[data-use-suggestion]")
    page.keyboard.press("Enter")
    grade_a = page.locator('input[name="grade-2021"][value="A"]')
    expect(grade_a).to_be_checked()
    expect(grade_a).to_be_focused()
    assert not Finding.objects.filter(review=review).exists()  # nothing saved yet

    tab_to(page, "form.assessment button[type=submit]:not([data-use-suggestion])")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_have_text("Område A är sparat.")
    expect(current).to_contain_text("4 av 4")
    expect(current.locator(".tag")).to_have_text(re.compile(r"A$"))
    expect(page.locator("#narrative")).to_have_value(NARRATIVE)
    assert set(
        Finding.objects.filter(review=review, criterion__area__code="A").values_list(
            "outcome", flat=True
        )
    ) == {"uppfyllt"}
    assert AreaGrade.objects.get(assessment__review=review, assessment__area__code="A").grade == "A"
    screenshot(page, f"assessment-keyboard-saved-{width}")
    assert_accessible(page)


def test_a_failed_save_puts_the_focus_on_the_error_summary_naming_the_regulation(
    page: Page,
) -> None:
    review = Review.objects.get(unit__name=TALLMON)
    log_in(page, AMIRA)
    page.goto(f"/granskningar/{review.pk}/omrade/A/")
    # A grade with nothing assessed departs from no suggestion: it needs a reason.
    tab_to(page, 'input[name="grade-2021"]')
    page.keyboard.press("ArrowRight")  # from "ej satt", the last, round to A
    expect(page.locator('input[name="grade-2021"][value="A"]')).to_be_checked()
    tab_to(page, "form.assessment button[type=submit]:not([data-use-suggestion])")
    page.keyboard.press("Enter")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    message = (
        "HSLF-FS 2021:8: bedömningarna ger inget förslag ännu (0 av 4 bedömda); "
        "ange skäl för att sätta A."
    )
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(page.locator("#grade-2021-error")).to_have_text(message)  # the same words, once each
    # The link leads to the grade's first choice.
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#grade-2021")).to_be_focused()
    assert_accessible(page)
