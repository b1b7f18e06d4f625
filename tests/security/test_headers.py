"""Every page says what the browser may load and use: a Content-Security-Policy without inline
script or style, and a Permissions-Policy switching off the features Granska never uses."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["account_login", "published:list"])
def test_pages_carry_a_strict_content_security_policy(client: Client, url: str) -> None:
    response = client.get(reverse(url))
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_pages_switch_off_the_browser_features_granska_never_uses(client: Client) -> None:
    policy = client.get(reverse("account_login")).headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy
