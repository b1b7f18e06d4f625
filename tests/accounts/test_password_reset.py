"""A forgotten password is reset through a link sent by e-mail, in Swedish."""

import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ett-nytt-långt-lösenord-2026"


@pytest.fixture
def inspector() -> User:
    return UserFactory(role=Role.INSPEKTOR, email="ida@granska.example")


def test_the_reset_page_is_swedish(client: Client) -> None:
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "<h1>Återställ lösenord</h1>" in page
    assert "Skicka länken" in page


def test_a_reset_sends_a_swedish_mail_whose_link_sets_a_new_password(
    client: Client, inspector: User
) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "IDA@granska.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [inspector.email]
    assert message.subject.startswith("Granska: ")
    assert "Återställning av lösenord" in message.subject
    assert "Hej från Granska!" in message.body
    assert "Du får det här mailet eftersom du eller någon annan har begärt" in message.body

    match = re.search(r"https?://[^/\s]+(/konto/password/reset/key/\S+)", str(message.body))
    assert match, message.body
    # allauth moves the key from the link into the session, then shows the form.
    response = client.get(match.group(1), follow=True)
    assert response.status_code == 200
    assert not response.context.get("token_fail", False)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    inspector.refresh_from_db()
    assert inspector.check_password(NEW_PASSWORD)
    client.post(reverse("account_login"), {"login": inspector.email, "password": NEW_PASSWORD})
    assert get_user(client).pk == inspector.pk


def test_a_used_link_no_longer_works(client: Client, inspector: User) -> None:
    client.post(reverse("account_reset_password"), {"email": inspector.email})
    link = re.search(r"(/konto/password/reset/key/\S+)", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    path = link.group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = Client().get(path, follow=True)
    assert response.context.get("token_fail", False)


def test_an_unknown_address_gets_no_reset_link(client: Client) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "okand@granska.example"})
    # The page does not tell whether the address has an account (no enumeration).
    assert response.status_code == 302
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)
