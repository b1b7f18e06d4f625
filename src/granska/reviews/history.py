"""A review's history: who changed what, when, from what to what (SPEC §4: full history)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from granska.actionplans.models import (
    PLAN_WRITABLE,
    ActionItem,
    ActionPlan,
    FollowUp,
    PlanStatus,
)
from granska.choices import OUTCOME_CHOICES
from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Assignment,
    Finding,
    Review,
    Source,
    Status,
    StatusChange,
)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    by: str
    subject: str
    field: str
    old: str
    new: str


def _name(user: Any) -> str:
    return str(user) if user is not None else _("the system")


def _changes(
    records: Iterable[Any],
    fields: dict[str, str],
    subject: Callable[[Any], str],
    display: Callable[[str, Any], str] = lambda field, value: str(value or ""),
) -> list[HistoryEntry]:
    """Entries for every field that differs between consecutive historical records of an object."""
    entries = []
    previous: dict[int, Any] = {}
    for record in records:
        before = previous.get(record.id)
        deleted = record.history_type == "-"
        for field, label in fields.items():
            old = display(field, getattr(before, field)) if before is not None else ""
            new = "" if deleted else display(field, getattr(record, field))
            if old != new:
                entries.append(
                    HistoryEntry(
                        at=record.history_date,
                        by=_name(record.history_user),
                        subject=subject(record),
                        field=label,
                        old=old,
                        new=new,
                    )
                )
        previous[record.id] = record
    return entries


def _choice(field: str, value: Any) -> str:
    choices: dict[str, Sequence[tuple[str, StrOrPromise]]] = {
        "outcome": OUTCOME_CHOICES,
        "source": Source.choices,
    }
    labels = dict(choices.get(field, ()))
    return str(labels.get(value, value or ""))


def _plan_item_records(review: Review, *, plan_drafts: bool) -> "QuerySet[Any]":
    """The recorded states of the plan's items that the reader may see. While the unit writes the
    plan (never submitted, or returned to it), its unsent draft is its own: the others see the
    items as the unit last handed them in."""
    records: QuerySet[Any] = ActionItem.history.filter(plan__review_id=review.pk)
    plan = ActionPlan.objects.filter(review=review).first()
    if plan_drafts or plan is None or plan.status not in PLAN_WRITABLE:
        return records
    handed_over = [moment for moment in (plan.submitted_at, plan.decided_at) if moment]
    return records.filter(history_date__lte=max(handed_over)) if handed_over else records.none()


def review_history(review: Review, *, plan_drafts: bool = False) -> list[HistoryEntry]:
    """Every recorded change to the review's findings, grades, narratives, summary, inspectors
    and status, newest first. The unit's plan as it writes it, before it is submitted (or
    submitted again), only with `plan_drafts` (for those who may write the plan)."""
    entries: list[HistoryEntry] = []
    entries += _changes(
        Finding.history.filter(review_id=review.pk)
        .select_related("history_user", "criterion")
        .order_by("history_date", "history_id"),
        {"outcome": _("finding"), "note": _("note"), "source": _("source")},
        lambda r: _("Criterion %(code)s") % {"code": r.criterion.code},
        _choice,
    )
    entries += _changes(
        AreaGrade.history.filter(assessment__review_id=review.pk)
        .select_related("history_user", "assessment__area")
        .order_by("history_date", "history_id"),
        {
            "grade": _("grade"),
            "deviation_reason": _("reason for departing from the suggestion"),
            "adjusted_grade": _("grade after the action plan"),
        },
        lambda r: (
            _("Area %(code)s, %(regulation)s")
            % {"code": r.assessment.area.code, "regulation": r.regulation}
        ),
    )
    entries += _changes(
        AreaAssessment.history.filter(review_id=review.pk)
        .select_related("history_user", "area")
        .order_by("history_date", "history_id"),
        {"narrative": _("narrative")},
        lambda r: _("Area %(code)s") % {"code": r.area.code},
    )
    entries += _changes(
        Review.history.filter(id=review.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        {
            "strengths": _("strengths"),
            "weaknesses": _("weaknesses"),
            "improvements": _("improvement potential"),
            "visit_date": _("visit date"),
            "publish_report": _("publish the final report"),
        },
        lambda r: _("Summary and booking"),
    )
    entries += _changes(
        Assignment.history.filter(review_id=review.pk)
        .select_related("history_user", "inspector")
        .order_by("history_date", "history_id"),
        {"inspector": _("inspector")},
        lambda r: _("Inspectors"),
    )
    entries += _changes(
        ActionPlan.history.filter(review_id=review.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        {"status": _("status"), "return_comment": _("comment on return")},
        lambda r: _("Action plan"),
        lambda field, value: (
            str(PlanStatus(value).label) if field == "status" and value else str(value or "")
        ),
    )
    entries += _changes(
        _plan_item_records(review, plan_drafts=plan_drafts)
        .select_related("history_user", "area", "criterion")
        .order_by("history_date", "history_id"),
        {
            "action": _("planned action"),
            "completion_text": _("date the action is done"),
            "responsible": _("responsible for the action"),
            "followup_text": _("date of the follow-up"),
            "followup_responsible": _("responsible for the follow-up"),
            "return_comment": _("comment on return"),
            "followup": _("follow-up"),
        },
        lambda r: (
            _("Action for %(code)s") % {"code": r.criterion.code if r.criterion_id else r.area.code}
        ),
        lambda field, value: (
            str(FollowUp(value).label) if field == "followup" and value else str(value or "")
        ),
    )
    entries += [
        HistoryEntry(
            at=change.at,
            by=_name(change.by),
            subject=_("Status"),
            field=_("status"),
            old=str(Status(change.from_status).label),
            new=str(Status(change.to_status).label),
        )
        for change in StatusChange.objects.filter(review=review).select_related("by")
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
