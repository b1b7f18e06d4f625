"""Reads of reviews: who may see which, and a review laid out area by area."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from granska.accounts.models import Role, User
from granska.catalog.models import Area, Criterion
from granska.catalog.selectors import protocol_areas
from granska.catalog.suggestions import area_suggestions, suggestion_texts
from granska.choices import LEVEL_LABELS, OUTCOME_LABELS
from granska.grading import Suggestion
from granska.grading.vocabulary import Level, Outcome, Regulation
from granska.lifecycle import months_after
from granska.reviews.inputs import (
    AreaInput,
    SentFinding,
    SentGrade,
    errors_under,
    finding_key,
    grade_key,
)
from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Finding,
    ObserverScope,
    Review,
    Unit,
)


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
                errors=errors_under(errors, finding_key(criterion.code)),
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
                errors=errors_under(errors, grade_key(regulation)),
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


# How far ahead the kansli's overview looks for units due for a new review.
NEW_REVIEW_HORIZON_DAYS = 365


def next_review_due(issued: datetime.date) -> datetime.date:
    """The day a unit is due for a new review: five years after the final report of `issued`."""
    return months_after(issued, 12 * settings.GRANSKA_REVIEW_INTERVAL_YEARS)


def review_next_due(review: Review) -> datetime.date | None:
    """The day the unit is due for a new review after `review`, once its report is final."""
    issued = review.final_report_date
    return next_review_due(issued) if issued else None


def reviews_due_again(today: datetime.date) -> list[tuple[Review, datetime.date]]:
    """Each unit's latest review, when it has a final report and the new review falls due
    within a year (or already has); a unit whose latest review is under way is not due."""
    horizon = today + datetime.timedelta(days=NEW_REVIEW_HORIZON_DAYS)
    latest = Review.objects.filter(unit=OuterRef("unit")).order_by("-created_at", "-pk")
    reviews = Review.objects.filter(
        pk=Subquery(latest.values("pk")[:1]), final_report_date__isnull=False
    ).select_related("unit", "specialty")
    due = [
        (review, day) for review in reviews if (day := review_next_due(review)) and day <= horizon
    ]
    return sorted(due, key=lambda pair: pair[1])


def unit_next_reviews(unit: Unit) -> list[tuple[Review, datetime.date]]:
    """When the unit is due for a new review: after its latest review, once that has a final
    report. A review followed by a newer one is done with, and so is its date; while the newer
    one is under way the unit is not due."""
    latest = Review.objects.filter(unit=unit).order_by("-created_at", "-pk").first()
    if latest is None or (day := review_next_due(latest)) is None:
        return []
    return [(latest, day)]
