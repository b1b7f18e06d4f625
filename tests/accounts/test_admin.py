"""The kansli changes a person's e-mail address in the admin; the old address stops working."""

from types import SimpleNamespace
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.sites import site
from django.contrib.auth import get_user
from django.test import Client, RequestFactory
from django.urls import reverse

from granska.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_changed_address_no_longer_logs_in(client: Client) -> None:
    user = UserFactory(email="gammal@granska.example")
    # allauth has seen the old address (a password reset, the e-mail page).
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)

    user.email = "ny@granska.example"
    form: Any = SimpleNamespace(changed_data=["email"])
    site.get_model_admin(User).save_model(RequestFactory().post("/"), user, form, change=True)

    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == []
    client.post(reverse("account_login"), {"login": "gammal@granska.example", "password": PASSWORD})
    assert not get_user(client).is_authenticated
    client.post(reverse("account_login"), {"login": "ny@granska.example", "password": PASSWORD})
    assert get_user(client).pk == user.pk


# The names the admin showed in English (or twice) before its sections were named in Swedish.
ENGLISH = ("MFA", "Authenticator", "Tasks Database Backend", "Task Result", "Epost-adress")


def test_the_admin_index_names_every_section_and_model_in_swedish(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:index"), headers={"accept-language": "sv"})
    text = page.content.decode()

    assert page.status_code == 200
    for english in ENGLISH:
        assert english not in text, english
    for swedish in ("Andra faktorer", "Inloggningsadresser", "E-postadresser"):
        assert swedish in text, swedish
    # allauth's section of addresses and Granska's own accounts no longer share one name.
    assert text.count(">Konton<") <= 1


def test_the_second_factor_list_speaks_swedish(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(
        reverse("admin:accounts_secondfactor_changelist"), headers={"accept-language": "sv"}
    )
    text = page.content.decode()

    assert page.status_code == 200
    assert "authenticator" not in text.lower()
    assert "Person" in text
