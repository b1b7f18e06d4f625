"""Every page of the permission table, as a phone shows it: 390 px wide, with no horizontal
scroll of the page, and no serious or critical accessibility violation.

The pages come from tests/test_permissions.py's table, so a new URL is tried here as soon as it
has its entry there. Each page is opened by every role the table lets read it (they see different
things), with the review put in the step its URL belongs to.
"""

import json
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, ViewportSize

from granska.accounts.models import User
from granska.catalog.models import ProtocolVersion
from granska.reviews.models import Review
from tests.browser.conftest import AXE_SCRIPT, AXE_TAGS, TIMEOUT_MS
from tests.test_permissions import OK, ROLES, TABLE, build_people

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
# Pages that are not Granska's own layout: the Django admin (kept for superusers) and the
# redirects that answer every method.
NOT_OURS = {"admin:index"}

# The URL names whose GET some role reads with 200.
PAGES = sorted(
    name
    for name, entry in TABLE.items()
    if entry.GET is not None and OK in entry.GET.values() and name not in NOT_OURS
)

# What stands out beyond the viewport, for the failure message.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => !el.closest('.table-scroll, table'))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (typeof el.className === 'string' && el.className
                   ? '.' + el.className.split(' ').join('.') : '')
                + ' right=' + Math.round(el.getBoundingClientRect().right));
}"""


@pytest.fixture
def people(protocol: ProtocolVersion) -> tuple[Review, dict[str, User | None]]:
    return build_people(protocol)


def session_cookie(user: User, url: str) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_and_is_accessible_for_every_reader(
    browser: Browser,
    live_server: Any,
    transactional_db: None,
    people: tuple[Review, dict[str, User | None]],
    name: str,
) -> None:
    review, users = people
    entry = TABLE[name]
    path = entry.path(Review.objects.get(pk=review.pk))
    assert entry.GET is not None
    readers = [role for role in ROLES if entry.GET[role] == OK]
    problems: list[str] = []
    checked_accessibility = False
    for role in readers:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport=PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        if (user := users[role]) is not None:
            context.add_cookies([session_cookie(user, live_server.url)])  # type: ignore[list-item]
        page = context.new_page()
        # A file (PDF, CSV, iCal, an attachment) has nothing to lay out; the browser would only
        # download it.
        answer = context.request.get(path)
        if "text/html" not in answer.headers.get("content-type", ""):
            if answer.status != 200:
                problems.append(f"{role}: {answer.status}")
            context.close()
            continue
        response = page.goto(path)
        assert response is not None
        if response.status != 200:
            problems.append(f"{role}: {response.status}")
        else:
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                problems.append(
                    f"{role}: the page is {scroll} px wide in a {client} px viewport; "
                    f"beyond it: {page.evaluate(OVERFLOWING)}"
                )
            if not checked_accessibility:
                checked_accessibility = True
                problems += [f"{role}: {line}" for line in violations(page)]
        context.close()
    assert not problems, f"{name} ({path}) at 390 px:\n" + "\n".join(problems)


def violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations, and the landmarks that are not unique."""
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    script = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
    result = page.evaluate(script, [*AXE_TAGS, "best-practice"])
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {json.dumps([n['target'] for n in v['nodes']])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] == "landmark-unique"
    ]
