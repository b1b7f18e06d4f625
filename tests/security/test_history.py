"""The history page never shows the unit's plan as it writes it: only as it was handed in."""

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import User
from granska.actionplans.models import ActionPlan
from granska.actionplans.services import ItemInput, plan_return, plan_save
from tests.chain import People

pytestmark = pytest.mark.django_db

ITEM = ItemInput(
    action="",
    completion="Våren 2027",
    responsible="Studierektor",
    responsible_email="",
    followup="2027-09-01",
    followup_responsible="Verksamhetschef",
    followup_responsible_email="",
)
DRAFT = "Utkast-som-enheten-skriver-3K"
SUBMITTED = "Åtgärd-som-lämnades-in-3K"
REDRAFT = "Nytt-utkast-efter-återförvisning-3K"


def _save(plan: ActionPlan, people: People, action: str, *, submit: bool) -> ActionPlan:
    plan.refresh_from_db()
    items = dict.fromkeys(
        plan.items.values_list("pk", flat=True), dataclasses.replace(ITEM, action=action)
    )
    return plan_save(plan=plan, version=plan.version, items=items, by=people.contact, submit=submit)


def _history(user: User, plan: ActionPlan) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("reviews:history", args=[plan.review_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_inspectors_never_read_a_plan_draft_in_the_history(
    plan: ActionPlan, people: People
) -> None:
    _save(plan, people, DRAFT, submit=False)
    assert DRAFT not in _history(people.inspector, plan)
    # The kansli may write the plan on the unit's behalf, and so reads its drafts.
    assert DRAFT in _history(people.kansli, plan)

    plan = _save(plan, people, SUBMITTED, submit=True)
    assert SUBMITTED in _history(people.inspector, plan)

    plan_return(plan=plan, by=people.inspector, comments={}, comment="Förtydliga.")
    _save(plan, people, REDRAFT, submit=False)
    seen = _history(people.inspector, plan)
    assert SUBMITTED in seen
    assert REDRAFT not in seen
    assert "Förtydliga." in seen
