"""What each role sees on the review's pages, in each step of the review: the controls for working
on it, the inspectors' internal data, the forms for deciding, correcting and commenting.

One table per page: step → {role: the markers the page shows}, or the status code when the page
is refused. Every marker of the page that a role is not listed with must be absent, so a control
that leaks to a role (or disappears) fails. Who may open a page at all, for every URL and method:
tests/test_permissions.py.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionPlan, Decision
from granska.actionplans.services import followup_report, plan_save
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reports.services import draft_comment_add
from granska.reviews.models import ObserverScope, Review
from granska.workflow.moves import review_move
from granska.workflow.plans import followup_decide, plan_accept
from tests.builders import COMPLETE_ITEM
from tests.chain import DEVIATIONS, People, graded_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("kansli", "inspector", "unit", "observer")
Markers = Callable[[Review], str]

# The steps of a review, each reached through the services from a graded review. "slutrapport"
# is a final report without a D (no plan); the plan's steps are those of a report with a D.
STATES = (
    "bokad",
    "forberedelse",
    "besok",
    "utkast",
    "faktagranskning",
    "slutrapport",
    "handlingsplan",  # the unit writes its plan
    "handlingsplan-inlamnad",  # the plan is with the inspectors
    "uppfoljning",  # accepted; one action reported done, awaiting its confirmation
    "avslutad",  # every action confirmed
)
DRAFT_STATES = STATES[:5]
PLAN_STATES = STATES[6:]


def review_at(state: str, protocol: ProtocolVersion, people: People) -> Review:
    """A review in `state` with its inspector and its unit's contact. In faktagranskning the unit
    has commented on area A, and the comment waits for its answer."""
    start = state if state in DRAFT_STATES else Status.FAKTAGRANSKNING
    review = graded_review(
        protocol,
        {} if state == "slutrapport" else DEVIATIONS,
        status=start,
        inspectors=(people.inspector, UserFactory(role=Role.INSPEKTOR)),
    )
    review.unit.members.add(people.contact)
    if state == Status.FAKTAGRANSKNING:
        draft_comment_add(review=review, by=people.contact, section="A", text="Fel antal.")
    if state in DRAFT_STATES:
        return review
    review = review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    if state == "slutrapport":
        return review
    plan = ActionPlan.objects.get(review=review)
    if state == "handlingsplan":
        return review
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), COMPLETE_ITEM)
    plan = plan_save(plan=plan, version=plan.version, items=items, by=people.contact, submit=True)
    if state == "handlingsplan-inlamnad":
        return review
    plan = plan_accept(plan=plan, by=people.inspector)
    for item in plan.items.all():
        report = followup_report(item=item, by=people.contact, text="Rutinen är införd.")
        if state == "uppfoljning":
            break
        followup_decide(report=report, by=people.inspector, decision=Decision.CONFIRMED)
    return Review.objects.get(pk=review.pk)


@pytest.fixture
def users(people: People, review_specialty_observer: User) -> dict[str, User]:
    return {
        "kansli": people.kansli,
        "inspector": people.inspector,
        "unit": people.contact,
        "observer": review_specialty_observer,
    }


@pytest.fixture
def review_specialty_observer(db: None) -> User:
    """An observer of the specialty every review here has (the factories' one)."""
    from tests.factories import SpecialtyFactory

    observer = UserFactory(role=Role.OBSERVATOR)
    ObserverScope.objects.create(observer=observer, specialty=SpecialtyFactory())
    return observer


def action(name: str, *args: object) -> Markers:
    """A form that posts to the URL `name` of the review."""
    return lambda r: f'action="{reverse(name, args=[r.pk, *args])}"'


def html(text: str) -> Markers:
    return lambda r: text


def check(
    client: Client,
    page: Callable[[Review], str],
    markers: dict[str, Markers],
    expected: dict[str, int | set[str]],
    review: Review,
    users: dict[str, User],
    state: str,
) -> list[str]:
    """What differs from `expected` ({role: set of markers, or a status code}) on `page`."""
    wrong = []
    for role in ROLES:
        client.force_login(users[role])
        response = client.get(page(review))
        want = expected[role]
        if isinstance(want, int):
            if response.status_code != want:
                wrong.append(f"{state} as {role}: expected {want}, got {response.status_code}")
            continue
        if response.status_code != 200:
            wrong.append(f"{state} as {role}: expected 200, got {response.status_code}")
            continue
        body = response.content.decode()
        for name, marker in markers.items():
            shown = marker(review) in body
            if shown and name not in want:
                wrong.append(f"{state} as {role}: shows {name}")
            elif not shown and name in want:
                wrong.append(f"{state} as {role}: lacks {name}")
    return wrong


# ---- The review page (/granskningar/<id>/) -----------------------------------------------------
# The overview: where the review stands, what waits for whom, the grades as a grid, the ways to
# the areas, the report, the plan and the history. The findings, notes and texts themselves are
# on the area pages (below), never on the overview.
REVIEW_MARKERS: dict[str, Markers] = {
    "steps": html('<ol class="steps">'),
    # What waits for whom: the unit reads its own line; an observer none.
    "waiting": html('class="panel waiting"'),
    # "Work on the review": the moves and the history; for the kansli the booking and the
    # inspectors.
    "work": html('class="workflow panel"'),
    "assess": lambda r: f'href="{reverse("reviews:assessment", args=[r.pk, "A"])}"',
    "read-area": lambda r: f'href="{reverse("reviews:recorded-area", args=[r.pk, "A"])}"',
    "recorded": lambda r: f'href="{reverse("reviews:recorded", args=[r.pk])}"',
    "history": lambda r: f'href="{reverse("reviews:history", args=[r.pk])}"',
    "move": action("reviews:move"),
    "booking": lambda r: f'href="{reverse("reviews:booking-change", args=[r.pk])}"',
    # Assigning or removing an inspector: the forms post under the review's inspectors' URL.
    "assign": lambda r: f'action="{reverse("reviews:assign", args=[r.pk])}',
    # The inspectors' working material never reaches the overview, for anyone.
    "findings": html('<table class="criteria">'),
    "notes": html('class="source"'),
    # The grades per area and regulation, set by the inspectors.
    "grades": html('<table class="grade-grid">'),
    "report": lambda r: f'href="{reverse("reports:html", args=[r.pk])}"',
    "plan": lambda r: f'href="{reverse("actionplans:plan", args=[r.pk])}"',
}
INTERNAL = {"steps", "waiting", "work", "history", "grades", "recorded"}
KANSLI_WORK = INTERNAL | {"booking", "report"}
INSPECTOR_WORK = INTERNAL | {"report"}


def review_page_expected(state: str) -> dict[str, int | set[str]]:
    # Each area's page: for the inspectors the assessment while it is open, the assessment as
    # saved after; the kansli, who sets no findings or grades, reads it as saved.
    area = {"assess"} if state in DRAFT_STATES else {"read-area"}
    plan = {"plan"} if state in PLAN_STATES else set()
    kansli_moves = {"move"} if state in {*DRAFT_STATES, "slutrapport"} else set()
    inspector_moves = {"move"} if state in {"besok", "utkast", "faktagranskning"} else set()
    final = state not in DRAFT_STATES
    return {
        # The inspectors are assigned or removed until the final report names them.
        "kansli": KANSLI_WORK
        | {"read-area"}
        | plan
        | kansli_moves
        | (set() if final else {"assign"}),
        "inspector": INSPECTOR_WORK | area | plan | inspector_moves,
        # The unit reads the draft from the faktagranskning on, an observer the final report.
        "unit": {"steps", "waiting"}
        | plan
        | ({"report"} if final or state == "faktagranskning" else set()),
        "observer": {"steps"} | plan | ({"report"} if final else set()),
    }


@pytest.mark.parametrize("state", STATES)
def test_the_review_page_shows_each_role_its_controls(
    client: Client, protocol: ProtocolVersion, people: People, users: dict[str, User], state: str
) -> None:
    review = review_at(state, protocol, people)
    wrong = check(
        client,
        lambda r: reverse("reviews:detail", args=[r.pk]),
        REVIEW_MARKERS,
        review_page_expected(state),
        review,
        users,
        state,
    )
    assert not wrong, "\n".join(wrong)


# ---- The assessment of an area (/granskningar/<id>/omrade/A/) ----------------------------------
ASSESSMENT_MARKERS: dict[str, Markers] = {
    "form": html('<form method="post" class="assessment"'),
    "suggestions": html('id="suggestions"'),  # the Förslag: the suggested grades and why
    "notes": html('name="note-A1"'),  # the inspectors' notes on each finding
    "grade-set": html('id="grade-set-'),
}
ASSESSMENT_ALL = set(ASSESSMENT_MARKERS)


def assessment_expected(state: str) -> dict[str, int | set[str]]:
    # The inspectors' workspace: the kansli is sent to the area as saved (it sets no findings or
    # grades), the unit and the observers are refused; closed to everyone once the final report
    # is issued.
    if state not in DRAFT_STATES:
        return dict.fromkeys(ROLES, 403)
    return {"kansli": 302, "inspector": ASSESSMENT_ALL, "unit": 403, "observer": 403}


@pytest.mark.parametrize("state", STATES)
def test_the_assessment_page_is_the_inspectors(
    client: Client, protocol: ProtocolVersion, people: People, users: dict[str, User], state: str
) -> None:
    review = review_at(state, protocol, people)
    wrong = check(
        client,
        lambda r: reverse("reviews:assessment", args=[r.pk, "A"]),
        ASSESSMENT_MARKERS,
        assessment_expected(state),
        review,
        users,
        state,
    )
    assert not wrong, "\n".join(wrong)


# ---- The report (/granskningar/<id>/rapport/) --------------------------------------------------
REPORT_MARKERS: dict[str, Markers] = {
    "draft": html('class="report-draft"'),
    "versions": html('class="report-versions"'),
    "sha256": html("SHA-256 <code>"),
    # The correction starts on its confirmation page, where its reason is asked for.
    "reissue": lambda r: f'href="{reverse("reports:reissue", args=[r.pk])}"',
    # Every reader of the report may take it away as Word or as one HTML file.
    "word": lambda r: f'href="{reverse("reports:docx", args=[r.pk])}"',
    "standalone": lambda r: f'href="{reverse("reports:standalone", args=[r.pk])}"',
    "comments": html('class="draft-comments"'),
    "comment-form": action("reports:comment-add"),
    "answer-form": html('<textarea id="answer-'),
}


DOWNLOADS = {"word", "standalone"}


def report_expected(state: str) -> dict[str, int | set[str]]:
    if state in DRAFT_STATES:
        if state != "faktagranskning":
            # A draft: for those who work on the review.
            return {
                "kansli": {"draft", *DOWNLOADS},
                "inspector": {"draft", *DOWNLOADS},
                "unit": 403,
                "observer": 403,
            }
        # The unit comments (the kansli may for it); the inspectors and the kansli answer.
        thread = {"draft", "comments", "answer-form", *DOWNLOADS}
        return {
            "kansli": thread | {"comment-form"},
            "inspector": thread,
            "unit": {"draft", "comments", "comment-form", *DOWNLOADS},
            "observer": 403,
        }
    issued = {"versions", "sha256", *DOWNLOADS}
    return {
        "kansli": issued | {"reissue"},
        "inspector": issued,
        "unit": issued,
        "observer": issued,
    }


@pytest.mark.parametrize("state", STATES)
def test_the_report_page_shows_each_role_its_forms(
    client: Client, protocol: ProtocolVersion, people: People, users: dict[str, User], state: str
) -> None:
    review = review_at(state, protocol, people)
    wrong = check(
        client,
        lambda r: reverse("reports:html", args=[r.pk]),
        REPORT_MARKERS,
        report_expected(state),
        review,
        users,
        state,
    )
    assert not wrong, "\n".join(wrong)


# ---- The handlingsplan (/granskningar/<id>/handlingsplan/) ------------------------------------
PLAN_MARKERS: dict[str, Markers] = {
    "write": html('class="plan-form"'),
    "pending": html('class="plan-pending"'),  # the unit's draft is not shown to others
    "items": html('<article class="plan-item"'),
    "decide": html('class="decide-form"'),
    "report": html('class="report-form"'),
    "confirm": html('class="confirm-form"'),
    "calendar": action("actionplans:calendar-renew"),
}


def plan_expected(state: str) -> dict[str, int | set[str]]:
    if state not in PLAN_STATES:
        return dict.fromkeys(ROLES, 404)  # no plan yet (or none needed)
    if state == "handlingsplan":
        readers: set[str] = {"pending"}
        return {
            "kansli": {"write", "calendar"},
            "inspector": readers,
            "unit": {"write", "calendar"},
            "observer": readers,
        }
    if state == "handlingsplan-inlamnad":
        return {
            "kansli": {"items", "decide", "calendar"},
            "inspector": {"items", "decide"},
            "unit": {"items", "calendar"},
            "observer": {"items"},
        }
    waiting = {"confirm"} if state == "uppfoljning" else set()
    reporting = {"report"} if state == "uppfoljning" else set()
    return {
        "kansli": {"items", "calendar"} | waiting | reporting,
        "inspector": {"items"} | waiting,
        "unit": {"items", "calendar"} | reporting,
        "observer": {"items"},
    }


@pytest.mark.parametrize("state", STATES)
def test_the_plan_page_shows_each_role_its_forms(
    client: Client, protocol: ProtocolVersion, people: People, users: dict[str, User], state: str
) -> None:
    review = review_at(state, protocol, people)
    wrong = check(
        client,
        lambda r: reverse("actionplans:plan", args=[r.pk]),
        PLAN_MARKERS,
        plan_expected(state),
        review,
        users,
        state,
    )
    assert not wrong, "\n".join(wrong)
