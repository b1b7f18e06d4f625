"""Reads of reviews: who may see which, and a review laid out area by area."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from granska.accounts.models import Role, User
from granska.catalog.models import Area, Criterion
from granska.catalog.selectors import protocol_areas, protocol_areas_shared
from granska.catalog.suggestions import area_suggestions, suggestion_label, suggestion_texts
from granska.choices import LEVEL_LABELS, OUTCOME_LABELS
from granska.grading import Suggestion
from granska.grading.vocabulary import Level, Outcome, Regulation
from granska.lifecycle import REPORT_FINAL, Status, months_after
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
    Assignment,
    Finding,
    ObserverScope,
    Review,
    Unit,
)
from granska.reviews.search import Lowered, like_term


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


# The review list's columns, each sortable up and down: `sort="unit"` or `sort="-unit"`.
REVIEW_SORT_KEYS = (
    "unit",
    "specialty",
    "region",
    "visit_date",
    "regulations",
    "status",
    "inspectors",
)
REVIEW_SORT_DEFAULT = "-visit_date"


def review_sort_keys() -> list[str]:
    """Every sort the review list takes: each column, ascending and descending."""
    return [key for column in REVIEW_SORT_KEYS for key in (column, f"-{column}")]


def _review_sort_terms(column: str) -> list[Any]:
    """The expressions a column sorts by, ascending."""
    if column == "unit":
        return [Lowered("unit__name")]
    if column == "specialty":
        return [Lowered("specialty__name")]
    if column == "region":
        return [Lowered("unit__region__name")]
    if column == "visit_date":
        return [F("visit_date")]
    if column == "regulations":
        # As the column reads: "HSLF-FS 2021:8", "SOSFS 2015:8", "SOSFS 2015:8, HSLF-FS 2021:8".
        return [F("under_2015"), F("under_2021")]
    if column == "status":
        # In the lifecycle's order, not the alphabet's.
        return [
            Case(
                *(When(status=s.value, then=Value(i)) for i, s in enumerate(Status)),
                output_field=IntegerField(),
            )
        ]
    # inspectors: by the first of them in the alphabet.
    first = (
        Assignment.objects.filter(review=OuterRef("pk"))
        .annotate(key=Lowered("inspector__full_name"))
        .order_by("key")
        .values("key")[:1]
    )
    return [Subquery(first)]


def review_ordering(sort: str) -> list[OrderBy]:
    """The ORDER BY of `sort` (a column, "-" before it for descending; an unknown one is the
    default, newest visit first), empty values last either way, ties newest visit first."""
    if sort.removeprefix("-") not in REVIEW_SORT_KEYS:
        sort = REVIEW_SORT_DEFAULT
    descending = sort.startswith("-")
    terms = [
        term.desc(nulls_last=True) if descending else term.asc(nulls_last=True)
        for term in _review_sort_terms(sort.removeprefix("-"))
    ]
    return [*terms, F("visit_date").desc(nulls_last=True), F("pk").desc()]


def review_list(
    user: User,
    *,
    status: str = "",
    specialty_id: int | None = None,
    region_id: int | None = None,
    unit_search: str = "",
    sort: str = REVIEW_SORT_DEFAULT,
) -> QuerySet[Review]:
    """The reviews `user` may read, filtered, and the unit's name searched whatever its case
    (every letter, on SQLite as on PostgreSQL), in the order of `sort`."""
    reviews = reviews_visible_to(user)
    filters = Q()
    if status:
        filters &= Q(status=status)
    if specialty_id:
        filters &= Q(specialty_id=specialty_id)
    if region_id:
        filters &= Q(unit__region_id=region_id)
    if term := like_term(unit_search):
        reviews = reviews.alias(unit_lowered=Lowered("unit__name"))
        filters &= Q(unit_lowered__contains=term)
    return (
        reviews.filter(filters)
        .select_related("unit", "unit__region", "specialty", "protocol")
        .prefetch_related("inspectors")
        .order_by(*review_ordering(sort))
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
    suggestion: Suggestion  # its grade is None while nothing but ej relevant is found
    reasons: list[str]
    grade: AreaGrade | None
    label: str = ""  # the suggestion in words: "A", or "Inget förslag ännu (0 av 4 bedömda)"


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
                        label=suggestion_label(suggestions[regulation]),
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
    label: str  # the suggestion in words: "A", or "Inget förslag ännu (0 av 4 bedömda)"
    reasons: list[str]
    value: tuple[str, str]  # grade, reason as shown
    saved: tuple[str, str]
    errors: list[str]


@dataclass(frozen=True)
class AreaTab:
    """An area in the tabs of the assessment page: how far it is assessed, and its grades."""

    code: str
    title: str
    assessed: int  # criteria in scope with a finding (ej relevant included)
    total: int  # criteria in scope
    grades: tuple[str, ...]  # the grade set per regulation in scope, "" where none is


@dataclass
class AreaWorkspace:
    review: Review
    area: Area
    tabs: list[AreaTab]
    groups: list[tuple[str, list[FindingRow]]]
    grades: list[GradeRow]
    narrative: str
    saved_narrative: str
    version: int


def workspace_areas(review: Review) -> list[Area]:
    """The areas of the review's protocol in order, each with its criteria, for the assessment
    page's tabs and the area on it: read once per process (the catalog never changes)."""
    return protocol_areas_shared(review.protocol)


def area_workspace(
    review: Review,
    area: Area,
    *,
    areas: list[Area] | None = None,
    submitted: AreaInput | None = None,
    errors: dict[str, list[str]] | None = None,
    use_suggestion: str | None = None,
) -> AreaWorkspace:
    """The assessment page of one area: saved values, or the person's own where they submitted
    some (after a conflict or an error), with the suggestion those values give, and the tabs of
    every area. `areas` are `workspace_areas(review)`, `area` one of them. `use_suggestion` (a
    regulation) shows that grade set to the suggestion, as "Använd förslaget" asks without script.

    The same number of queries whatever the area's size and however much is assessed: the
    areas and their criteria, the review's findings, the area's assessment, the review's grades.
    """
    errors = errors or {}
    regulations = review.regulations
    areas = areas if areas is not None else workspace_areas(review)
    area = next((a for a in areas if a.pk == area.pk), area)
    criteria = list(area.criteria.all())
    in_scope = [c for c in criteria if any(c.applies_to(r) for r in regulations)]
    # Unordered (read into mappings): no ORDER BY to build or run.
    findings = Finding.objects.filter(review=review).order_by()
    saved_findings = {
        criterion_id: (outcome, note, source)
        for criterion_id, outcome, note, source in findings.values_list(
            "criterion_id", "outcome", "note", "source"
        )
    }
    assessment = next(
        iter(
            AreaAssessment.objects.filter(review=review, area=area)
            .order_by()
            .values_list("narrative", "version")
        ),
        None,
    )
    grades_set = AreaGrade.objects.filter(assessment__review=review).order_by()
    saved_grades: dict[tuple[int, str], tuple[str, str]] = {
        (area_id, regulation): (grade, reason)
        for area_id, regulation, grade, reason in grades_set.values_list(
            "assessment__area_id", "regulation", "grade", "deviation_reason"
        )
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
        suggestion = suggestions[regulation]
        saved_grade = saved_grades.get((area.pk, regulation), ("", ""))
        shown = saved_grade
        if submitted:
            shown = _grade_shown(submitted.grades.get(regulation), saved_grade)
        if use_suggestion == regulation and suggestion.grade is not None:
            shown = (str(suggestion.grade), shown[1])
        grades.append(
            GradeRow(
                regulation=regulation,
                year=Regulation(regulation).year,
                suggestion=suggestion,
                label=suggestion_label(suggestion),
                reasons=suggestion_texts(suggestion),
                value=shown,
                saved=saved_grade,
                errors=errors_under(errors, grade_key(regulation)),
            )
        )
    # The tabs tell what is saved; the suggestion above tells the form as it stands.
    tabs = []
    for each in areas:
        scope = [c.pk for c in each.criteria.all() if any(c.applies_to(r) for r in regulations)]
        tabs.append(
            AreaTab(
                code=each.code,
                title=each.title,
                assessed=sum(1 for pk in scope if saved_findings.get(pk, ("",))[0]),
                total=len(scope),
                grades=tuple(saved_grades.get((each.pk, r), ("", ""))[0] for r in regulations),
            )
        )
    saved_narrative, version = assessment if assessment else ("", 0)
    return AreaWorkspace(
        review=review,
        area=area,
        tabs=tabs,
        groups=groups,
        grades=grades,
        narrative=submitted.narrative
        if submitted and submitted.narrative is not None
        else saved_narrative,
        saved_narrative=saved_narrative,
        version=version,
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


def reviews_latest_first(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """`reviews` with a unit's latest first, by the reviews' dates, not by when their rows were
    made: a report imported today from years ago is not the latest. A review under way (its
    report not final) is the latest whatever its date; then the final reports by their date
    (the visit's when it has none), an undated one last."""
    return reviews.annotate(
        under_way=Case(
            When(status__in=list(REPORT_FINAL), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        dated=Coalesce("final_report_date", "visit_date"),
    ).order_by("-under_way", F("dated").desc(nulls_last=True), "-created_at", "-pk")


def reviews_due_again(today: datetime.date) -> list[tuple[Review, datetime.date]]:
    """Each unit's latest review, when it has a final report and the new review falls due
    within a year (or already has); a unit whose latest review is under way is not due."""
    horizon = today + datetime.timedelta(days=NEW_REVIEW_HORIZON_DAYS)
    latest = reviews_latest_first(Review.objects.filter(unit=OuterRef("unit")))
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
    latest = reviews_latest_first(Review.objects.filter(unit=unit)).first()
    if latest is None or (day := review_next_due(latest)) is None:
        return []
    return [(latest, day)]
