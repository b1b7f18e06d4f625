"""The error pages speak Swedish, say why where they can, and never show a stack trace."""

import re
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request, server_error

from granska.accounts.models import Role
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment
from tests.builders import review_at
from tests.factories import UnitFactory, UserFactory


def text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_a_refusal_is_in_swedish_and_says_why(client: Client, protocol: ProtocolVersion) -> None:
    review = review_at(Status.AVSLUTAD, protocol, unit=UnitFactory(), regulations=("SOSFS 2015:8",))
    inspector = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=inspector)
    client.force_login(inspector)
    response = client.get(reverse("reviews:assessment", args=[review.pk, "A"]))
    assert response.status_code == 403
    page = text(response)
    assert '<html lang="sv">' in response.content.decode()
    assert "Inte tillåtet" in page
    assert "Slutrapporten är utfärdad; bedömningen kan inte längre ändras." in page


@pytest.mark.django_db
def test_a_refusal_without_a_reason_says_so_in_general(client: Client) -> None:
    client.force_login(UserFactory(role=Role.INSPEKTOR))
    response = client.get(reverse("reviews:book"))
    assert response.status_code == 403
    assert "Du har inte behörighet att göra detta." in text(response)


@pytest.mark.django_db
def test_a_stale_form_is_refused_in_swedish(protocol: ProtocolVersion) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=Role.KANSLI))
    response = client.post(reverse("reviews:book"), {})
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in text(response)
    assert "CSRF" not in text(response)


@pytest.mark.parametrize(
    ("view", "words"),
    [(server_error, "Något gick fel"), (bad_request, "Frågan kunde inte läsas")],
)
def test_the_server_error_pages_are_swedish_and_plain(view: Any, words: str) -> None:
    request = RequestFactory().get("/")
    response = view(request) if view is server_error else view(request, Exception("x"))
    page = text(response)
    assert words in page
    assert "Traceback" not in page
