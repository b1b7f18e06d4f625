"""A review's history: who changed what, when, from what to what (SPEC §4: full history). The
handlingsplan keeps its own (`actionplans.history`); the workflow puts the two together."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from granska.choices import OUTCOME_CHOICES, status_label
from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Assignment,
    Finding,
    Review,
    Source,
    StatusChange,
)

# The kinds of change the history tells apart (and the page filters by); the plan's and the
# report's are their apps' own, and `workflow.history` lists them all.
KIND_STATUS = "status"
KIND_BOOKING = "booking"
KIND_INSPECTORS = "inspectors"
KIND_FINDING = "finding"
KIND_GRADE = "grade"
KIND_NARRATIVE = "narrative"
KIND_SUMMARY = "summary"
REVIEW_KINDS: dict[str, StrOrPromise] = {
    KIND_STATUS: gettext_lazy("Status moves"),
    KIND_BOOKING: gettext_lazy("Booking"),
    KIND_INSPECTORS: gettext_lazy("Inspectors"),
    KIND_FINDING: gettext_lazy("Findings"),
    KIND_GRADE: gettext_lazy("Grades"),
    KIND_NARRATIVE: gettext_lazy("Narratives"),
    KIND_SUMMARY: gettext_lazy("Summary"),
}
# Who made a change nobody made: Granska itself (a move made as part of another act).
BY_SYSTEM = "system"


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    by: str
    subject: str
    field: str
    old: str
    new: str
    kind: str = ""
    # The area's code when the change is about one area (a finding, a grade, an action), else "".
    area: str = ""
    by_id: int | None = None

    @property
    def by_key(self) -> str:
        """Who made the change, as the history's filter names them: the person's id, or
        `BY_SYSTEM`."""
        return str(self.by_id) if self.by_id is not None else BY_SYSTEM


def user_name(user: Any) -> str:
    return str(user) if user is not None else _("the system")


def field_changes(
    records: Iterable[Any],
    fields: dict[str, str],
    subject: Callable[[Any], str],
    display: Callable[[str, Any], str] = lambda field, value: str(value or ""),
    *,
    kind: str,
    area: Callable[[Any], str] = lambda record: "",
) -> list[HistoryEntry]:
    """Entries for every field that differs between consecutive historical records of an object,
    each of `kind`, and about the `area` of its record."""
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
                        by=user_name(record.history_user),
                        subject=subject(record),
                        field=label,
                        old=old,
                        new=new,
                        kind=kind,
                        area=area(record),
                        by_id=record.history_user_id,
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


def review_changes(review: Review) -> list[HistoryEntry]:
    """Every recorded change to the review's findings, grades, narratives, summary, inspectors
    and status, newest first."""
    entries: list[HistoryEntry] = []
    entries += field_changes(
        Finding.history.filter(review_id=review.pk)
        .select_related("history_user", "criterion__area")
        .order_by("history_date", "history_id"),
        {"outcome": _("finding"), "note": _("note"), "source": _("source")},
        lambda r: _("Criterion %(code)s") % {"code": r.criterion.code},
        _choice,
        kind=KIND_FINDING,
        area=lambda r: r.criterion.area.code,
    )
    entries += field_changes(
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
        kind=KIND_GRADE,
        area=lambda r: r.assessment.area.code,
    )
    entries += field_changes(
        AreaAssessment.history.filter(review_id=review.pk)
        .select_related("history_user", "area")
        .order_by("history_date", "history_id"),
        {"narrative": _("narrative")},
        lambda r: _("Area %(code)s") % {"code": r.area.code},
        kind=KIND_NARRATIVE,
        area=lambda r: r.area.code,
    )
    # The review's own records, read once: the summary and the booking are told apart.
    records = list(
        Review.history.filter(id=review.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries += field_changes(
        records,
        {
            "strengths": _("strengths"),
            "weaknesses": _("weaknesses"),
            "improvements": _("improvement potential"),
        },
        lambda r: _("Summary"),
        kind=KIND_SUMMARY,
    )
    entries += field_changes(
        records,
        {"visit_date": _("visit date"), "publish_report": _("publish the final report")},
        lambda r: _("Booking"),
        kind=KIND_BOOKING,
    )
    entries += field_changes(
        Assignment.history.filter(review_id=review.pk)
        .select_related("history_user", "inspector")
        .order_by("history_date", "history_id"),
        {"inspector": _("inspector")},
        lambda r: _("Inspectors"),
        kind=KIND_INSPECTORS,
    )
    entries += [
        HistoryEntry(
            at=change.at,
            by=user_name(change.by),
            subject=_("Status"),
            field=_("status"),
            old=status_label(change.from_status),
            new=status_label(change.to_status),
            kind=KIND_STATUS,
            by_id=change.by_id,
        )
        for change in StatusChange.objects.filter(review=review).select_related("by")
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
