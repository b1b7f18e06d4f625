"""Reads of reviews: who may see which, and a review laid out area by area."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from granska.accounts.models import Role, User
from granska.catalog.models import Area, Criterion, Level, Regulation
from granska.catalog.selectors import protocol_areas
from granska.grading import Suggestion
from granska.reviews.models import AreaAssessment, AreaGrade, Finding, Review
from granska.reviews.suggestions import area_suggestions, suggestion_texts


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """The reviews `user` may read: all for the kansli and observers, assigned ones for an
    inspector, the own unit's for a unit's contact, none for anyone else."""
    reviews = Review.objects.all()
    if user.is_superuser or user.role in (Role.KANSLI, Role.OBSERVATOR):
        return reviews
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
    level_labels = dict(Level.choices)
    areas: list[AreaView] = []
    for area in protocol_areas(review.protocol):
        in_scope = [c for c in area.criteria.all() if any(c.applies_to(r) for r in regulations)]
        groups = []
        for level in Level.values:
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
                groups.append(LevelGroup(level=level, label=str(level_labels[level]), rows=rows))
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
