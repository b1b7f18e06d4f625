"""Reads of reviews: who may see which, and a review laid out area by area."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionItem, ActionPlan, FollowUp, FollowUpReport, PlanStatus
from granska.catalog.models import Area, Criterion
from granska.catalog.selectors import protocol_areas
from granska.choices import LEVEL_LABELS, OUTCOME_LABELS
from granska.grading import Suggestion
from granska.grading.vocabulary import Grade, Level, Outcome, Regulation
from granska.reports.models import DraftComment
from granska.reviews.forms import AreaInput, SentFinding, SentGrade
from granska.reviews.lifecycle import INSPECTOR_MOVES, ReviewFacts, move_problems, next_steps
from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Finding,
    ObserverScope,
    Review,
    Status,
)
from granska.reviews.suggestions import area_suggestions, suggestion_texts


def observer_scope_filter(user: User) -> Q:
    """The reviews within the observer's scopes; none when they have no scope."""
    allowed = Q(pk__in=[])
    for scope in ObserverScope.objects.filter(observer=user):
        condition = Q()
        if scope.specialty_id:
            condition &= Q(specialty_id=scope.specialty_id)
        if scope.region_id:
            condition &= Q(unit__region_id=scope.region_id)
        allowed |= condition
    return allowed


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """The reviews `user` may read: all for the kansli, those within their scopes for an
    observer, assigned ones for an inspector, the own unit's for a unit's contact, none for
    anyone else."""
    reviews = Review.objects.all()
    if user.is_superuser or user.role == Role.KANSLI:
        return reviews
    if user.role == Role.OBSERVATOR:
        return reviews.filter(observer_scope_filter(user))
    if user.role == Role.INSPEKTOR:
        return reviews.filter(assignments__inspector=user)
    if user.role == Role.VERKSAMHET:
        return reviews.filter(unit__members=user)
    return reviews.none()


def review_list(
    user: User,
    *,
    status: str = "",
    specialty_id: int | None = None,
    region_id: int | None = None,
) -> QuerySet[Review]:
    reviews = reviews_visible_to(user)
    filters = Q()
    if status:
        filters &= Q(status=status)
    if specialty_id:
        filters &= Q(specialty_id=specialty_id)
    if region_id:
        filters &= Q(unit__region_id=region_id)
    return (
        reviews.filter(filters)
        .select_related("unit", "unit__region", "specialty", "protocol")
        .prefetch_related("inspectors")
        .order_by("-visit_date", "-pk")
    )


@dataclass
class CriterionRow:
    criterion: Criterion
    finding: Finding | None
    only_for_year: str | None  # "2015" or "2021" for criteria limited to one regulation


@dataclass
class LevelGroup:
    level: str
    label: str
    rows: list[CriterionRow]


@dataclass
class RegulationGrade:
    regulation: str
    year: str
    suggestion: Suggestion
    reasons: list[str]
    grade: AreaGrade | None


@dataclass
class AreaView:
    area: Area
    groups: list[LevelGroup]
    narrative: str
    grades: list[RegulationGrade] = field(default_factory=list)


@dataclass
class ReviewOverview:
    review: Review
    areas: list[AreaView]


def review_overview(review: Review) -> ReviewOverview:
    """Every area of `review` with its criteria grouped by level, the findings, and the
    suggested and set grade per regulation in scope; a fixed number of queries."""
    regulations = review.regulations
    findings = {
        f.criterion_id: f for f in Finding.objects.filter(review=review).select_related("criterion")
    }
    assessments = {
        a.area_id: a
        for a in AreaAssessment.objects.filter(review=review).prefetch_related(
            Prefetch("grades", queryset=AreaGrade.objects.order_by("regulation"))
        )
    }
    areas: list[AreaView] = []
    for area in protocol_areas(review.protocol):
        in_scope = [c for c in area.criteria.all() if any(c.applies_to(r) for r in regulations)]
        groups = []
        for level in Level:
            rows = [
                CriterionRow(
                    criterion=c,
                    finding=findings.get(c.pk),
                    only_for_year=_year(c.only_for(regulations)),
                )
                for c in in_scope
                if c.level == level
            ]
            if rows:
                groups.append(LevelGroup(level=level, label=str(LEVEL_LABELS[level]), rows=rows))
        outcomes = {c.code: findings[c.pk].outcome for c in in_scope if c.pk in findings}
        suggestions = area_suggestions(
            area,
            list(area.criteria.all()),
            outcomes,
            regulations,
            max_ki_exceptions=review.protocol.max_ki_exceptions,
        )
        assessment = assessments.get(area.pk)
        set_grades = {g.regulation: g for g in assessment.grades.all()} if assessment else {}
        areas.append(
            AreaView(
                area=area,
                groups=groups,
                narrative=assessment.narrative if assessment else "",
                grades=[
                    RegulationGrade(
                        regulation=regulation,
                        year=Regulation(regulation).year,
                        suggestion=suggestions[regulation],
                        reasons=suggestion_texts(suggestions[regulation]),
                        grade=set_grades.get(regulation),
                    )
                    for regulation in regulations
                ],
            )
        )
    return ReviewOverview(review=review, areas=areas)


def _year(regulation: str | None) -> str | None:
    return Regulation(regulation).year if regulation else None


def review_facts(review: Review) -> ReviewFacts:
    """What the lifecycle rules need to know about `review`."""
    graded = set(
        AreaGrade.objects.filter(assessment__review=review).values_list(
            "assessment__area__code", "regulation"
        )
    )
    ungraded = tuple(
        f"{code} ({regulation})"
        for code in review.protocol.areas.order_by("position").values_list("code", flat=True)
        for regulation in review.regulations
        if (code, regulation) not in graded
    )
    return ReviewFacts(
        status=review.status,
        inspector_count=review.assignments.count(),
        has_visit_date=review.visit_date is not None,
        ungraded=ungraded,
        has_d=AreaGrade.objects.filter(assessment__review=review, grade=Grade.D).exists(),
        unanswered_comments=DraftComment.objects.filter(
            review=review, answered_at__isnull=True
        ).count(),
    )


@dataclass
class FindingRow:
    """One criterion on the assessment page: the value shown and the value saved."""

    criterion: Criterion
    only_for_year: str | None
    value: tuple[str, str, str]  # outcome, note, source as shown in the form
    saved: tuple[str, str, str]  # as saved (differs from value after a conflict or an error)
    errors: list[str]

    @property
    def saved_outcome_label(self) -> str:
        """The saved finding in words ("delvis uppfyllt"), not its stored value ("delvis")."""
        return str(OUTCOME_LABELS[Outcome(self.saved[0])]) if self.saved[0] in Outcome else ""


@dataclass
class GradeRow:
    regulation: str
    year: str
    suggestion: Suggestion
    reasons: list[str]
    value: tuple[str, str]  # grade, reason as shown
    saved: tuple[str, str]
    errors: list[str]


@dataclass
class AreaWorkspace:
    review: Review
    area: Area
    areas: list[Area]
    groups: list[tuple[str, list[FindingRow]]]
    grades: list[GradeRow]
    narrative: str
    saved_narrative: str
    version: int


def area_workspace(
    review: Review,
    area: Area,
    *,
    submitted: AreaInput | None = None,
    errors: dict[str, list[str]] | None = None,
) -> AreaWorkspace:
    """The assessment page of one area: saved values, or the person's own where they submitted
    some (after a conflict or an error), with the suggestion those values give."""
    errors = errors or {}
    regulations = review.regulations
    areas = list(review.protocol.areas.order_by("position"))
    criteria = list(area.criteria.order_by("position"))
    in_scope = [c for c in criteria if any(c.applies_to(r) for r in regulations)]
    saved_findings = {
        f.criterion_id: (f.outcome, f.note, f.source)
        for f in Finding.objects.filter(review=review, criterion__area=area)
    }
    # Grades are read on their own, not prefetched, so that the number of queries is the same
    # whether or not the area has been assessed yet.
    assessment = AreaAssessment.objects.filter(review=review, area=area).first()
    saved_grades = {
        g.regulation: (g.grade, g.deviation_reason)
        for g in AreaGrade.objects.filter(assessment__review=review, assessment__area=area)
    }
    rows = []
    for criterion in in_scope:
        saved = saved_findings.get(criterion.pk, ("", "", ""))
        value = (
            _finding_shown(submitted.findings.get(criterion.code), saved) if submitted else saved
        )
        rows.append(
            FindingRow(
                criterion=criterion,
                only_for_year=_year(criterion.only_for(regulations)),
                value=value,
                saved=saved,
                errors=errors.get(f"finding-{criterion.code}", []),
            )
        )
    groups = [
        (str(LEVEL_LABELS[level]), [r for r in rows if r.criterion.level == level])
        for level in Level
        if any(r.criterion.level == level for r in rows)
    ]
    outcomes = {r.criterion.code: r.value[0] for r in rows if r.value[0] in Outcome}
    suggestions = area_suggestions(
        area, criteria, outcomes, regulations, max_ki_exceptions=review.protocol.max_ki_exceptions
    )
    grades = []
    for regulation in regulations:
        saved_grade = saved_grades.get(regulation, ("", ""))
        grades.append(
            GradeRow(
                regulation=regulation,
                year=Regulation(regulation).year,
                suggestion=suggestions[regulation],
                reasons=suggestion_texts(suggestions[regulation]),
                value=_grade_shown(submitted.grades.get(regulation), saved_grade)
                if submitted
                else saved_grade,
                saved=saved_grade,
                errors=errors.get(f"grade-{Regulation(regulation).year}", []),
            )
        )
    saved_narrative = assessment.narrative if assessment else ""
    return AreaWorkspace(
        review=review,
        area=area,
        areas=areas,
        groups=groups,
        grades=grades,
        narrative=submitted.narrative
        if submitted and submitted.narrative is not None
        else saved_narrative,
        saved_narrative=saved_narrative,
        version=assessment.version if assessment else 0,
    )


def _finding_shown(sent: SentFinding | None, saved: tuple[str, str, str]) -> tuple[str, str, str]:
    """A finding as the form shows it: each part as sent, the saved one where none was sent."""
    if sent is None:
        return saved
    outcome, note, source = (v if v is not None else s for v, s in zip(sent, saved, strict=True))
    return outcome, note, source


def _grade_shown(sent: SentGrade | None, saved: tuple[str, str]) -> tuple[str, str]:
    """A grade as the form shows it: each part as sent, the saved one where none was sent."""
    if sent is None:
        return saved
    grade, reason = (v if v is not None else s for v, s in zip(sent, saved, strict=True))
    return grade, reason


@dataclass(frozen=True)
class Move:
    target: str
    label: str
    problems: list[str]


def review_moves(review: Review, *, manages: bool) -> list[Move]:
    """The lifecycle moves the person may try from here, with what stands in each one's way."""
    facts = review_facts(review)
    return [
        Move(target=target, label=str(Status(target).label), problems=move_problems(facts, target))
        for target in next_steps(review.status)
        if manages or (review.status, target) in INSPECTOR_MOVES
    ]


@dataclass(frozen=True)
class MyReview:
    review: Review
    waiting: str  # what waits for this person, "" when nothing does


def my_reviews(user: User) -> list[MyReview]:
    """The person's reviews still running, each with what waits for them."""
    reviews = (
        reviews_visible_to(user)
        .exclude(status=Status.AVSLUTAD)
        .select_related("unit", "specialty", "action_plan")
        .prefetch_related("inspectors")
        .annotate(
            reports_to_confirm=_count(
                FollowUpReport.objects.filter(item__plan__review=OuterRef("pk"), decision="")
            ),
            actions_to_report=_count(
                ActionItem.objects.filter(
                    plan__review=OuterRef("pk"), followup__in=(FollowUp.OPEN, FollowUp.MORE)
                )
            ),
        )
        .order_by("visit_date", "pk")
    )
    manages = user.is_superuser or user.role == Role.KANSLI
    items = []
    for review in reviews:
        waiting = ""
        if manages:
            waiting = _kansli_waiting(review)
        elif user.role == Role.INSPEKTOR:
            waiting = _inspector_waiting(review)
        elif user.role == Role.VERKSAMHET:
            waiting = _unit_waiting(review)
        items.append(MyReview(review=review, waiting=waiting))
    return items


def _count(rows: QuerySet[Any]) -> Coalesce:
    """The number of `rows` (filtered on the outer review) as an annotation: one query in all."""
    counted = rows.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _plan_waiting(review: Review, *, decides: bool) -> str:
    """What the handlingsplan asks of the unit, or of those who decide on it (`my_reviews` reads
    the plan and its counts with the reviews)."""
    plan: ActionPlan | None = getattr(review, "action_plan", None)
    if plan is None:
        return ""
    if decides:
        if plan.status == PlanStatus.INLAMNAD:
            return str(_("Accept or return the submitted action plan."))
        waiting: int = getattr(review, "reports_to_confirm", 0)
        if waiting:
            return ngettext(
                "%(count)d follow-up report to confirm.",
                "%(count)d follow-up reports to confirm.",
                waiting,
            ) % {"count": waiting}
        return ""
    if plan.writable:
        return _("Submit the action plan by %(date)s.") % {"date": plan.due_date.isoformat()}
    if plan.status == PlanStatus.GODKAND:
        open_items: int = getattr(review, "actions_to_report", 0)
        if open_items:
            return ngettext(
                "Report the follow-up of %(count)d action.",
                "Report the follow-up of %(count)d actions.",
                open_items,
            ) % {"count": open_items}
    return ""


def _unit_waiting(review: Review) -> str:
    if review.status == Status.FAKTAGRANSKNING:
        return str(_("Check the draft for factual errors."))
    return _plan_waiting(review, decides=False)


def _kansli_waiting(review: Review) -> str:
    if review.status == Status.BOKAD:
        count = len(review.inspectors.all())
        if count < 2:
            return _("Assign inspectors (%(count)d of 2).") % {"count": count}
        return str(_("Open the preparation."))
    if review.status == Status.FAKTAGRANSKNING:
        return str(_("Issue the final report when the fact check is done."))
    return _plan_waiting(review, decides=True)


def _inspector_waiting(review: Review) -> str:
    if review.status in (Status.BESOK, Status.UTKAST):
        missing = len(review_facts(review).ungraded)
        if missing:
            return _("%(count)d grades to set.") % {"count": missing}
        return str(_("Move the draft on to the fact check."))
    if review.status == Status.FORBEREDELSE:
        return str(_("Prepare the visit."))
    if review.status == Status.FAKTAGRANSKNING:
        return str(_("Answer the unit's comments on the draft."))
    return _plan_waiting(review, decides=True)
