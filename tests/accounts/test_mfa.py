"""Two-factor authentication (TOTP with recovery codes), required in production for the kansli
and inspectors."""

import base64
import hashlib
import hmac
import struct
import time
from typing import Any
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.contrib.auth import get_user
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The current code of an authenticator app for a base32 `secret` (RFC 6238, as apps do)."""
    if at is None:
        # Allauth accepts only the current period's code: never hand out one about to expire.
        left = 30 - time.time() % 30
        if left < 2:
            time.sleep(left)
        at = time.time()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(at // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def log_in(client: Client, user: User) -> Any:
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )


@pytest.fixture
def production(settings: Any) -> None:
    settings.PRODUCTION = True


@pytest.mark.parametrize("role", [Role.KANSLI, Role.INSPEKTOR])
def test_production_sends_kansli_and_inspectors_to_totp_setup(
    client: Client, production: None, role: Role
) -> None:
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("reviews:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_production_requires_totp_of_a_superuser_of_any_role(
    client: Client, production: None
) -> None:
    client.force_login(UserFactory(role=Role.OBSERVATOR, is_superuser=True, is_staff=True))
    assert client.get(reverse("reviews:list"))["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", [Role.VERKSAMHET, Role.OBSERVATOR])
def test_production_does_not_require_totp_of_units_and_observers(
    client: Client, production: None, role: Role
) -> None:
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("reviews:list")).status_code == 200


@pytest.mark.parametrize("role", [Role.KANSLI, Role.INSPEKTOR])
def test_development_does_not_require_totp(client: Client, role: Role) -> None:
    assert not django_settings.PRODUCTION
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("reviews:list")).status_code == 200


def test_with_totp_active_the_kansli_gets_in_once_the_session_gave_a_code(
    client: Client, production: None
) -> None:
    user = UserFactory(role=Role.KANSLI)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.force_login(user)
    response = client.get(reverse("reviews:list"))
    code_step = reverse("mfa_reauthenticate")
    assert response["Location"] == f"{code_step}?next={quote(reverse('reviews:list'), safe='')}"
    response = client.post(code_step, {"code": totp_code(secret), "next": reverse("reviews:list")})
    assert response["Location"] == reverse("reviews:list")
    assert client.get(reverse("reviews:list")).status_code == 200


def test_without_totp_one_may_still_log_out(client: Client, production: None) -> None:
    client.force_login(UserFactory(role=Role.INSPEKTOR))
    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("account_login")
    assert not get_user(client).is_authenticated


def test_activating_totp_with_a_code_from_the_secret_then_logging_in_with_it(
    client: Client, production: None
) -> None:
    user = UserFactory(role=Role.INSPEKTOR)
    response = log_in(client, user)
    # Logged in, but sent to the setup page with a Swedish explanation; allauth asks for the
    # password once more before an authenticator is added.
    activate = reverse("mfa_activate_totp")
    assert (
        response.redirect_chain[-1][0]
        == f"{reverse('account_reauthenticate')}?next={quote(activate, safe='')}"
    )
    assert "Din roll kräver tvåfaktorsautentisering." in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0], {"password": PASSWORD, "next": activate}, follow=True
    )
    assert response.redirect_chain[-1][0] == activate
    page = response.content.decode()
    assert "<h1>\n        Aktivera autentiseringsapp\n    </h1>" in page
    secret = response.context["form"].secret
    assert secret in page  # to type into the app where the QR code cannot be scanned

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert "Felaktig kod." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    recovery = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    )
    codes = recovery.get_unused_codes()
    assert len(codes) == 10
    assert all(code in page for code in codes)
    assert client.get(reverse("reviews:list")).status_code == 200

    # The next login asks for a code after the password: a code from another time is refused,
    # and a recovery code lets the person in (this period's code is spent: it activated TOTP).
    client.post(reverse("account_logout"))
    response = log_in(client, user)
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert not get_user(client).is_authenticated
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(secret, at=time.time() + 90)}
    )
    assert "Felaktig kod." in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert response["Location"] == resolve_url(django_settings.LOGIN_REDIRECT_URL)
    assert get_user(client).pk == user.pk
    spent = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert codes[0] not in RecoveryCodes(spent).get_unused_codes()


def test_login_asks_for_the_authenticator_code(client: Client) -> None:
    user = UserFactory(role=Role.KANSLI)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = log_in(client, user)
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    page = response.content.decode()
    assert "Ditt konto är skyddat av tvåfaktorsautentisering." in page
    assert '<label for="id_code">' in page
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert get_user(client).pk == user.pk
