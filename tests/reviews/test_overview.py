"""The review page as an overview (issue 11): the steps with their dates, what waits for whom,
the grades as a grid, the plan's lateness; the unit's view of its plan; and the page read in the
same number of queries whatever the size of the review."""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionPlan
from granska.catalog.models import ProtocolVersion
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status
from granska.reviews.models import ObserverScope, Review
from granska.reviews.progress import StepState, review_grade_grid, review_steps
from tests.builders import plan_written, review_at, walk
from tests.chain import BOTH, DEVIATIONS, ONLY_2021
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, review: Review) -> int:
    client.get(reverse("reviews:detail", args=[review.pk]))  # sessions and caches settle
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200
    return len(queries)


def _inspectors() -> tuple[User, User]:
    return UserFactory(role=Role.INSPEKTOR), UserFactory(role=Role.INSPEKTOR)


@pytest.mark.parametrize("role", ["kansli", "inspector", "unit"])
@pytest.mark.parametrize("status", [Status.BESOK, Status.UPPFOLJNING])
def test_the_review_page_reads_as_many_queries_for_a_small_review_as_for_a_large_one(
    protocol: ProtocolVersion, role: str, status: str
) -> None:
    """A review of one regulation with one deviation against one of both regulations with
    every area assessed, five deviations and three D areas (so three actions in the plan)."""
    small = review_at(
        status,
        protocol,
        regulations=ONLY_2021,
        inspectors=_inspectors(),
        deviations={"E4": Outcome.EJ_UPPFYLLT} if status == Status.UPPFOLJNING else None,
    )
    large = review_at(
        status, protocol, regulations=BOTH, inspectors=_inspectors(), deviations=DEVIATIONS
    )
    counts = []
    for review in (small, large):
        user: User | None
        if role == "kansli":
            user = UserFactory(role=Role.KANSLI)
        elif role == "inspector":
            user = review.inspectors.first()
        else:
            user = UserFactory(role=Role.VERKSAMHET)
            review.unit.members.add(user)
        assert user is not None
        counts.append(_queries(_client(user), review))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 15, counts


def test_the_steps_give_each_state_its_day(protocol: ProtocolVersion) -> None:
    with time_machine.travel(datetime.datetime(2027, 1, 10, 9, tzinfo=datetime.UTC)):
        review = review_at(Status.BOKAD, protocol, inspectors=_inspectors(), deviations={})
    with time_machine.travel(datetime.datetime(2027, 2, 3, 9, tzinfo=datetime.UTC)):
        review = walk(review, Status.UTKAST)
    steps = {step.status: step for step in review_steps(review)}
    assert [step.status for step in steps.values()] == list(Status)
    assert steps[Status.BOKAD].day == datetime.date(2027, 1, 10)
    assert steps[Status.BESOK].state == StepState.DONE
    assert steps[Status.BESOK].day == datetime.date(2027, 2, 3)
    assert steps[Status.UTKAST].state == StepState.CURRENT
    assert steps[Status.FAKTAGRANSKNING].state == StepState.TODO
    assert steps[Status.FAKTAGRANSKNING].day is None
    html = _client(UserFactory(role=Role.KANSLI)).get(reverse("reviews:detail", args=[review.pk]))
    page = html.content.decode()
    assert re.search(
        r'<li class="step-current" aria-current="step">\s*<span class="step-label">'
        r"Utkast</span>",
        page,
    )
    assert page.count('aria-current="step"') == 1
    assert '<time class="date" datetime="2027-02-03">2027-02-03</time>' in page


def test_the_visit_to_come_shows_its_planned_day(protocol: ProtocolVersion) -> None:
    review = review_at(
        Status.BOKAD, protocol, visit_date=datetime.date(2027, 3, 15), inspectors=_inspectors()
    )
    visit = next(step for step in review_steps(review) if step.status == Status.BESOK)
    assert (visit.state, visit.day, visit.planned) == (
        StepState.TODO,
        datetime.date(2027, 3, 15),
        True,
    )
    assert visit.text == "planerat"


def test_a_closed_review_without_a_d_passed_over_the_plan(protocol: ProtocolVersion) -> None:
    review = review_at(Status.AVSLUTAD, protocol, inspectors=_inspectors(), deviations={})
    states = {step.status: step.state for step in review_steps(review)}
    assert states[Status.HANDLINGSPLAN] == StepState.SKIPPED
    assert states[Status.UPPFOLJNING] == StepState.SKIPPED
    assert states[Status.SLUTRAPPORT] == StepState.DONE
    assert states[Status.AVSLUTAD] == StepState.CURRENT
    page = text(
        _client(UserFactory(role=Role.KANSLI)).get(reverse("reviews:detail", args=[review.pk]))
    )
    assert "Handlingsplan behövs inte" in page


def test_the_grid_gives_each_area_its_grades_and_how_far_it_is_assessed(
    protocol: ProtocolVersion,
) -> None:
    review = review_at(
        Status.UPPFOLJNING,
        protocol,
        regulations=ONLY_2021,
        inspectors=_inspectors(),
        deviations={"E4": Outcome.EJ_UPPFYLLT},
    )
    grid = review_grade_grid(review)
    rows = {row.code: row for row in grid.rows}
    assert list(rows) == list(protocol.areas.order_by("position").values_list("code", flat=True))
    area_e = protocol.areas.get(code="E")
    in_scope = [c for c in area_e.criteria.all() if c.applies_to("HSLF-FS 2021:8")]
    assert rows["E"].total == len(in_scope) == rows["E"].assessed
    # The accepted plan raised the D one step: the grid shows both.
    assert (rows["E"].cells[0].grade, rows["E"].cells[0].adjusted) == ("D", "C")
    assert grid.graded == grid.cells
    html = _client(UserFactory(role=Role.KANSLI)).get(reverse("reviews:detail", args=[review.pk]))
    assert "<del>D</del> C" in html.content.decode()
    assert f"{rows['E'].total} av {rows['E'].total}" in text(html)


def test_an_unassessed_review_shows_its_areas_unset(protocol: ProtocolVersion) -> None:
    review = review_at(Status.BESOK, protocol, regulations=ONLY_2021, inspectors=_inspectors())
    grid = review_grade_grid(review)
    assert grid.graded == 0
    assert all(row.assessed == 0 and row.total > 0 for row in grid.rows)
    assert len(grid.ungraded) == len(grid.rows)


def _plan_review(protocol: ProtocolVersion, status: str) -> tuple[Review, User]:
    review = review_at(status, protocol, inspectors=_inspectors(), deviations=DEVIATIONS)
    contact = UserFactory(role=Role.VERKSAMHET)
    review.unit.members.add(contact)
    return review, contact


def test_the_unit_sees_what_waits_for_it_and_since_when_it_is_late(
    protocol: ProtocolVersion,
) -> None:
    review, contact = _plan_review(protocol, Status.HANDLINGSPLAN)
    plan = ActionPlan.objects.get(review=review)
    detail = reverse("reviews:detail", args=[review.pk])
    on_time = text(_client(contact).get(detail))
    assert "Enheten: Lämna in handlingsplanen senast" in on_time
    assert "Väntar på dig" in on_time
    assert "Försenad" not in on_time
    assert "Inspektörerna" not in on_time  # the unit reads its own line only
    late = plan.due_date + datetime.timedelta(days=5)
    with time_machine.travel(datetime.datetime.combine(late, datetime.time(9), datetime.UTC)):
        page = text(_client(contact).get(detail))
        plan_page = text(_client(contact).get(reverse("actionplans:plan", args=[review.pk])))
    since = f"Försenad sedan {plan.due_date.isoformat()}"
    assert since in page
    assert since in plan_page


def test_an_observer_is_told_nothing_of_what_waits(protocol: ProtocolVersion) -> None:
    review, _ = _plan_review(protocol, Status.HANDLINGSPLAN)
    observer = UserFactory(role=Role.OBSERVATOR)
    ObserverScope.objects.create(observer=observer, specialty=review.specialty)
    page = _client(observer).get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "panel waiting" not in page
    assert "tag-waiting" not in page


def test_the_kansli_and_the_inspectors_see_what_waits_for_each(protocol: ProtocolVersion) -> None:
    review, _ = _plan_review(protocol, Status.HANDLINGSPLAN)
    plan_written(review)
    inspector = review.inspectors.first()
    assert inspector is not None
    page = text(_client(inspector).get(reverse("reviews:detail", args=[review.pk])))
    assert "Inspektörerna: Godkänn eller återförvisa den inlämnade handlingsplanen." in page
    assert "Väntar på dig" in page


def test_the_plan_names_the_finding_behind_each_action(protocol: ProtocolVersion) -> None:
    review, contact = _plan_review(protocol, Status.HANDLINGSPLAN)
    page = text(_client(contact).get(reverse("actionplans:plan", args=[review.pk])))
    assert "Inspektörerna bedömde E4 ej uppfyllt." in page
    assert "Inspektörerna bedömde D7 delvis uppfyllt." in page
    assert "Område E är graderat D enligt SOSFS 2015:8, HSLF-FS 2021:8." in page


def test_an_accepted_plan_no_longer_shows_its_deadline_and_marks_late_actions(
    protocol: ProtocolVersion,
) -> None:
    review, contact = _plan_review(protocol, Status.UPPFOLJNING)
    plan_page = reverse("actionplans:plan", args=[review.pk])
    page = text(_client(contact).get(plan_page))
    assert "Ska lämnas senast" not in page
    assert "Försenad" not in page
    # The builders' actions are due 2027-06-30, followed up 2027-09-01.
    with time_machine.travel(datetime.datetime(2027, 7, 15, 9, tzinfo=datetime.UTC)):
        late = text(_client(contact).get(plan_page))
        overview = text(_client(contact).get(reverse("reviews:detail", args=[review.pk])))
    assert "Försenad sedan 2027-06-30" in late
    assert "Försenad sedan 2027-06-30" in overview


def test_the_booking_page_names_a_bad_date_beside_its_field(protocol: ProtocolVersion) -> None:
    review = review_at(Status.BOKAD, protocol)
    client = _client(UserFactory(role=Role.KANSLI))
    booking = reverse("reviews:booking-change", args=[review.pk])
    form = client.get(booking)
    assert form.status_code == 200
    assert 'name="visit_date"' in form.content.decode()
    refused = client.post(booking, {"visit_date": "tjugonde februari"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_visit_date"' in html
    assert 'id="id_visit_date_error"' in html


@pytest.mark.parametrize(
    ("status", "deviations"),
    [
        (Status.BOKAD, None),
        (Status.BESOK, None),
        (Status.UTKAST, {}),
        (Status.FAKTAGRANSKNING, DEVIATIONS),
        (Status.SLUTRAPPORT, {}),
        (Status.HANDLINGSPLAN, DEVIATIONS),
        (Status.UPPFOLJNING, DEVIATIONS),
    ],
)
def test_the_overview_reads_the_same_facts_as_the_moves(
    protocol: ProtocolVersion, status: str, deviations: dict[str, str] | None
) -> None:
    """The overview reads what the moves look at with its grid; it must agree with
    `review_facts`, which the moves themselves check once more."""
    from dataclasses import replace

    from django.utils import timezone

    from granska.reports.services import draft_comment_add
    from granska.workflow.facts import review_facts
    from granska.workflow.overview import review_overview_read

    review = review_at(status, protocol, inspectors=_inspectors(), deviations=deviations)
    if status == Status.FAKTAGRANSKNING:
        contact = UserFactory(role=Role.VERKSAMHET)
        review.unit.members.add(contact)
        draft_comment_add(review=review, by=contact, section="A", text="Fel antal.")
    read = review_overview_read(review, timezone.localdate(), grid=True).facts
    expected = review_facts(review)
    assert read is not None
    if status != Status.FAKTAGRANSKNING:
        # Counted only where a move from the state looks at them.
        expected = replace(expected, unanswered_comments=0)
    else:
        assert expected.unanswered_comments == 1
    assert read == expected


def test_my_reviews_mark_what_the_unit_is_late_with(protocol: ProtocolVersion) -> None:
    review, contact = _plan_review(protocol, Status.UPPFOLJNING)
    home = reverse("reviews:home")
    assert "Försenad" not in text(_client(contact).get(home))
    with time_machine.travel(datetime.datetime(2027, 7, 15, 9, tzinfo=datetime.UTC)):
        page = text(_client(contact).get(home))
    assert review.unit.name in page
    assert "Försenad sedan 2027-06-30" in page


def test_my_reviews_mark_a_plan_past_its_deadline(protocol: ProtocolVersion) -> None:
    review, contact = _plan_review(protocol, Status.HANDLINGSPLAN)
    due = ActionPlan.objects.get(review=review).due_date
    later = datetime.datetime.combine(
        due + datetime.timedelta(days=1), datetime.time(9), datetime.UTC
    )
    with time_machine.travel(later):
        page = text(_client(contact).get(reverse("reviews:home")))
    assert f"Försenad sedan {due.isoformat()}" in page
