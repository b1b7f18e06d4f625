"""The kansli imports earlier reports in Chromium: two text reports and a broken file uploaded at
once, the progress followed while the worker reads them, the previews with the unknowns marked
and the refusal, one of the two confirmed, and the review it made in the list. On the real
importer once it is on main, else on its stand-in (tests/imports/importer.py)."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import FilePayload, Page, expect

from granska.accounts.models import User
from granska.imports.batches import batch_create, batch_item_read
from granska.imports.models import BatchItem, BatchItemState
from tests.browser.conftest import KANSLI, assert_accessible, log_in, menu, screenshot
from tests.imports.importer import BROKEN, UNIT_A, variant_a, variant_b

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_the_kansli_uploads_follows_the_reading_and_confirms_one(
    page: Page, seeds_dir: Path
) -> None:
    log_in(page, KANSLI)
    menu(page)
    page.get_by_role("link", name="Importera rapporter").click()
    assert_accessible(page)
    files: list[FilePayload] = [
        {"name": "bjorkhaga.txt", "mimeType": "text/plain", "buffer": variant_a(seeds_dir)},
        {"name": "sjovik.txt", "mimeType": "text/plain", "buffer": variant_b(seeds_dir)},
        {"name": "trasig.txt", "mimeType": "text/plain", "buffer": BROKEN},
    ]
    page.get_by_label("Rapporter (.pdf, .txt eller .zip)").set_input_files(files)
    page.get_by_role("button", name="Läs filerna").click()

    # The worker has not read anything yet: the page says so, and follows it.
    progress = page.get_by_role("status")
    expect(progress).to_contain_text("0 av 3 lästa")
    assert_accessible(page)
    screenshot(page, "import-progress")
    first, *others = BatchItem.objects.order_by("position")
    batch_item_read.call(first.pk)
    expect(progress).to_contain_text("1 av 3 lästa")
    for item in others:
        batch_item_read.call(item.pk)
    expect(progress).to_contain_text("3 av 3 lästa")

    # The previews: what was read, the unknowns marked, the refusal with its reason.
    broken = BatchItem.objects.get(name="trasig.txt")
    assert broken.state == BatchItemState.REFUSED
    previews = page.locator(".import-file")
    expect(previews).to_have_count(3)
    expect(previews.nth(0)).to_contain_text(UNIT_A)
    expect(previews.nth(1).locator(".unknown").first).to_have_text("okänt")
    expect(previews.nth(2)).to_contain_text(broken.message)
    expect(previews.nth(2).get_by_role("checkbox")).to_have_count(0)
    previews.nth(0).get_by_text("Visa allt som lästes").click()
    expect(previews.nth(0).get_by_role("heading", name="Område A")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "import-previews")

    # Only the first is imported.
    page.get_by_label("Importera sjovik.txt").uncheck()
    page.get_by_role("button", name="Importera de valda filerna").click()
    expect(page.locator(".messages")).to_contain_text("1 rapport importerades.")
    made = page.get_by_role("region", name="Granskningar som skapades")
    expect(made.get_by_role("link")).to_have_count(2)  # the review, and all reviews
    made.get_by_role("link", name="Alla granskningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granskningar")
    imported = BatchItem.objects.get(name="bjorkhaga.txt")
    assert imported.review is not None
    # The list, searched by the unit, holds the review made.
    page.goto(f"/granskningar/?q={UNIT_A}")
    expect(page.locator(f'a[href="/granskningar/{imported.review.pk}/"]').first).to_be_visible()
    assert BatchItem.objects.get(name="sjovik.txt").state == BatchItemState.SKIPPED


@pytest.mark.parametrize("page", [390], indirect=True)
def test_the_previews_fit_a_phone(page: Page, seeds_dir: Path, settings: Any) -> None:
    """The previews opened whole (long names, narratives, the plan) at 390 px: no sideways
    scroll of the page, no serious accessibility violation."""
    settings.TASKS = IMMEDIATE
    kansli = User.objects.get(email=KANSLI)
    batch = batch_create(
        by=kansli,
        files=[
            ("rapporter/2024/" + "mycket-langt-filnamn-" * 8 + ".txt", variant_a(seeds_dir)),
            ("sjovik.txt", variant_b(seeds_dir)),
            ("trasig.txt", BROKEN),
        ],
    )
    assert not batch.items.filter(state=BatchItemState.QUEUED).exists()
    log_in(page, KANSLI)
    page.goto(f"/import/{batch.pk}/")
    for summary in page.locator(".import-details summary").all():
        summary.click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    assert_accessible(page)
    screenshot(page, "import-previews-390")


def test_more_files_than_an_upload_carries_are_refused_before_sending(page: Page) -> None:
    log_in(page, KANSLI)
    page.goto("/import/")
    field = page.get_by_label("Rapporter (.pdf, .txt eller .zip)")
    most = django_settings.DATA_UPLOAD_MAX_NUMBER_FILES
    many: list[FilePayload] = [
        {"name": f"r{n}.txt", "mimeType": "text/plain", "buffer": b"Styrkor"}
        for n in range(most + 1)
    ]
    field.set_input_files(many)
    page.get_by_role("button", name="Läs filerna").click()
    expect(page).to_have_url(re.compile(r"/import/$"))
    message = field.evaluate("input => input.validationMessage")
    assert f"Välj högst {most} filer åt gången" in message
    assert not BatchItem.objects.exists()
