"""Logging in with e-mail address and password (django-allauth), in Swedish, with throttling."""

from datetime import UTC, datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from tests.factories import PASSWORD, UserFactory
from tests.responses import Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def kansli() -> User:
    return UserFactory(role=Role.KANSLI, email="karin@granska.example")


def log_in(client: Client, email: str, password: str) -> Response:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_the_login_page_is_swedish_with_labelled_fields(client: Client) -> None:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert "<h1>Logga in</h1>" in page
    form = response.context["form"]
    # Only e-mail address and password: no user name, no "remember me".
    assert set(form.fields) == {"login", "password"}
    for field in form:
        assert f'<label for="{field.id_for_label}">' in page
    assert reverse("account_reset_password") in page
    assert "Glömt lösenordet?" in page


def test_login_with_email_and_password(client: Client, kansli: User) -> None:
    response = log_in(client, "Karin@Granska.example", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert get_user(client).pk == kansli.pk


def test_a_wrong_password_is_refused_in_swedish(client: Client, kansli: User) -> None:
    response = log_in(client, kansli.email, "fel-lösenord")
    assert response.status_code == 200
    assert "Epost-adressen och/eller lösenordet är felaktigt." in response.content.decode()
    assert not get_user(client).is_authenticated


def test_an_inactive_account_cannot_log_in(client: Client) -> None:
    user = UserFactory(is_active=False)
    log_in(client, user.email, PASSWORD)
    assert not get_user(client).is_authenticated


def test_repeated_failures_for_one_address_make_its_login_wait(
    client: Client, kansli: User
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        for _attempt in range(3):
            response = log_in(client, kansli.email, "gissning")
            assert "felaktigt" in response.content.decode()
        # The next attempt waits, even with the right password (tests/security/test_auth.py
        # follows the wait as it grows and ends).
        response = log_in(client, kansli.email, PASSWORD)
        assert response.status_code == 200
        assert "Vänta 5 sekunder och försök igen." in response.content.decode()
        assert not get_user(client).is_authenticated
        # Another person's login from the same place does not wait.
        other = UserFactory(role=Role.INSPEKTOR)
        log_in(client, other.email, PASSWORD)
        assert get_user(client).pk == other.pk


def test_logging_out_takes_a_post(client: Client, kansli: User) -> None:
    client.force_login(kansli)
    # A GET only asks for confirmation.
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert get_user(client).is_authenticated
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not get_user(client).is_authenticated


def test_every_page_offers_logout_as_a_form(client: Client, kansli: User) -> None:
    client.force_login(kansli)
    page = client.get(reverse("mfa_index")).content.decode()
    assert f'<form method="post" action="{reverse("account_logout")}" data-draft-forget>' in page


def test_there_is_no_sign_up(client: Client) -> None:
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Konton i Granska skapas av SPUR-kansliet" in response.content.decode()
    client.post(
        reverse("account_signup"),
        {
            "email": "ny@granska.example",
            "password1": "Ett-långt-lösen-99",
            "password2": "Ett-långt-lösen-99",
        },
    )
    assert not User.objects.filter(email="ny@granska.example").exists()


def test_the_email_address_cannot_be_added_to_or_removed(client: Client, kansli: User) -> None:
    client.force_login(kansli)
    client.post(reverse("account_email"), {"action_add": "", "email": "annan@granska.example"})
    client.post(reverse("account_email"), {"action_remove": "", "email": kansli.email})
    addresses = list(EmailAddress.objects.filter(user=kansli).values_list("email", flat=True))
    assert addresses == [kansli.email]
