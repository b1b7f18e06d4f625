"""The handlingsplan's history: the plan's decisions and every change to its items. While the
unit writes the plan, its unsent draft is its own."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from granska.actionplans.models import PLAN_WRITABLE, ActionItem, ActionPlan, FollowUp, PlanStatus
from granska.reviews.history import HistoryEntry, field_changes
from granska.reviews.models import Review

KIND_PLAN = "plan"
PLAN_KINDS: dict[str, StrOrPromise] = {KIND_PLAN: gettext_lazy("Action plan")}


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


def plan_changes(review: Review, *, plan_drafts: bool = False) -> list[HistoryEntry]:
    """Every recorded change to the review's handlingsplan. The unit's plan as it writes it,
    before it is submitted (or submitted again), only with `plan_drafts` (for those who may
    write the plan)."""
    entries: list[HistoryEntry] = []
    entries += field_changes(
        ActionPlan.history.filter(review_id=review.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        {"status": _("status"), "return_comment": _("comment on return")},
        lambda r: _("Action plan"),
        lambda field, value: (
            str(PlanStatus(value).label) if field == "status" and value else str(value or "")
        ),
        kind=KIND_PLAN,
    )
    entries += field_changes(
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
        kind=KIND_PLAN,
        area=lambda r: r.area.code,
    )
    return entries
