"""The handlingsplan's pages as the unit, the inspectors and the kansli use them; the calendar
feed; the kansli's overview and its CSV."""

import csv
import datetime
import io
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from granska.actionplans.models import ActionPlan, FollowUp, FollowUpReport, PlanStatus
from granska.actionplans.services import ItemInput, plan_save
from granska.workflow.plans import plan_accept
from tests.chain import People

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=1))


def text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def form(plan: ActionPlan, **fields: str) -> dict[str, str]:
    """The plan form as the unit posts it, every item with the same values."""
    data = {"version": str(plan.version), "intent": "save"}
    for pk in plan.items.values_list("pk", flat=True):
        for name in ItemInput.__dataclass_fields__:
            data[f"item-{pk}-{name}"] = fields.get(name, "")
    return data


FULL = {
    "action": "Studierektorn inför halvårsvisa avstämningar av varje IUP.",
    "completion": "Våren 2027",
    "responsible": "Studierektor Nils Ek",
    "followup": "HT 2027",
    "followup_responsible": "Verksamhetschef Mona Berg",
}


def test_the_unit_sees_its_plan_as_a_form_with_each_deficiency(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.contact)
    response = client.get(reverse("actionplans:plan", args=[plan.review_id]))
    assert response.status_code == 200
    page = text(response)
    for code in ("D7", "E4", "H2"):
        assert code in page
    assert "Lämna in till inspektörerna" in page
    assert "våren 2027" in page  # the accepted forms are explained beside the dates
    assert 'data-draft-key="granska:' in response.content.decode()


def test_an_unreadable_date_is_refused_naming_it_and_keeping_every_typed_word(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.contact)
    url = reverse("actionplans:plan", args=[plan.review_id])
    response = client.post(url, form(plan, **(FULL | {"completion": "när vi hinner"})))
    assert response.status_code == 422
    page = text(response)
    assert "Planen sparades inte." in page
    assert "Granska kan inte läsa ”när vi hinner”" in page
    assert FULL["action"] in response.content.decode()
    assert 'value="när vi hinner"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.version == 0
    assert set(plan.items.values_list("action", flat=True)) == {""}


def test_a_second_save_on_the_same_version_shows_both_instead_of_overwriting(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.contact)
    url = reverse("actionplans:plan", args=[plan.review_id])
    stale = form(plan, action="Min version.")
    assert client.post(url, form(plan, action="Den andras version.")).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 409
    page = text(response)
    assert "Någon annan sparade planen" in page
    assert "Min version." in page
    assert "Sparat: Den andras version." in page
    assert set(plan.items.values_list("action", flat=True)) == {"Den andras version."}


def test_the_unit_submits_and_the_inspector_returns_then_accepts(
    client: Client, plan: ActionPlan, people: People
) -> None:
    url = reverse("actionplans:plan", args=[plan.review_id])
    client.force_login(people.contact)
    response = client.post(url, form(plan, **FULL) | {"intent": "submit"}, follow=True)
    assert "Handlingsplanen är inlämnad till inspektörerna." in text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.INLAMNAD
    assert "Lämna in" not in text(client.get(url))  # submitted: read, not written

    client.force_login(people.inspector)
    page = text(client.get(url))
    assert "Godkänn handlingsplanen" in page
    assert "läses som 2027-05-31" in page  # "Våren 2027" and the day it is read as
    first = plan.items.first()
    assert first is not None
    decide = reverse("actionplans:decide", args=[plan.review_id])
    response = client.post(
        decide, {"decision": "return", f"comment-{first.pk}": "Ange en person."}, follow=True
    )
    assert "återförvisad" in text(response)
    client.force_login(people.contact)
    page = text(client.get(url))
    assert "Inspektörernas kommentar: Ange en person." in page
    client.post(url, form(plan.__class__.objects.get(pk=plan.pk), **FULL) | {"intent": "submit"})
    client.force_login(people.inspector)
    accepting = plan.__class__.objects.get(pk=plan.pk)
    response = client.post(
        decide, {"decision": "accept", "confirm": str(accepting.version)}, follow=True
    )
    assert "Handlingsplanen är godkänd" in text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.GODKAND


def test_an_inspector_may_not_write_the_plan_nor_the_unit_decide_it(
    client: Client, plan: ActionPlan, people: People
) -> None:
    url = reverse("actionplans:plan", args=[plan.review_id])
    client.force_login(people.inspector)
    assert client.post(url, form(plan, **FULL)).status_code == 403
    client.force_login(people.contact)
    decide = reverse("actionplans:decide", args=[plan.review_id])
    assert client.post(decide, {"decision": "accept"}).status_code == 403
    client.force_login(people.other_contact)
    assert client.get(url).status_code == 404  # another unit's plan does not exist for it


@pytest.fixture
def accepted(plan: ActionPlan, people: People) -> ActionPlan:
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), ItemInput(**FULL))
    plan = plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    return plan_accept(plan=plan, by=people.inspector)


def test_follow_up_with_a_file_is_confirmed_by_the_inspector(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    item = accepted.items.first()
    assert item is not None
    client.force_login(people.contact)
    report_url = reverse("actionplans:report", args=[accepted.review_id, item.pk])
    response = client.post(
        report_url,
        {"text": "Rutinen antogs i mars.", "attachment": SimpleUploadedFile("rutin.pdf", b"%PDF")},
        follow=True,
    )
    assert f"Uppföljningen av {item} är redovisad." in text(response)
    report = FollowUpReport.objects.get(item=item)
    attachment = reverse("actionplans:attachment", args=[accepted.review_id, report.pk])
    assert client.get(attachment).getvalue() == b"%PDF"
    client.force_login(people.other_contact)
    assert client.get(attachment).status_code == 404

    client.force_login(people.inspector)
    confirm = reverse("actionplans:confirm", args=[accepted.review_id, report.pk])
    response = client.post(confirm, {"decision": "more"}, follow=True)
    assert "Säg vad mer verksamheten ska göra eller visa." in text(response)
    client.post(confirm, {"decision": "confirmed"})
    item.refresh_from_db()
    assert item.followup == FollowUp.CONFIRMED


def test_the_calendar_feed_holds_the_units_dates_and_a_renewed_link_cuts_off_the_old(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    unit = accepted.review.unit
    feed_url = reverse("actionplans:calendar", args=[unit.calendar_token])
    response = Client().get(feed_url)  # no login: the secret in the link is the key
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {(str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")}
    # The plan is accepted: its deadline no longer applies; its actions' dates do.
    assert not any(summary.startswith("Handlingsplan ska lämnas") for summary, _ in events)
    assert (
        f"Åtgärd D7 ska vara genomförd: {unit.name} (Våren 2027)",
        datetime.date(2027, 5, 31),
    ) in events
    assert (
        f"Åtgärd D7 ska följas upp: {unit.name} (HT 2027)",
        datetime.date(2027, 12, 31),
    ) in events
    assert any(summary.startswith("Dags för ny SPUR-granskning") for summary, _ in events)
    assert "Nils Ek" not in response.content.decode()  # no names of people in the feed

    client.force_login(people.contact)
    client.post(reverse("actionplans:calendar-renew", args=[accepted.review_id]))
    unit.refresh_from_db()
    assert Client().get(feed_url).status_code == 404
    new_url = reverse("actionplans:calendar", args=[unit.calendar_token])
    assert Client().get(new_url).status_code == 200


def test_the_kansli_overview_lists_plans_dates_and_units_due_and_exports_them(
    client: Client, accepted: ActionPlan, plan: ActionPlan, people: People
) -> None:
    with time_machine.travel(datetime.datetime(2027, 6, 5, 9, tzinfo=TZ)):
        client.force_login(people.kansli)  # a session of today's, not of 2026's
        page = text(client.get(reverse("actionplans:overview")))
        csv_response = client.get(reverse("actionplans:overview-csv"))
    unit = accepted.review.unit.name
    assert "Godkända, i uppföljning (1)" in page
    assert "Försenat (3)" in page  # the three actions were due by 2027-05-31
    assert "Våren 2027" in page
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Typ", "Enhet", "Granskning", "Åtgärd", "Datum", "Skrivet som", "Läge"]
    overdue = [row for row in rows if row[0] == "Försenat"]
    assert len(overdue) == 3
    assert {row[1] for row in overdue} == {unit}
    assert {row[4] for row in overdue} == {"2027-05-31"}
    assert ["Plan godkänd", unit] == rows[1][:2]


def test_a_unit_due_again_shows_five_years_after_its_final_report(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    with time_machine.travel(datetime.datetime(2031, 6, 1, 9, tzinfo=TZ)):
        client.force_login(people.kansli)
        page = text(client.get(reverse("actionplans:overview")))
    assert "Enheter som ska granskas igen" in page
    assert accepted.review.unit.name in page.split("Enheter som ska granskas igen")[1]


def test_another_unit_can_neither_open_the_plan_nor_learn_its_feed(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    token = accepted.review.unit.calendar_token
    client.force_login(people.other_contact)
    page = client.get(reverse("actionplans:plan", args=[accepted.review_id]))
    assert page.status_code == 404
    assert token not in page.content.decode()
    assert token not in client.get(reverse("reviews:home")).content.decode()
    guessed = reverse("actionplans:calendar", args=["x" * len(token)])
    assert client.get(guessed).status_code == 404
    # Those who may read the plan without writing it are not given the feed either.
    client.force_login(people.inspector)
    assert (
        token
        not in client.get(reverse("actionplans:plan", args=[accepted.review_id])).content.decode()
    )
