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
