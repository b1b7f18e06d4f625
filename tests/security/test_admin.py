"""The admin only reads what the workflow owns, its history included: no earlier version is
restored, the lifecycle record is never touched, the calendar's secret is never typed in."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from granska.accounts.models import Role
from granska.actionplans.models import ActionPlan
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status
from granska.reviews.models import AreaAssessment, Finding, Review, StatusChange
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every model whose admin shows simple-history's pages, with the object of an issued review to
# try it on. A model registered with a history admin but missing here fails the test below.
HISTORY_OBJECTS: dict[type[Model], Callable[[Review], Model]] = {
    Review: lambda review: review,
    Finding: lambda review: review.findings.get(criterion__code="D7"),
    AreaAssessment: lambda review: review.assessments.get(area__code="D"),
}


@pytest.fixture
def kansli_client(client: Client) -> Client:
    client.force_login(UserFactory(role=Role.KANSLI, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def issued(plan: ActionPlan) -> Review:
    """A review whose final report is issued (with a D, so now in its handlingsplan)."""
    review = plan.review
    review.refresh_from_db()
    assert review.status == Status.HANDLINGSPLAN
    return review


def history_url(obj: Model) -> str:
    meta = obj._meta
    version = obj.history.earliest("history_date")  # type: ignore[attr-defined]  # simple_history's
    return reverse(
        f"admin:{meta.app_label}_{meta.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )


def form_data(client: Client, url: str) -> dict[str, Any]:
    """What the history page's form would send back: the earlier version's values."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if value is True:
            data[field.html_name] = "on"
        elif value is not None and value is not False:
            data[field.html_name] = value
    return data


def state(obj: Model) -> tuple[dict[str, Any], int]:
    obj.refresh_from_db()
    return model_to_dict(obj), obj.history.count()  # type: ignore[attr-defined]  # simple_history's


def test_every_history_admin_is_tried_here() -> None:
    history_admins = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    }
    assert history_admins == set(HISTORY_OBJECTS)


@pytest.mark.parametrize("model", list(HISTORY_OBJECTS), ids=lambda model: model.__name__)
def test_no_earlier_version_is_restored_through_the_history(
    kansli_client: Client, issued: Review, model: type[Model]
) -> None:
    obj = HISTORY_OBJECTS[model](issued)
    url = history_url(obj)
    data = form_data(kansli_client, url)
    before = state(obj)
    response = kansli_client.post(url, data)
    assert response.status_code == 403
    assert (
        "Tidigare versioner visas bara här. De kan inte återställas." in response.content.decode()
    )
    assert state(obj) == before
    # The page still shows the version, without a button to restore it.
    page = kansli_client.get(url).content.decode()
    assert 'name="_save"' not in page


def test_a_review_is_neither_set_back_nor_moved_to_another_unit_through_its_history(
    kansli_client: Client, issued: Review
) -> None:
    url = history_url(issued)
    unit = issued.unit_id
    data = form_data(kansli_client, url) | {"status": Status.BOKAD, "unit": UnitFactory().pk}
    moves = StatusChange.objects.count()
    response = kansli_client.post(url, data)
    assert response.status_code == 403
    issued.refresh_from_db()
    assert issued.status == Status.HANDLINGSPLAN
    assert issued.unit_id == unit
    assert StatusChange.objects.count() == moves


def test_a_finding_of_an_issued_report_is_not_changed_through_its_history(
    kansli_client: Client, issued: Review
) -> None:
    finding = issued.findings.get(criterion__code="D7")
    before = (finding.outcome, finding.note)
    assert before[0] == Outcome.DELVIS
    url = history_url(finding)
    data = form_data(kansli_client, url) | {"outcome": Outcome.UPPFYLLT, "note": "Ändrad."}
    assert kansli_client.post(url, data).status_code == 403
    finding.refresh_from_db()
    assert (finding.outcome, finding.note) == before


def test_the_lifecycle_record_is_neither_added_changed_nor_deleted(
    kansli_client: Client, issued: Review
) -> None:
    moves = list(StatusChange.objects.values_list("pk", "to_status"))
    assert moves
    move = StatusChange.objects.first()
    assert move is not None
    assert kansli_client.get(reverse("admin:reviews_statuschange_add")).status_code == 403
    change = reverse("admin:reviews_statuschange_change", args=[move.pk])
    assert kansli_client.post(change, {"to_status": Status.BOKAD}).status_code == 403
    delete = reverse("admin:reviews_statuschange_delete", args=[move.pk])
    assert kansli_client.get(delete).status_code == 403
    assert kansli_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:reviews_statuschange_changelist")
    assert "delete_selected" not in kansli_client.get(changelist).content.decode()
    kansli_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [pk for pk, _ in moves], "post": "yes"},
    )
    assert list(StatusChange.objects.values_list("pk", "to_status")) == moves


def test_the_calendar_token_is_shown_but_not_written(kansli_client: Client) -> None:
    unit = UnitFactory()
    token = unit.calendar_token
    url = reverse("admin:reviews_unit_change", args=[unit.pk])
    page = kansli_client.get(url).content.decode()
    assert 'name="calendar_token"' not in page
    assert token in page
    response = kansli_client.post(
        url,
        {
            "name": "Vårdcentralen Nytt namn",
            "kind": unit.kind,
            "care_provider": unit.care_provider_id,
            "region": unit.region_id,
            "specialty": unit.specialty_id,
            "calendar_token": "valt-av-kansliet",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Vårdcentralen Nytt namn"
    assert unit.calendar_token == token


def test_the_second_factor_s_secret_is_never_shown_nor_written(kansli_client: Client) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    person = UserFactory(role=Role.INSPEKTOR)
    secret = generate_totp_secret()
    authenticator = TOTP.activate(person, secret).instance
    page = kansli_client.get(reverse("admin:accounts_secondfactor_change", args=[authenticator.pk]))
    assert page.status_code == 200
    assert secret not in page.content.decode()
    stored = Authenticator.objects.get(pk=authenticator.pk).data
    answer = kansli_client.post(
        reverse("admin:accounts_secondfactor_change", args=[authenticator.pk]),
        {"user": person.pk, "type": "totp", "data": '{"secret": "AAAA"}'},
    )
    assert answer.status_code == 403
    assert Authenticator.objects.get(pk=authenticator.pk).data == stored
    assert kansli_client.get(reverse("admin:accounts_secondfactor_add")).status_code == 403
