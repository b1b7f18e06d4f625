"""The admin shows a questionnaire, in Swedish, and changes nothing: a version changes only by
loading its file."""

import pytest
from django.test import Client
from django.urls import reverse

from granska.surveys.models import Questionnaire, Statement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_questionnaire_read_only_in_swedish(
    client: Client, questionnaire: Questionnaire
) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    sv = {"accept-language": "sv"}
    index = client.get(reverse("admin:index"), headers=sv).content.decode()
    assert "Enkäter" in index
    assert "Påståenden" in index

    page = client.get(
        reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk]), headers=sv
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Enkätområden" in text
    assert "Faktafält" in text
    assert "Handledning och kompetensbedömning" in text
    assert 'name="_save"' not in text
    assert client.get(reverse("admin:surveys_questionnaire_add")).status_code == 403

    statement = Statement.objects.filter(area__questionnaire=questionnaire).first()
    assert statement is not None
    response = client.post(
        reverse("admin:surveys_statement_change", args=[statement.pk]),
        {"code": "X1", "text": "Ändrad."},
    )
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.code != "X1"
