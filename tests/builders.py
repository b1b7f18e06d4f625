"""Reviews in any state for the tests, reached as Granska reaches them: booked through the
services, then moved through the lifecycle's moves (`review_create` books only; nothing sets a
status directly)."""

import datetime
from collections.abc import Iterable

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionPlan, Decision, FollowUp, PlanStatus
from granska.actionplans.services import ItemInput, followup_report, plan_save
from granska.catalog.models import ProtocolVersion
from granska.catalog.selectors import protocol_areas
from granska.demo.reviews import _assess_area
from granska.demo.scenarios import DemoReview
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status
from granska.reviews.models import Review, Specialty, Unit
from granska.reviews.services import inspector_assign, review_booking_change, review_create
from granska.workflow.facts import review_ungraded
from granska.workflow.moves import review_move
from granska.workflow.plans import followup_decide, plan_accept
from tests.factories import UnitFactory, UserFactory

BOTH = ("SOSFS 2015:8", "HSLF-FS 2021:8")
VISIT = datetime.date(2026, 10, 8)


def kansli_user() -> User:
    """The kansli that books and moves the builders' reviews (one per test database)."""
    user, _created = User.objects.get_or_create(
        email="bokning@kansliet.test",
        defaults={"full_name": "Kansliets bokning", "role": Role.KANSLI},
    )
    return user


def review_booked(
    protocol: ProtocolVersion,
    *,
    unit: Unit | None = None,
    regulations: tuple[str, ...] = BOTH,
    visit_date: datetime.date | None = VISIT,
    specialty: Specialty | None = None,
    inspectors: Iterable[User] = (),
) -> Review:
    """A booked review, with the given inspectors assigned."""
    review = review_create(
        by=kansli_user(),
        unit=unit or UnitFactory(),
        protocol=protocol,
        regulations=regulations,
        visit_date=visit_date,
        specialty=specialty,
    )
    for inspector in inspectors:
        inspector_assign(by=kansli_user(), review=review, inspector=inspector)
    return review


def assess(
    review: Review,
    deviations: dict[str, str] | None = None,
    *,
    graded: bool = True,
    only: Iterable[str] | None = None,
) -> None:
    """Every area (or those `only` names) assessed by the review's first inspector: each
    criterion uppfyllt unless `deviations` says otherwise, and (with `graded`) graded as the
    findings suggest."""
    plan = DemoReview(
        unit=review.unit.name,
        regulations=review.regulations,
        status=Status.UTKAST,
        visit=review.visit_date,
        inspectors=(),
        deviations=deviations or {},
        graded=graded,
    )
    for area in protocol_areas(review.protocol):
        if only is None or area.code in only:
            _assess_area(review, area, plan)


def assessor(review: Review) -> User:
    """An inspector assigned to `review`, who sets its findings, narratives and grades (the
    kansli sets none): its first, or a new one assigned when it has none."""
    assignment = review.assignments.select_related("inspector").order_by("pk").first()
    if assignment is not None:
        return assignment.inspector
    inspector = UserFactory(role=Role.INSPEKTOR)
    inspector_assign(by=kansli_user(), review=review, inspector=inspector)
    return inspector


def inspectors_complete(review: Review) -> None:
    """Two inspectors on the review: those assigned, and new ones for the places left."""
    while review.assignments.count() < 2:
        inspector = UserFactory(role=Role.INSPEKTOR)
        inspector_assign(by=kansli_user(), review=review, inspector=inspector)


def walk(review: Review, target: str, *, by: User | None = None) -> Review:
    """Moves `review` forward, one move at a time, until it is at `target`; what a move needs
    and is missing is supplied first (two inspectors, a visit date, grades from findings all
    met, a complete plan submitted and accepted, every action reported and confirmed). A review
    at slutrapport with a D goes on to handlingsplan by itself; one without a D is closed."""
    by = by or kansli_user()
    order = list(Status)
    while order.index(Status(review.status)) < order.index(Status(target)):
        if review.status == Status.SLUTRAPPORT:
            review = review_move(review=review, target=Status.AVSLUTAD, by=by)
            continue
        if review.status in (Status.HANDLINGSPLAN, Status.UPPFOLJNING):
            _plan_through(review, by=kansli_user())
            review.refresh_from_db()
            continue
        following = order[order.index(Status(review.status)) + 1]
        if following == Status.FORBEREDELSE:
            inspectors_complete(review)
        if following == Status.BESOK and review.visit_date is None:
            review_booking_change(
                by=kansli_user(),
                review=review,
                visit_date=VISIT,
                publish_report=review.publish_report,
            )
        if following == Status.FAKTAGRANSKNING and (missing := review_ungraded(review)):
            # Only the areas still without a grade: what a test wrote stays as written.
            assess(review, only={entry.split(" ")[0] for entry in missing})
        review = review_move(review=review, target=following, by=by)
        review.refresh_from_db()
    assert review.status == target, f"the review went on to {review.status}, not {target}"
    return review


def review_at(
    status: str,
    protocol: ProtocolVersion,
    *,
    unit: Unit | None = None,
    regulations: tuple[str, ...] = BOTH,
    visit_date: datetime.date | None = VISIT,
    inspectors: Iterable[User] = (),
    deviations: dict[str, str] | None = None,
) -> Review:
    """A review in `status`, reached by its moves. With `deviations` every area is assessed
    first (and graded as the findings suggest), so a D among them leads to the handlingsplan;
    a state of the plan (handlingsplan, uppföljning) without them gets a D in E (E4 not met)."""
    if deviations is None and status in (Status.HANDLINGSPLAN, Status.UPPFOLJNING):
        deviations = {"E4": Outcome.EJ_UPPFYLLT}
    review = review_booked(
        protocol, unit=unit, regulations=regulations, visit_date=visit_date, inspectors=inspectors
    )
    if deviations is not None:
        inspectors_complete(review)
        assess(review, deviations)
    return walk(review, status)


COMPLETE_ITEM = ItemInput(
    action="Handledarutbildning för alla handledare under våren.",
    completion="2027-06-30",
    responsible="Studierektor",
    followup="2027-09-01",
    followup_responsible="Verksamhetschef",
)


def plan_written(review: Review, *, submit: bool = True, by: User | None = None) -> ActionPlan:
    """The review's handlingsplan with every item complete, saved (and submitted)."""
    plan = ActionPlan.objects.get(review=review)
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), COMPLETE_ITEM)
    return plan_save(
        plan=plan, version=plan.version, items=items, by=by or kansli_user(), submit=submit
    )


def _plan_through(review: Review, *, by: User) -> None:
    """One step on from handlingsplan (the plan accepted) or uppföljning (every action
    reported and confirmed)."""
    plan = ActionPlan.objects.get(review=review)
    if review.status == Status.HANDLINGSPLAN:
        if plan.status != PlanStatus.INLAMNAD:
            plan = plan_written(review)
        plan_accept(plan=plan, by=by)
        return
    for item in plan.items.all():
        if item.followup == FollowUp.CONFIRMED:
            continue
        report = item.reports.filter(decision="").first() or followup_report(
            item=item, by=by, text="Genomfört enligt planen."
        )
        followup_decide(report=report, by=by, decision=Decision.CONFIRMED)
