"""Logging in: the admin's login is allauth's, a session gets in only with the second factor,
failed logins make the next attempt wait (per client behind the proxy, per e-mail address), and
a password reset tells nothing about who has an account."""

import base64
import hashlib
import hmac
import os
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.contrib.auth import get_user
from django.core import mail
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.accounts.throttle import CODES, PASSWORDS
from granska.catalog.models import ProtocolVersion
from granska.reviews.models import Assignment, Review
from granska.reviews.services import review_create
from tests.builders import kansli_user
from tests.factories import PASSWORD, UnitFactory, UserFactory
from tests.responses import Response
from tests.test_permissions import TABLE

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROXY = "10.0.0.2"
TOO_MANY = "För många misslyckade inloggningsförsök"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """The limits, the waits and the spent codes live in the cache: none between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def production(settings: Any) -> None:
    settings.PRODUCTION = True


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def kansli() -> User:
    return UserFactory(
        role=Role.KANSLI, is_staff=True, is_superuser=True, email="karin@granska.example"
    )


@pytest.fixture
def secret(kansli: User) -> str:
    """The kansli's authenticator app is set up."""
    secret = generate_totp_secret()
    TOTP.activate(kansli, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (RFC 6238); tests that use it run on
    a frozen clock, so the code cannot expire in between."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def log_in(client: Client, email: str, password: str, **extra: Any) -> Response:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def page(response: Response) -> str:
    return response.content.decode()


# 1. The admin's login and the second factor ------------------------------------------------


def test_the_admin_login_form_never_signs_in(
    client: Client, production: None, kansli: User, secret: str
) -> None:
    admin_login = reverse("admin:login")
    for _attempt in range(10):
        client.post(admin_login, {"username": kansli.email, "password": "gissning"})
    response = client.post(
        admin_login, {"username": kansli.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert not get_user(client).is_authenticated
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_the_admin_is_reached_through_the_login_with_password_and_code(
    client: Client, production: None, kansli: User, secret: str, clock: time_machine.Traveller
) -> None:
    response = client.get(reverse("admin:index"))
    assert response["Location"] == f"{reverse('admin:login')}?next=/admin/"
    response = client.get(response["Location"])
    login = f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert response["Location"] == login
    response = client.post(login, {"login": kansli.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert not get_user(client).is_authenticated
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert get_user(client).pk == kansli.pk
    assert client.get(reverse("admin:index")).status_code == 200
    # Logged in, the admin's login page leads to the admin, and does not log in anyone else.
    other = UserFactory(role=Role.KANSLI, is_staff=True)
    response = client.post(reverse("admin:login"), {"username": other.email, "password": PASSWORD})
    assert response["Location"] == reverse("admin:index")
    assert get_user(client).pk == kansli.pk


def test_the_admin_login_refuses_who_is_not_staff(client: Client) -> None:
    client.force_login(UserFactory(role=Role.VERKSAMHET))
    assert client.get(reverse("admin:login")).status_code == 403


@pytest.fixture
def password_only(client: Client, production: None, kansli: User) -> str:
    """A session that logged in with the password alone: when it did, the kansli had no
    authenticator yet; meanwhile one was set up (on another computer). Returns its secret."""
    log_in(client, kansli.email, PASSWORD)
    assert get_user(client).pk == kansli.pk
    secret = generate_totp_secret()
    TOTP.activate(kansli, secret)
    return secret


@pytest.fixture
def review(protocol: ProtocolVersion) -> Review:
    """A review with an inspector and a contact, for the URLs of tests/test_permissions.py."""
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    Assignment.objects.create(review=review, inspector=UserFactory(role=Role.INSPEKTOR))
    review.unit.members.add(UserFactory(role=Role.VERKSAMHET))
    return review


# The code step itself, logging out and the language switch; every other page waits for a code.
CODE_STEP_OPEN = {"mfa_authenticate", "mfa_reauthenticate", "account_logout", "set_language"}
ADMIN_PAGES = {
    "admin:reviews_review_changelist": (),
    "admin:accounts_user_changelist": (),
    "admin:accounts_secondfactor_changelist": (),
    "admin:password_change": (),
}


def code_step(path: str) -> str:
    return f"{reverse('mfa_reauthenticate')}?next={quote(path, safe='')}"


@pytest.mark.parametrize("name", sorted(set(TABLE) - CODE_STEP_OPEN) + sorted(ADMIN_PAGES))
def test_a_session_with_only_the_password_opens_no_page_but_the_code_step(
    client: Client, password_only: str, review: Review, name: str
) -> None:
    path = TABLE[name].path(review) if name in TABLE else reverse(name)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == code_step(path)


# The project's own forms (allauth's and the admin's answer a POST as they answer a GET).
PROJECT_FORMS = {
    name
    for name, url in TABLE.items()
    if url.POST and ":" in name and not name.startswith("admin:")
}


@pytest.mark.parametrize("name", sorted(PROJECT_FORMS - CODE_STEP_OPEN))
def test_a_session_with_only_the_password_sends_no_form_but_the_code(
    client: Client, password_only: str, review: Review, name: str
) -> None:
    url = TABLE[name]
    response = client.post(url.path(review), url.data(review))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_reauthenticate")


def test_a_session_with_only_the_password_cannot_remove_the_authenticator(
    client: Client, password_only: str, kansli: User
) -> None:
    # allauth asks for the password again before removing an authenticator; giving it is
    # not the second factor.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_reauthenticate")
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response["Location"] == reverse("mfa_reauthenticate")
    assert Authenticator.objects.filter(user=kansli, type=Authenticator.Type.TOTP).exists()


def test_the_code_step_logging_out_and_the_language_stay_open(
    client: Client, password_only: str
) -> None:
    response = client.get(reverse("mfa_reauthenticate"))
    assert response.status_code == 200
    assert 'name="code"' in page(response)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    client.post(reverse("account_logout"))
    assert not get_user(client).is_authenticated


def test_with_the_code_the_session_gets_in(
    client: Client, password_only: str, clock: time_machine.Traveller
) -> None:
    path = reverse("reviews:list")
    response = client.get(path, follow=True)
    assert response.redirect_chain == [(code_step(path), 302)]
    assert "Ange koden från din autentiseringsapp för att fortsätta." in page(response)
    response = client.post(
        reverse("mfa_reauthenticate"), {"code": totp_code(password_only), "next": path}
    )
    assert response["Location"] == path
    assert client.get(path).status_code == 200


# 11. Failed logins: a growing wait, per client behind the proxy ------------------------------


def test_the_wait_grows_with_the_failures_and_is_capped() -> None:
    waits = [PASSWORDS.wait_after(failures) for failures in range(9)]
    assert waits == [0, 0, 0, 5, 10, 20, 30, 30, 30]
    assert CODES.wait_after(10) == 5 * 60


def test_failures_make_the_next_attempt_wait_and_after_it_the_password_gets_in(
    client: Client, kansli: User, clock: time_machine.Traveller
) -> None:
    for _attempt in range(3):
        assert "felaktigt" in page(log_in(client, kansli.email, "gissning"))
    # Each later failure doubles the wait, up to 30 seconds; the right password waits too.
    for wait in (5, 10, 20, 30, 30):
        response = log_in(client, kansli.email, PASSWORD)
        assert f"Vänta {wait} sekunder och försök igen." in page(response)
        assert not get_user(client).is_authenticated
        clock.shift(wait - 1)
        assert "Vänta 1 sekund och försök igen." in page(log_in(client, kansli.email, "gissning"))
        clock.shift(1)
        assert "felaktigt" in page(log_in(client, kansli.email, "gissning"))
    # The address is written as the person likes: the wait is the address's.
    assert "Vänta 30 sekunder" in page(log_in(client, "KARIN@granska.example ", PASSWORD))
    clock.shift(30)
    response = log_in(client, kansli.email, PASSWORD)
    assert response["Location"] == resolve_url(django_settings.LOGIN_REDIRECT_URL)
    assert get_user(client).pk == kansli.pk
    # The right password wipes the slate: the next mistakes are free again.
    client.post(reverse("account_logout"))
    for _attempt in range(3):
        assert "felaktigt" in page(log_in(client, kansli.email, "gissning"))


def test_a_guesser_is_slowed_to_a_few_tries_a_minute_and_never_locks_the_person_out(
    client: Client, kansli: User, clock: time_machine.Traveller
) -> None:
    # The guesser tries every two seconds for five minutes, each time from another address.
    tried_by_minute = [0] * 5
    for second in range(0, 300, 2):
        ip = f"198.51.100.{second % 250}"
        response = log_in(client, kansli.email, f"gissning-{second}", REMOTE_ADDR=ip)
        if "felaktigt" in page(response):
            tried_by_minute[second // 60] += 1
        else:
            assert "Vänta" in page(response)
        clock.shift(2)
    assert tried_by_minute[0] <= 3 + 4
    assert all(1 <= tried <= 2 for tried in tried_by_minute[2:])
    # The person, after the wait, gets in.
    clock.shift(30)
    log_in(client, kansli.email, PASSWORD)
    assert get_user(client).pk == kansli.pk


@pytest.mark.parametrize(("proxies", "other_client_gets_in"), [(1, True), (0, False)])
def test_failures_count_per_client_behind_the_proxy(
    client: Client,
    settings: Any,
    kansli: User,
    clock: time_machine.Traveller,
    proxies: int,
    other_client_gets_in: bool,
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    guesser = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for attempt in range(20):
        log_in(client, f"person{attempt}@annan.example", "gissning", **guesser)
    assert TOO_MANY in page(log_in(client, kansli.email, PASSWORD, **guesser))
    # What the guesser writes into X-Forwarded-For does not change who the proxy says it is.
    spoofed = guesser | {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.7"}
    assert TOO_MANY in page(log_in(client, kansli.email, PASSWORD, **spoofed))
    assert not get_user(client).is_authenticated

    colleague = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.8"}
    response = log_in(client, kansli.email, PASSWORD, **colleague)
    assert get_user(client).is_authenticated is other_client_gets_in
    if not other_client_gets_in:
        assert TOO_MANY in page(response)


def test_a_request_past_fewer_proxies_than_configured_is_counted_by_its_address(
    client: Client, settings: Any, kansli: User
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    log_in(client, kansli.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert get_user(client).pk == kansli.pk


def granska_setting(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("granska")
    base = {k: v for k, v in os.environ.items() if not k.startswith("GRANSKA_")}
    return subprocess.run(
        [
            str(script),
            "shell",
            "--no-imports",
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_number_of_proxies_is_read_from_the_environment() -> None:
    assert granska_setting("ALLAUTH_TRUSTED_PROXY_COUNT").stdout.strip() == "0"
    result = granska_setting("ALLAUTH_TRUSTED_PROXY_COUNT", GRANSKA_TRUSTED_PROXY_COUNT="1")
    assert result.stdout.strip() == "1"
    result = granska_setting("ALLAUTH_TRUSTED_PROXY_COUNT", GRANSKA_TRUSTED_PROXY_COUNT="en")
    assert result.returncode != 0
    assert "GRANSKA_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr


def test_wrong_codes_make_the_next_code_wait(
    client: Client, production: None, kansli: User, secret: str, clock: time_machine.Traveller
) -> None:
    log_in(client, kansli.email, PASSWORD)
    for _attempt in range(3):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "Felaktig kod." in page(response)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert "Vänta 5 sekunder och försök igen." in page(response)
    assert not get_user(client).is_authenticated
    clock.shift(5)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == resolve_url(django_settings.LOGIN_REDIRECT_URL)
    assert get_user(client).pk == kansli.pk


# 17. A password reset tells nothing about who has an account --------------------------------


def test_a_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(
    client: Client, kansli: User
) -> None:
    reset = reverse("account_reset_password")
    known = client.post(reset, {"email": kansli.email})
    unknown = client.post(reset, {"email": "okand@granska.example"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.to for message in mail.outbox] == [[kansli.email]]
    done = client.get(known["Location"])
    assert done.status_code == 200
    assert "okand@granska.example" not in page(done)
