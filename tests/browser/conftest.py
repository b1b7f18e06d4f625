"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live server.

Each test gets a fresh page in a fresh browser context (its own cookies) on one Chromium that the
whole package shares. The database is a transactional one, since the live server answers from
another thread and must see what the test wrote.
"""

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--headless",
    "--disable-gpu",
    # This machine reaches no network but the package registries; without these flags Chromium
    # keeps trying to phone home and its refused connections slow every start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000

DEMO_PASSWORD = "granska-demo"
KANSLI = "kansli@granska.example"
UNIT_USER = "eva.strand@granska.example"


def _missing(message: str) -> None:
    """Outside CI a missing browser skips loudly; CI must have it, so there it fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(f"!!! BROWSER TESTS NOT RUN: {message}")


@pytest.fixture(scope="package")
def playwright_sync() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        _missing(f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        _missing(f"axe-core is not at {AXE_SCRIPT} (run `make install`, which runs npm ci)")
    # Playwright's sync API runs an asyncio event loop in this thread for as long as it is
    # started, so Django sees a "running event loop" here and refuses database access from the
    # test (fixtures creating data, transactional_db's flush) with SynchronousOnlyOperation. The
    # ORM is never actually used from inside that loop: the test thread only blocks on it while
    # the browser works, and the live server answers from its own thread. So allowing it is safe
    # here, and only here: it is set while the browser runs and restored after.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright_sync: Playwright) -> Iterator[Browser]:
    browser = playwright_sync.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


# The widths a person's main task is tried at: a computer's screen and a phone's.
WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(390, id="390px")]


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any, transactional_db: None
) -> Iterator[Page]:
    """A page in its own context (no cookies shared between tests), based at the live server;
    1280 px wide, or as wide as the test's parameter says
    (`@pytest.mark.parametrize("page", WIDTHS, indirect=True)`)."""
    width = getattr(request, "param", 1280)
    height = 900 if width > 800 else 844
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    # Whatever the Content-Security-Policy blocks (an inline script or style) fails the test.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked)


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo data (catalog, units, people, reviews), as `make run` shows it."""
    call_command("demo", stdout=io.StringIO())


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Logs in through the real login form, finding its fields by their labels.

    By label, not by id or name: the login page may change its form (django-allauth) while the
    person's view of it, an e-mail field, a password field and a button, stays the same.
    """
    page.goto("/")
    page.get_by_label(re.compile(r"e-?post|e-?mail", re.IGNORECASE)).first.fill(email)
    page.get_by_label(re.compile(r"^\s*(lösenord|password)", re.IGNORECASE)).first.fill(password)
    page.get_by_role("button", name=re.compile(r"logga in|log in|sign in", re.IGNORECASE)).click()
    # The logout form is on every page of a logged-in person (behind "Meny" on a phone).
    expect(page.locator("form[data-draft-forget]")).to_have_count(1)


def menu(page: Page) -> None:
    """Opens the main menu where a phone folds it behind "Meny"; on a wide screen it is open."""
    page.wait_for_load_state("load")  # the layout's script has folded the menu, or not
    toggle = page.get_by_role("button", name="Meny")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def assert_accessible(page: Page) -> None:
    """Runs axe-core (WCAG 2.1 A and AA) on the page; fails naming each serious or critical one."""
    # Evaluated through the browser's debugging protocol, which the page's CSP does not govern;
    # a <script> tag with the code inline would be refused by it.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {json.dumps(node['target'])}" for node in v["nodes"])
        for v in violations
    )
    assert not violations, f"axe found serious or critical violations on {page.url}:\n{report}"


def screenshot(page: Page, name: str) -> None:
    """Saves the whole page in $GRANSKA_SCREENSHOTS, when set, for a person to look at.

    A page taller than two screens is cut into NAME-1.png, NAME-2.png, … so that each picture stays
    readable; a shorter one is NAME.png.
    """
    folder = os.environ.get("GRANSKA_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    width, height = page.evaluate("[document.body.scrollWidth, document.body.scrollHeight]")
    piece = 1800
    if height <= piece:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
        return
    for number, top in enumerate(range(0, height, piece), start=1):
        page.screenshot(
            path=str(Path(folder) / f"{name}-{number}.png"),
            full_page=True,
            clip={"x": 0, "y": top, "width": width, "height": min(piece, height - top)},
        )
