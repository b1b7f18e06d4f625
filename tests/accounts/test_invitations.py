"""Inviting a person by e-mail: a single-use link that expires, kept only as its hash; the person
sets their own password, then must set up TOTP before reaching anything else."""

import datetime
import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from granska.accounts.invitations import invitation_send, token_hash
from granska.accounts.models import Invitation, Role, User
from tests.accounts.test_mfa import totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ett eget lösenord, långt nog"


@pytest.fixture
def kansli(client: Client) -> User:
    user = UserFactory(role=Role.KANSLI)
    client.force_login(user)
    return user


def link_in(message: Any) -> str:
    match = re.search(r"http://\S+/konto/inbjudan/(\S+)/", message.body)
    assert match, message.body
    return match.group(1)


def invite(client: Client, **changes: str) -> Any:
    data = {"full_name": "Eva Strand", "email": "Eva.Strand@Region.example", "role": "verksamhet"}
    return client.post(reverse("registers:people"), data | changes)


def test_the_kansli_invites_and_the_person_gets_a_link_kept_only_as_its_hash(
    client: Client, kansli: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client)
    assert response.status_code == 302
    user = User.objects.get(email="eva.strand@region.example")
    assert (user.full_name, user.role, user.has_usable_password()) == (
        "Eva Strand",
        Role.VERKSAMHET,
        False,
    )
    (message,) = mail.outbox
    assert message.to == ["eva.strand@region.example"]
    assert message.subject == "Du är inbjuden till Granska"
    assert "Hej Eva Strand" in message.body
    token = link_in(message)
    invitation = Invitation.objects.get(user=user)
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6)
    page = client.get(reverse("registers:people")).content.decode()
    assert "inbjuden" in page


def test_the_invitation_is_the_kansli_s_and_checks_what_it_is_given(kansli: User) -> None:
    with pytest.raises(PermissionDenied):
        invitation_send(
            by=UserFactory(role=Role.INSPEKTOR), email="a@b.example", full_name="A", role="kansli"
        )
    with pytest.raises(ValidationError) as refused:
        invitation_send(by=kansli, email="inte en adress", full_name=" ", role="chef")
    assert set(refused.value.message_dict) == {"email", "full_name", "role"}
    with pytest.raises(ValidationError, match="Det finns redan ett konto"):
        invitation_send(by=kansli, email=kansli.email.upper(), full_name="B", role="kansli")


def test_following_the_link_sets_the_password_then_totp_comes_before_anything_else(
    client: Client, kansli: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, role="observator")
    token = link_in(mail.outbox[0])
    client.logout()
    link = reverse("invitation_accept", args=[token])
    # The token leaves the address at once (for the server's log and any Referer).
    response = client.get(link)
    assert response.status_code == 302
    url = reverse("invitation_password")
    assert response["Location"] == url
    assert token not in url
    response = client.get(url)
    assert response.status_code == 200
    assert "Välkommen till Granska, Eva Strand." in response.content.decode()
    response = client.post(url, {"password": "12345678", "password_again": "12345678"})
    assert response.status_code == 422
    response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    user = User.objects.get(email="eva.strand@region.example")
    assert user.check_password(NEW_PASSWORD)
    # Logged in, but nothing else opens before the authenticator is set up (any role, any
    # environment), and the setup page opens without asking for the password again.
    assert client.get(reverse("reviews:list"))["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("reviews:list")).status_code == 200
    # The link worked once.
    client.logout()
    assert client.get(link).status_code == 404
    assert client.get(url).status_code == 404
    response = client.post(url, {"password": "Annat lösenord 123", "password_again": "x"})
    assert response.status_code == 404
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_opens_nothing_and_a_new_one_ends_the_old(
    client: Client, kansli: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(client)
    user = User.objects.get(email="eva.strand@region.example")
    old = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registers:invitation-renew", args=[user.pk]))
    assert response.status_code == 302
    new = link_in(mail.outbox[1])
    client.logout()
    assert client.get(reverse("invitation_accept", args=[old])).status_code == 404
    assert client.get(reverse("invitation_accept", args=[new])).status_code == 302
    assert client.get(reverse("invitation_password")).status_code == 200
    Invitation.objects.filter(user=user).update(expires_at=timezone.now())
    # Expired while the form was open: the form finds nothing either.
    assert client.get(reverse("invitation_password")).status_code == 404
    response = client.get(reverse("invitation_accept", args=[new]))
    assert response.status_code == 404
    assert "Inbjudningslänken har använts eller gått ut" in response.content.decode()


def test_an_invited_person_who_logs_in_later_without_totp_is_held_at_the_setup(
    client: Client,
) -> None:
    user = UserFactory(role=Role.VERKSAMHET, totp_enrolment_required=True)
    client.force_login(user)
    assert client.get(reverse("reviews:home"))["Location"] == reverse("mfa_activate_totp")
