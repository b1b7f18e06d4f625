"""The unit's calendar feed as calendar programs read it again and again: UIDs of this
installation, stamps that change only with the event, dates that leave once they no longer
apply, summaries and descriptions that say what is due, and any stored text kept valid."""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from granska.actionplans.calendar import calendar_render
from granska.actionplans.models import ActionItem, ActionPlan, Decision, FollowUp
from granska.actionplans.services import ItemInput, followup_report, plan_return, plan_save
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Review, Unit
from granska.workflow.plans import followup_decide, plan_accept
from tests.builders import review_booked
from tests.chain import People

pytestmark = pytest.mark.django_db

SITE = "https://granska.example.se"
TZ = datetime.timezone(datetime.timedelta(hours=1))

FULL = {
    "action": "Studierektorn inför halvårsvisa avstämningar av varje IUP.",
    "completion": "Våren 2027",
    "responsible": "Studierektor Nils Ek",
    "followup": "HT 2027",
    "followup_responsible": "Verksamhetschef Mona Berg",
}


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    settings.GRANSKA_SITE_URL = SITE


def submitted(plan: ActionPlan, people: People) -> ActionPlan:
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), ItemInput(**FULL))
    return plan_save(plan=plan, version=plan.version, items=items, by=people.contact, submit=True)


@pytest.fixture
def accepted(plan: ActionPlan, people: People) -> ActionPlan:
    return plan_accept(plan=submitted(plan, people), by=people.inspector)


def feed(unit: Unit) -> Calendar:
    response = Client().get(reverse("actionplans:calendar", args=[unit.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(unit: Unit) -> dict[str, Any]:
    """The feed's events by UID."""
    return {str(event["uid"]): event for event in feed(unit).walk("VEVENT")}


def summaries(unit: Unit) -> set[str]:
    return {str(event["summary"]) for event in events(unit).values()}


def test_every_uid_names_this_installation_and_no_two_events_share_one(
    accepted: ActionPlan, settings: Any
) -> None:
    unit = accepted.review.unit
    found = [str(event["uid"]) for event in feed(unit).walk("VEVENT")]
    # Three actions, each with its completion and its follow-up, and the next review.
    assert len(found) == 7
    assert len(set(found)) == len(found)
    assert all(uid.endswith("@granska.example.se") for uid in found)

    settings.GRANSKA_SITE_URL = "https://granska.annan-region.example:8443"
    elsewhere = {str(event["uid"]) for event in feed(unit).walk("VEVENT")}
    assert all(uid.endswith("@granska.annan-region.example:8443") for uid in elsewhere)
    assert elsewhere.isdisjoint(found)  # another installation's events are never these


def test_a_feed_fetched_again_is_the_same_until_an_event_changes(
    accepted: ActionPlan, people: People
) -> None:
    unit = accepted.review.unit
    first = calendar_render(unit)
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=TZ)):
        again = calendar_render(unit)
    assert again == first  # no DTSTAMP of the fetch: calendars see nothing changed

    item = accepted.items.order_by("position").first()
    assert item is not None
    before = events(unit)
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=TZ), tick=False):
        followup_report(item=item, by=people.contact, text="Avstämningarna hålls sedan mars.")
    after = events(unit)
    changed = f"followup-{item.pk}@granska.example.se"
    stamp = after[changed].decoded("dtstamp")
    assert stamp == datetime.datetime(2027, 3, 1, 8, tzinfo=datetime.UTC)
    assert after[changed].decoded("last-modified") == stamp
    # The other actions' events did not change, and keep their stamps.
    others = set(after) - {changed}
    assert others
    for uid in others:
        assert after[uid].to_ical() == before[uid].to_ical(), uid


def test_the_plans_deadline_stands_while_the_plan_is_to_be_written(
    plan: ActionPlan, people: People
) -> None:
    unit = plan.review.unit
    deadline = f"plan-{plan.pk}@granska.example.se"
    event = events(unit)[deadline]
    assert str(event["summary"]) == f"Handlingsplan ska lämnas: {unit.name}"
    assert event.decoded("dtstart") == plan.due_date
    # The plan's dates as the unit drafts them are not yet agreed: not in the calendar.
    assert set(events(unit)) == {deadline, f"next-review-{plan.review_id}@granska.example.se"}

    plan = submitted(plan, people)
    assert deadline not in events(unit)  # submitted: the deadline is kept

    plan_return(
        plan=plan,
        by=people.inspector,
        comments={},
        comment="Ange vem som följer upp varje åtgärd.",
    )
    assert deadline in events(unit)  # returned: due again

    plan.refresh_from_db()
    plan = plan_accept(plan=submitted(plan, people), by=people.inspector)
    accepted_events = events(unit)
    assert deadline not in accepted_events
    assert sum(uid.startswith("action-") for uid in accepted_events) == 3


def test_an_action_reported_and_confirmed_leaves_and_a_closed_review_keeps_only_the_next(
    accepted: ActionPlan, people: People
) -> None:
    unit = accepted.review.unit
    items = list(accepted.items.order_by("position"))
    first = items[0]
    report = followup_report(item=first, by=people.contact, text="Klart.")
    found = events(unit)
    assert f"action-{first.pk}@granska.example.se" not in found  # reported: done
    assert f"followup-{first.pk}@granska.example.se" in found  # the follow-up still to come

    followup_decide(report=report, by=people.inspector, decision=Decision.MORE, comment="Mer.")
    first.refresh_from_db()
    assert first.followup == FollowUp.MORE
    found = events(unit)
    assert f"action-{first.pk}@granska.example.se" not in found
    assert f"followup-{first.pk}@granska.example.se" in found

    for item in items:
        item.refresh_from_db()
        if item.followup == FollowUp.CONFIRMED:
            continue
        report = item.reports.filter(decision="").first() or followup_report(
            item=item, by=people.contact, text="Genomfört."
        )
        followup_decide(report=report, by=people.inspector, decision=Decision.CONFIRMED)
    review = Review.objects.get(pk=accepted.review_id)
    assert review.status == Status.AVSLUTAD
    assert set(events(unit)) == {f"next-review-{review.pk}@granska.example.se"}


def test_a_newer_review_replaces_the_next_review_date(
    accepted: ActionPlan, protocol: ProtocolVersion
) -> None:
    unit = accepted.review.unit
    next_review = f"next-review-{accepted.review_id}@granska.example.se"
    event = events(unit)[next_review]
    assert str(event["summary"]) == f"Dags för ny SPUR-granskning: {unit.name}"
    issued = accepted.review.final_report_date
    assert issued is not None
    assert event.decoded("dtstart") == issued.replace(year=issued.year + 5)
    review_booked(protocol, unit=unit)
    assert not any(uid.startswith("next-review-") for uid in events(unit))


def test_summaries_and_descriptions_say_what_is_due_and_link_to_the_page(
    accepted: ActionPlan,
) -> None:
    unit = accepted.review.unit
    item = accepted.items.select_related("criterion").get(criterion__code="D7")
    found = events(unit)
    plan_url = f"{SITE}/granskningar/{accepted.review_id}/handlingsplan/"
    assert plan_url == SITE + reverse("actionplans:plan", args=[accepted.review_id])

    action = found[f"action-{item.pk}@granska.example.se"]
    assert str(action["summary"]) == f"Åtgärd D7 ska vara genomförd: {unit.name} (Våren 2027)"
    assert str(action["url"]) == plan_url
    assert str(action["description"]) == (
        "Åtgärd D7 ska vara genomförd Våren 2027 (senast 2027-05-31).\n\n"
        f"Planerad åtgärd: {FULL['action']}\n\n"
        f"Handlingsplanen i Granska: {plan_url}"
    )
    followup = found[f"followup-{item.pk}@granska.example.se"]
    assert str(followup["summary"]) == f"Åtgärd D7 ska följas upp: {unit.name} (HT 2027)"
    assert str(followup["description"]).startswith(
        "Åtgärd D7 ska följas upp HT 2027 (senast 2027-12-31)."
    )
    next_review = found[f"next-review-{accepted.review_id}@granska.example.se"]
    review_url = SITE + reverse("reviews:detail", args=[accepted.review_id])
    assert str(next_review["url"]) == review_url
    assert str(next_review["description"]).endswith(f"Granskningen i Granska: {review_url}")
    assert "5 år efter slutrapporten" in str(next_review["description"])
    for event in found.values():
        assert str(event["description"]).strip(), event["uid"]
        assert "genomförd (" not in str(event["summary"])  # what is due, not what is done


def test_a_plan_deadline_of_an_exact_date_says_so(plan: ActionPlan) -> None:
    unit = plan.review.unit
    event = events(unit)[f"plan-{plan.pk}@granska.example.se"]
    assert str(event["description"]) == (
        f"{unit.name} ska lämna sin handlingsplan efter SPUR-granskningen senast "
        f"{plan.due_date.isoformat()}.\n\n"
        f"Handlingsplanen i Granska: {SITE}/granskningar/{plan.review_id}/handlingsplan/"
    )


def test_the_plan_page_gives_the_feed_at_the_site_url(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.contact)
    page = client.get(reverse("actionplans:plan", args=[plan.review_id])).content.decode()
    token = plan.review.unit.calendar_token
    assert SITE + reverse("actionplans:calendar", args=[token]) in page
    assert "http://testserver" + reverse("actionplans:calendar", args=[token]) not in page


HOSTILE = [
    "Kliniken\r\nNorr, avd. 3; plan 2",
    'Akuten 🚑; Ögon, Öron & Näsa \\ "Södra"',
    "Lång" + "å" * 196,  # as long as a unit's name may be (200)
    "BEGIN:VEVENT\nEND:VCALENDAR",
]


LONG = "Ögon" * 2_500


@pytest.mark.parametrize("name", HOSTILE)
def test_any_stored_unit_name_gives_a_valid_feed(accepted: ActionPlan, name: str) -> None:
    unit = accepted.review.unit
    Unit.objects.filter(pk=unit.pk).update(name=name)
    # A planned action is a text of any length: ten thousand characters of it.
    ActionItem.objects.filter(plan=accepted).update(
        completion_text="Q2; 2027,\n", action=name + "\n\nRad två, med; tecken 🙂 " + LONG
    )
    unit.refresh_from_db()
    response = Client().get(reverse("actionplans:calendar", args=[unit.calendar_token]))
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)  # folded as RFC 5545 asks
    assert not any(b"\n" in line or b"\r" in line for line in lines)
    assert lines.count(b"BEGIN:VEVENT") == lines.count(b"END:VEVENT") == 7
    calendar = Calendar.from_ical(raw)
    one_line = re.sub(r"\s+", " ", name).strip()
    assert str(calendar["x-wr-calname"]) == f"Granska: {one_line}"
    found = list(calendar.walk("VEVENT"))
    assert len(found) == 7
    for event in found:
        summary = str(event["summary"])
        assert one_line in summary
        assert "\n" not in summary
        assert str(event["description"]).strip()
    actions = [e for e in found if str(e["uid"]).startswith("action-")]
    assert all(str(e["summary"]).endswith("(Q2; 2027,)") for e in actions)
    assert all(f"Rad två, med; tecken 🙂 {LONG}" in str(e["description"]) for e in actions)


def test_a_feed_of_a_unit_with_no_dates_is_still_a_calendar(protocol: ProtocolVersion) -> None:
    unit = review_booked(protocol).unit
    calendar = feed(unit)
    assert list(calendar.walk("VEVENT")) == []
    assert str(calendar["x-wr-calname"]) == f"Granska: {unit.name}"


def test_a_calendar_asking_again_with_its_etag_is_told_nothing_changed(
    accepted: ActionPlan, people: People
) -> None:
    unit = accepted.review.unit
    url = reverse("actionplans:calendar", args=[unit.calendar_token])
    first = Client().get(url)
    etag = first["ETag"]
    again = Client().get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    item = accepted.items.order_by("position").first()
    assert item is not None
    followup_report(item=item, by=people.contact, text="Klart.")
    changed = Client().get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert Calendar.from_ical(changed.content).walk("VEVENT")
