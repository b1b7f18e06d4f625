"""Where a review stands, for its overview: its steps through the lifecycle with their dates, and
its grades per area and regulation with how far each area is assessed.

Both are read in a fixed number of queries, whatever the size of the review, and as plain values
rather than model instances: the overview shows a line per step and a cell per grade, never the
findings themselves (those are on the area pages)."""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from granska.catalog.models import Criterion
from granska.choices import STATUS_LABELS
from granska.lifecycle import Status
from granska.reviews.models import AreaGrade, Finding, Review, StatusChange


class StepState(StrEnum):
    """How a step of the lifecycle stands for one review."""

    DONE = "done"
    CURRENT = "current"
    TODO = "todo"
    # Passed over: a final report without a D needs no handlingsplan and no follow-up.
    SKIPPED = "skipped"


STATE_TEXTS = {
    StepState.DONE: gettext_lazy("done"),
    StepState.CURRENT: gettext_lazy("now"),
    StepState.TODO: gettext_lazy("to come"),
    StepState.SKIPPED: gettext_lazy("not needed"),
}


@dataclass(frozen=True)
class Step:
    status: Status
    label: str
    state: StepState
    day: datetime.date | None  # the day the review entered the step (the latest time)
    planned: bool = False  # `day` is the day planned for the step (the visit), not yet reached

    @property
    def css(self) -> str:
        """The step indicator's class: a step passed over is not done, so it is still to do."""
        return "step-todo" if self.state == StepState.SKIPPED else f"step-{self.state}"

    @property
    def text(self) -> str:
        """The state in words, so that no colour alone tells it."""
        return str(_("planned") if self.planned else STATE_TEXTS[self.state])


def review_steps(review: Review) -> list[Step]:
    """The nine states in order, each done, current, to do or passed over, with the day the
    review entered it; the visit's planned day while it is still to come. One query."""
    entered: dict[str, datetime.date] = {}
    changes = StatusChange.objects.filter(review_id=review.pk).order_by("at", "pk")
    for to_status, at in changes.values_list("to_status", "at"):
        entered[to_status] = timezone.localdate(at)  # a later entry (after a step back) wins
    entered.setdefault(Status.BOKAD, timezone.localdate(review.created_at))
    order = list(Status)
    current = order.index(Status(review.status))
    steps = []
    for index, status in enumerate(order):
        day = entered.get(status)
        planned = False
        if index == current:
            state = StepState.CURRENT
        elif index > current:
            state = StepState.TODO
            day = None
            if status == Status.BESOK and review.visit_date:
                day, planned = review.visit_date, True
        elif day is None and status in (Status.HANDLINGSPLAN, Status.UPPFOLJNING):
            state = StepState.SKIPPED
        else:
            state = StepState.DONE
        steps.append(Step(status, str(STATUS_LABELS[status]), state, day, planned))
    return steps


@dataclass(frozen=True)
class GridCell:
    regulation: str
    grade: str  # "" while not set
    adjusted: str  # the grade after the accepted plan, "" when not adjusted


@dataclass(frozen=True)
class GridRow:
    code: str
    title: str
    group: str
    assessed: int  # criteria in scope with a finding
    total: int  # criteria in scope
    cells: list[GridCell]

    @property
    def progress(self) -> str:
        return _("%(assessed)d of %(total)d") % {"assessed": self.assessed, "total": self.total}


@dataclass(frozen=True)
class GradeGrid:
    regulations: tuple[str, ...]
    rows: list[GridRow]

    @property
    def graded(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.grade)

    @property
    def cells(self) -> int:
        return len(self.rows) * len(self.regulations)

    @property
    def ungraded(self) -> tuple[str, ...]:
        """ "E (HSLF-FS 2021:8)" for every area and regulation without a grade, as
        `workflow.facts.review_ungraded` names them."""
        return tuple(
            f"{row.code} ({cell.regulation})"
            for row in self.rows
            for cell in row.cells
            if not cell.grade
        )

    def has(self, grade: str) -> bool:
        return any(cell.grade == grade for row in self.rows for cell in row.cells)


def review_grade_grid(review: Review) -> GradeGrid:
    """Every area of the review's protocol with the grade set per regulation in scope, and how
    many of its criteria in scope have a finding. Three queries."""
    regulations = review.regulations
    in_scope: dict[int, int] = {}
    assessed: dict[int, int] = {}
    # Read flat, never per criterion (a subquery per row costs more than the rows).
    with_finding = set(
        Finding.objects.filter(review_id=review.pk)
        .exclude(outcome="")
        .order_by()
        .values_list("criterion_id", flat=True)
    )
    # Every area has criteria (the catalog's loader refuses one without): the areas are read
    # with them, in order.
    criteria = (
        Criterion.objects.filter(protocol_id=review.protocol_id)
        .order_by("area__position")
        .values_list("pk", "area_id", "area__code", "area__title", "area__group", "regulations")
    )
    areas: dict[int, tuple[str, str, str]] = {}
    for pk, area_id, code, title, group, applies in criteria:
        areas.setdefault(area_id, (code, title, group))
        if any(regulation in applies for regulation in regulations):
            in_scope[area_id] = in_scope.get(area_id, 0) + 1
            assessed[area_id] = assessed.get(area_id, 0) + (pk in with_finding)
    grades: dict[tuple[int, str], tuple[str, str]] = {
        (area_id, regulation): (grade, adjusted)
        for area_id, regulation, grade, adjusted in AreaGrade.objects.filter(
            assessment__review=review
        )
        .order_by()
        .values_list("assessment__area_id", "regulation", "grade", "adjusted_grade")
    }
    rows = []
    for pk, (code, title, group) in areas.items():
        cells = [
            GridCell(regulation, *grades.get((pk, regulation), ("", "")))
            for regulation in regulations
        ]
        rows.append(GridRow(code, title, group, assessed.get(pk, 0), in_scope.get(pk, 0), cells))
    return GradeGrid(regulations=tuple(regulations), rows=rows)
