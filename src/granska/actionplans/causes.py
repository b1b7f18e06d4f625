"""Why each action of a handlingsplan is there: the finding on its föreskrift, and the regulations
under which its area was graded D. The unit reads it beside the action; the inspectors' notes and
sources stay theirs."""

from collections.abc import Sequence
from dataclasses import dataclass

from granska.actionplans.models import ActionItem
from granska.choices import OUTCOME_LABELS
from granska.grading.vocabulary import Grade, Outcome
from granska.reviews.models import AreaGrade, Finding, Review


@dataclass(frozen=True)
class Cause:
    outcome: str  # the finding in words ("delvis uppfyllt"); "" for the area as a whole
    regulations: tuple[str, ...]  # the regulations under which the area was graded D


def item_causes(review: Review, items: Sequence[ActionItem]) -> dict[int, Cause]:
    """The cause of each of `items`, by its id; two queries."""
    criteria = [item.criterion_id for item in items if item.criterion_id]
    outcomes = dict(
        Finding.objects.filter(review=review, criterion_id__in=criteria)
        .order_by()
        .values_list("criterion_id", "outcome")
    )
    graded_d: dict[int, list[str]] = {}
    grades = AreaGrade.objects.filter(assessment__review=review, grade=Grade.D).order_by()
    for area_id, regulation in grades.values_list("assessment__area_id", "regulation"):
        graded_d.setdefault(area_id, []).append(regulation)
    order = list(review.regulations)
    causes = {}
    for item in items:
        outcome = outcomes.get(item.criterion_id, "") if item.criterion_id else ""
        causes[item.pk] = Cause(
            outcome=str(OUTCOME_LABELS[Outcome(outcome)]) if outcome in Outcome else "",
            regulations=tuple(
                sorted(
                    graded_d.get(item.area_id, []),
                    key=lambda r: order.index(r) if r in order else len(order),
                )
            ),
        )
    return causes
