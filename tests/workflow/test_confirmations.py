"""Official acts are deliberate: issuing the final report, accepting the plan and moving back
each go through a confirmation page that lists what will change, and the POST that acts needs
the `confirm` that page sends. The moves on the review page say their act, and one that cannot
be made now is disabled with its reasons beside it; after a move the message names the state the
review is actually in."""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from granska.accounts.models import Role
from granska.actionplans.models import ActionPlan, PlanStatus
from granska.catalog.models import ProtocolVersion
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status, months_after
from granska.reports.models import FinalReport
from granska.reports.services import draft_comment_add
from granska.reviews.models import AreaGrade, Review
from granska.reviews.services import review_booking_change
from granska.workflow.moves import review_moves
from granska.workflow.plans import plan_accept, plan_grade_changes
from tests.builders import BOTH, VISIT, kansli_user, plan_written, review_at
from tests.chain import People, graded_review
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=1))


def text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def changes(response: Any) -> list[str]:
    """The items of the confirmation's list of changes, as read."""
    html = response.content.decode()
    listed = re.search(r'<ul class="changes">(.*?)</ul>', html, re.S)
    assert listed, "no list of changes on the page"
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)
    ]


def assert_confirmation(response: Any, act: str, confirm: str) -> None:
    """The confirmation page of `act`: its question, the warning button that says the act, the
    `confirm` it posts back, and Avbryt."""
    assert response.status_code == 200
    assert response.templates[0].name == "confirm.html"
    html = response.content.decode()
    assert f"<h1>{act}?</h1>" in html
    assert re.search(rf'<button type="submit" class="button warning">\s*{act}\s*</button>', html)
    assert f'name="confirm" value="{confirm}"' in html
    assert re.search(r'<a class="button secondary" href="[^"]+">Avbryt</a>', html)
    assert '<section class="confirm"' in html


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---- The final report ----


def test_issuing_the_final_report_is_confirmed_first_and_lists_what_it_changes(
    client: Client, review: Review, people: People
) -> None:
    move = reverse("reviews:move", args=[review.pk])
    client.force_login(people.kansli)
    response = client.post(move, {"to": "slutrapport"})
    assert_confirmation(response, "Utfärda slutrapporten", "faktagranskning")
    due = months_after(timezone.localdate(), 3).isoformat()
    assert changes(response) == [
        "Slutrapporten utfärdas som version 1.",
        "Slutrapporten publiceras bland de publicerade rapporterna.",
        "Fynd, graderingar och texter blir slutrapportens och kan inte längre ändras.",
        "Faktagranskningen avslutas: verksamheten kan inte längre kommentera utkastet.",
        "Område D, E och H har gradering D: granskningen går vidare till handlingsplan, som "
        f"verksamheten ska lämna senast {due}.",
    ]
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING  # shown, not acted
    assert not FinalReport.objects.filter(review=review).exists()

    response = client.post(move, {"to": "slutrapport", "confirm": "faktagranskning"}, follow=True)
    review.refresh_from_db()
    assert review.status == Status.HANDLINGSPLAN
    assert FinalReport.objects.filter(review=review).count() == 1
    # The state it is actually in: the D took it on to the action plan.
    assert messages_of(response) == [
        "Slutrapporten är utfärdad. Granskningen är nu i handlingsplanskedet. Verksamheten ska "
        f"lämna sin handlingsplan senast {due}."
    ]


def test_a_final_report_without_a_d_and_not_published_says_so(
    client: Client, protocol: ProtocolVersion, people: People
) -> None:
    review = graded_review(protocol, {})
    review_booking_change(
        by=kansli_user(), review=review, visit_date=review.visit_date, publish_report=False
    )
    client.force_login(people.kansli)
    move = reverse("reviews:move", args=[review.pk])
    listed = changes(client.post(move, {"to": "slutrapport"}))
    assert "Slutrapporten publiceras inte (enligt bokningen)." in listed
    assert not [line for line in listed if "gradering D" in line]
    response = client.post(move, {"to": "slutrapport", "confirm": "faktagranskning"}, follow=True)
    assert messages_of(response) == [
        "Slutrapporten är utfärdad. Granskningen är nu i slutrapportskedet."
    ]


def test_a_confirmation_from_a_status_the_review_has_left_changes_nothing(
    client: Client, review: Review, people: People
) -> None:
    client.force_login(people.kansli)
    response = client.post(
        reverse("reviews:move", args=[review.pk]),
        {"to": "slutrapport", "confirm": "utkast"},
        follow=True,
    )
    assert messages_of(response) == [
        "Granskningen hann ändras medan du bekräftade; inget ändrades. Granskningen är nu i "
        "faktagranskning."
    ]
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING
    assert not FinalReport.objects.filter(review=review).exists()


def test_a_move_that_cannot_be_made_shows_no_confirmation_but_why(
    client: Client, review: Review, people: People
) -> None:
    draft_comment_add(review=review, by=people.contact, section="summary", text="Fel antal.")
    client.force_login(people.kansli)
    response = client.post(
        reverse("reviews:move", args=[review.pk]), {"to": "slutrapport"}, follow=True
    )
    assert response.templates[0].name != "confirm.html"
    assert messages_of(response) == ["Verksamhetens kommentar till utkastet är inte besvarad ännu."]
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING


def test_whoever_may_not_make_a_move_gets_no_confirmation_of_it(
    client: Client, review: Review, people: People
) -> None:
    client.force_login(people.inspector)  # the final report is the kansli's
    assert (
        client.post(reverse("reviews:move", args=[review.pk]), {"to": "slutrapport"}).status_code
        == 403
    )
    client.force_login(people.contact)
    assert (
        client.post(reverse("reviews:move", args=[review.pk]), {"to": "utkast"}).status_code == 403
    )


# ---- Moving back ----


def test_taking_the_draft_back_from_the_unit_lists_what_is_undone(
    client: Client, review: Review, people: People
) -> None:
    draft_comment_add(review=review, by=people.contact, section="summary", text="Fel antal.")
    move = reverse("reviews:move", args=[review.pk])
    client.force_login(people.inspector)
    response = client.post(move, {"to": "utkast"})
    assert_confirmation(response, "Återför till utkast", "faktagranskning")
    assert changes(response) == [
        "Utkastet tas tillbaka från verksamheten: den kan inte läsa eller kommentera det förrän "
        "utkastet skickas till faktagranskning igen.",
        "Verksamhetens kommentar till utkastet finns kvar.",
        "Inget som inspektörerna har skrivit tas bort: fynd, graderingar och texter finns kvar.",
    ]
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING

    response = client.post(move, {"to": "utkast", "confirm": "faktagranskning"}, follow=True)
    review.refresh_from_db()
    assert review.status == Status.UTKAST
    assert messages_of(response) == ["Granskningen är nu i utkastskedet."]


def test_moving_the_draft_back_to_the_visit_is_confirmed(
    client: Client, protocol: ProtocolVersion, people: People
) -> None:
    review = review_at(Status.UTKAST, protocol, unit=UnitFactory(), inspectors=[people.inspector])
    move = reverse("reviews:move", args=[review.pk])
    client.force_login(people.inspector)
    response = client.post(move, {"to": "besok"})
    assert_confirmation(response, "Återför till besök", "utkast")
    assert changes(response) == [
        "Utkastskedet avbryts: granskningen är tillbaka i besöksskedet.",
        "Inget som inspektörerna har skrivit tas bort: fynd, graderingar och texter finns kvar.",
    ]
    response = client.post(move, {"to": "besok", "confirm": "utkast"}, follow=True)
    review.refresh_from_db()
    assert review.status == Status.BESOK
    assert messages_of(response) == ["Granskningen är nu i besöksskedet."]


# ---- The visit before its date, and the moves that need no confirmation ----


def test_the_visit_before_its_date_asks_for_confirmation_and_on_the_day_does_not(
    client: Client, protocol: ProtocolVersion, people: People
) -> None:
    review = review_at(Status.FORBEREDELSE, protocol, unit=UnitFactory())  # visit 2026-10-08
    assert review.visit_date == VISIT
    move = reverse("reviews:move", args=[review.pk])
    client.force_login(people.kansli)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=TZ), tick=False):
        option = next(o for o in review_moves(review, people.kansli) if o.target == "besok")
        assert option.confirms
        response = client.post(move, {"to": "besok"})
        assert_confirmation(response, "Påbörja besöket", "forberedelse")
        assert changes(response) == [
            "Besöksdatumet 2026-10-08 har inte kommit än; granskningen går ändå till "
            "besöksskedet nu."
        ]
        review.refresh_from_db()
        assert review.status == Status.FORBEREDELSE
        response = client.post(move, {"to": "besok", "confirm": "forberedelse"}, follow=True)
        review.refresh_from_db()
        assert review.status == Status.BESOK
        assert messages_of(response) == ["Granskningen är nu i besöksskedet."]

    other = review_at(Status.FORBEREDELSE, protocol, unit=UnitFactory())
    with time_machine.travel(datetime.datetime(2026, 10, 8, 9, tzinfo=TZ), tick=False):
        assert not next(
            o for o in review_moves(other, people.kansli) if o.target == "besok"
        ).confirms
        response = client.post(reverse("reviews:move", args=[other.pk]), {"to": "besok"})
        assert response.status_code == 302  # on the day: made at once
    other.refresh_from_db()
    assert other.status == Status.BESOK


def test_sending_the_draft_to_the_fact_check_acts_at_once_and_says_where_it_is(
    client: Client, protocol: ProtocolVersion, people: People
) -> None:
    review = graded_review(protocol, {}, status=Status.UTKAST, inspectors=(people.inspector,))
    client.force_login(people.inspector)
    response = client.post(
        reverse("reviews:move", args=[review.pk]), {"to": "faktagranskning"}, follow=True
    )
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING
    assert messages_of(response) == ["Granskningen är nu i faktagranskning."]


# ---- The buttons on the review page ----


def test_each_move_says_its_act_and_one_not_possible_is_disabled_with_the_reason(
    client: Client, protocol: ProtocolVersion, people: People
) -> None:
    booked = review_at(Status.BOKAD, protocol, unit=UnitFactory())
    client.force_login(people.kansli)
    html = client.get(reverse("reviews:detail", args=[booked.pk])).content.decode()
    assert re.search(
        r'<button type="submit" class="button" disabled '
        r'aria-describedby="move-forberedelse-problems">Påbörja förberedelsen</button>',
        html,
    )
    reason = re.search(r'<div class="hint" id="move-forberedelse-problems">(.*?)</div>', html, re.S)
    assert reason
    assert "Två inspektörer måste vara tilldelade (nu 0)." in reason.group(1)
    assert "Till:" not in html

    draft = graded_review(protocol, {}, status=Status.UTKAST, inspectors=(people.inspector,))
    client.force_login(people.inspector)
    html = client.get(reverse("reviews:detail", args=[draft.pk])).content.decode()
    assert '<button type="submit" class="button">Skicka till faktagranskning</button>' in html
    assert re.search(
        r'<button type="submit" class="button secondary" '
        r'aria-describedby="move-besok-hint">Återför till besök</button>',
        html,
    )
    assert 'id="move-besok-hint"' in html


def test_the_moves_are_labelled_by_their_act_from_every_state(
    protocol: ProtocolVersion, people: People
) -> None:
    labels: dict[tuple[Status, str], str] = {}
    for status in (Status.UTKAST, Status.FAKTAGRANSKNING):
        review = graded_review(protocol, {}, status=status)
        labels |= {
            (status, option.target): option.label for option in review_moves(review, people.kansli)
        }
    at_report = graded_review(protocol, {}, status=Status.SLUTRAPPORT)
    labels |= {
        (Status.SLUTRAPPORT, o.target): o.label for o in review_moves(at_report, people.kansli)
    }
    assert labels == {
        (Status.UTKAST, "faktagranskning"): "Skicka till faktagranskning",
        (Status.UTKAST, "besok"): "Återför till besök",
        (Status.FAKTAGRANSKNING, "slutrapport"): "Utfärda slutrapporten",
        (Status.FAKTAGRANSKNING, "utkast"): "Återför till utkast",
        (Status.SLUTRAPPORT, "avslutad"): "Avsluta granskningen",
    }


def test_the_final_report_button_is_disabled_while_comments_wait_for_an_answer(
    client: Client, review: Review, people: People
) -> None:
    draft_comment_add(review=review, by=people.contact, section="summary", text="Fel antal.")
    client.force_login(people.kansli)
    html = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert re.search(
        r'<button type="submit" class="button" disabled '
        r'aria-describedby="move-slutrapport-problems">Utfärda slutrapporten</button>',
        html,
    )
    assert "Verksamhetens kommentar till utkastet är inte besvarad ännu." in html


# ---- Accepting the plan ----


@pytest.fixture
def submitted(plan: ActionPlan, people: People) -> ActionPlan:
    return plan_written(plan.review, by=people.contact)


def test_accepting_the_plan_is_confirmed_first_with_the_grades_it_adjusts(
    client: Client, submitted: ActionPlan, people: People
) -> None:
    decide = reverse("actionplans:decide", args=[submitted.review_id])
    client.force_login(people.inspector)
    response = client.post(decide, {"decision": "accept", "comment": ""})
    assert_confirmation(response, "Godkänn handlingsplanen", str(submitted.version))
    assert changes(response) == [
        "D → C i område D, E och H",
        "Handlingsplanen godkänns: verksamheten kan inte längre ändra den, och varje åtgärd följs "
        "upp.",
        "Granskningen går vidare till uppföljning.",
        "Slutrapporten utfärdas på nytt som version 2 och ersätter version 1.",
        "Den publicerade rapporten ersätts av den nya versionen.",
        "Slutrapporten visar de justerade graderingarna, med anmärkningen, och den godkända "
        "handlingsplanen.",
    ]
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.INLAMNAD  # shown, not acted
    assert (
        not AreaGrade.objects.filter(assessment__review=submitted.review)
        .exclude(adjusted_grade="")
        .exists()
    )

    response = client.post(
        decide, {"decision": "accept", "confirm": str(submitted.version)}, follow=True
    )
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.GODKAND
    review = Review.objects.get(pk=submitted.review_id)
    assert review.status == Status.UPPFOLJNING
    assert FinalReport.objects.filter(review=review).count() == 2
    adjusted = AreaGrade.objects.filter(assessment__review=review).exclude(adjusted_grade="")
    assert sorted(adjusted.values_list("assessment__area__code", "grade", "adjusted_grade")) == [
        ("D", "D", "C"),
        ("E", "D", "C"),
        ("H", "D", "C"),
    ]
    assert messages_of(response) == [
        "Handlingsplanen är godkänd; graderingarna är justerade och slutrapporten är utfärdad "
        "på nytt. Granskningen är nu i uppföljning."
    ]


def test_a_stale_confirmation_of_the_plan_decides_nothing(
    client: Client, submitted: ActionPlan, people: People
) -> None:
    client.force_login(people.inspector)
    response = client.post(
        reverse("actionplans:decide", args=[submitted.review_id]),
        {"decision": "accept", "confirm": str(submitted.version - 1)},
        follow=True,
    )
    assert messages_of(response) == [
        "Handlingsplanen hann ändras medan du bekräftade; inget beslutades."
    ]
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.INLAMNAD


def test_a_plan_that_cannot_be_accepted_gets_no_confirmation(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.inspector)
    decide = reverse("actionplans:decide", args=[plan.review_id])
    response = client.post(decide, {"decision": "accept"}, follow=True)  # not submitted
    assert response.templates[0].name != "confirm.html"
    assert "Bara en inlämnad plan" in text(response)
    client.force_login(people.contact)
    plan_written(plan.review, by=people.contact)
    assert client.post(decide, {"decision": "accept"}).status_code == 403


def test_the_grade_changes_name_each_area_its_scale_and_a_regulation_of_two(
    protocol: ProtocolVersion,
) -> None:
    # A1 (A/B/D: D → B); D7 (both regulations); E5, a föreskrift of HSLF-FS 2021:8 only.
    deviations: dict[str, str] = {
        "A1": Outcome.EJ_UPPFYLLT,
        "D7": Outcome.DELVIS,
        "E5": Outcome.EJ_UPPFYLLT,
    }
    review = graded_review(
        protocol,
        deviations,
        regulations=BOTH,
        status=Status.HANDLINGSPLAN,
        inspectors=(UserFactory(role=Role.INSPEKTOR),),
    )
    assert plan_grade_changes(review) == [
        "D → B i område A",
        "D → C i område D",
        "D → C i område E (HSLF-FS 2021:8)",
    ]
    plan_accept(plan=plan_written(review), by=kansli_user())
    adjusted = AreaGrade.objects.filter(assessment__review=review).exclude(adjusted_grade="")
    assert sorted(
        adjusted.values_list("assessment__area__code", "regulation", "adjusted_grade")
    ) == [
        ("A", "HSLF-FS 2021:8", "B"),
        ("A", "SOSFS 2015:8", "B"),
        ("D", "HSLF-FS 2021:8", "C"),
        ("D", "SOSFS 2015:8", "C"),
        ("E", "HSLF-FS 2021:8", "C"),
    ]
