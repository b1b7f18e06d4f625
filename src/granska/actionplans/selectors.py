"""Reads of the handlingsplan: a plan laid out for its page, what is due when (for the kansli's
overview, the reminders and the unit's calendar)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from granska.actionplans.models import (
    PLAN_WRITABLE,
    ActionItem,
    ActionPlan,
    FollowUp,
    FollowUpReport,
    PlanStatus,
    ReminderKind,
)
from granska.lifecycle import Status
from granska.reviews.models import Review, Unit
from granska.reviews.selectors import reviews_due_again


def plan_items(plan: ActionPlan) -> list[ActionItem]:
    """The plan's items in order, each with its area, criterion and follow-up reports."""
    return list(
        plan.items.select_related("area", "criterion").prefetch_related(
            Prefetch(
                "reports",
                queryset=FollowUpReport.objects.select_related("reported_by", "decided_by"),
            )
        )
    )


@dataclass(frozen=True)
class Due:
    """A date someone must keep: the plan's deadline, an action's completion or its follow-up."""

    kind: str  # "plan", "action" or "followup"
    day: datetime.date
    written: str  # as the unit wrote it ("Våren 2027"), or the date itself
    plan: ActionPlan
    item: ActionItem | None = None

    @property
    def review(self) -> Review:
        return self.plan.review


def dues_open() -> list[Due]:
    """Every date not yet kept: a deadline of a plan not yet submitted (or returned), and the
    completion and follow-up of each action of an accepted plan that is not yet confirmed
    (completion only while nothing is reported). A closed review keeps no date."""
    return _dues_open(ActionPlan.objects.all())


def _dues_open(plans_of: QuerySet[ActionPlan]) -> list[Due]:
    dues: list[Due] = []
    plans = list(
        plans_of.exclude(review__status=Status.AVSLUTAD).select_related(
            "review__unit", "review__specialty"
        )
    )
    for plan in plans:
        if plan.status in PLAN_WRITABLE:
            dues.append(Due("plan", plan.due_date, plan.due_date.isoformat(), plan))
    accepted = {plan.pk: plan for plan in plans if plan.status == PlanStatus.GODKAND}
    items = ActionItem.objects.filter(plan_id__in=accepted).exclude(followup=FollowUp.CONFIRMED)
    for item in items.select_related("area", "criterion").order_by("plan_id", "position"):
        plan = accepted[item.plan_id]
        if item.completion_date and item.followup == FollowUp.OPEN:
            dues.append(Due("action", item.completion_date, item.completion_text, plan, item))
        if item.followup_date:
            dues.append(Due("followup", item.followup_date, item.followup_text, plan, item))
    return sorted(dues, key=lambda due: (due.day, due.plan.pk, due.kind))


REMINDER_KINDS = {
    ("plan", False): ReminderKind.PLAN_DUE,
    ("plan", True): ReminderKind.PLAN_OVERDUE,
    ("action", False): ReminderKind.ACTION_DUE,
    ("action", True): ReminderKind.ACTION_OVERDUE,
    ("followup", False): ReminderKind.FOLLOWUP_DUE,
    ("followup", True): ReminderKind.FOLLOWUP_OVERDUE,
}


@dataclass(frozen=True)
class ReminderDue:
    key: str
    kind: str
    due: Due


def reminders_due(today: datetime.date) -> list[ReminderDue]:
    """The reminders today calls for: one when a date is at most the set number of days away,
    and one when it has passed. Each has a key naming its kind, its object and its date, so that
    a reminder already recorded is never sent again (and a moved date gets its own)."""
    window = datetime.timedelta(days=settings.GRANSKA_REMINDER_DAYS_BEFORE)
    result = []
    for due in dues_open():
        overdue = due.day < today
        if not overdue and due.day - today > window:
            continue
        kind = REMINDER_KINDS[(due.kind, overdue)]
        target = f"item{due.item.pk}" if due.item else f"plan{due.plan.pk}"
        result.append(ReminderDue(f"{kind}:{target}:{due.day.isoformat()}", kind, due))
    return result


@dataclass
class FollowUpOverview:
    """What the kansli follows: the plans by their state, the dates due soon and overdue, and the
    units due for a new review."""

    today: datetime.date
    awaited: list[ActionPlan] = field(default_factory=list)
    submitted: list[ActionPlan] = field(default_factory=list)
    returned: list[ActionPlan] = field(default_factory=list)
    accepted: list[ActionPlan] = field(default_factory=list)
    due_soon: list[Due] = field(default_factory=list)
    overdue: list[Due] = field(default_factory=list)
    reports_waiting: list[FollowUpReport] = field(default_factory=list)
    new_review_due: list[tuple[Review, datetime.date]] = field(default_factory=list)


# Units whose new review falls due within this many days are listed as due.


def followup_overview(today: datetime.date) -> FollowUpOverview:
    overview = FollowUpOverview(today=today)
    by_status = {
        PlanStatus.UTKAST: overview.awaited,
        PlanStatus.INLAMNAD: overview.submitted,
        PlanStatus.ATERFORVISAD: overview.returned,
        PlanStatus.GODKAND: overview.accepted,
    }
    plans = ActionPlan.objects.exclude(review__status=Status.AVSLUTAD).select_related(
        "review__unit", "review__specialty"
    )
    for plan in plans.order_by("due_date", "pk"):
        by_status[PlanStatus(plan.status)].append(plan)
    window = datetime.timedelta(days=settings.GRANSKA_REMINDER_DAYS_BEFORE)
    for due in dues_open():
        if due.day < today:
            overview.overdue.append(due)
        elif due.day - today <= window:
            overview.due_soon.append(due)
    overview.reports_waiting = list(
        FollowUpReport.objects.filter(decision="", item__plan__review__status=Status.UPPFOLJNING)
        .select_related("item__plan__review__unit", "item__area", "item__criterion")
        .order_by("reported_at")
    )
    overview.new_review_due = reviews_due_again(today)
    return overview


def unit_calendar_dues(unit: Unit) -> list[Due]:
    """The unit's dates still to keep, as `dues_open` reads them: once a date no longer applies
    (the plan submitted or accepted, an action reported or confirmed, the review closed) it
    leaves the unit's calendar."""
    return _dues_open(ActionPlan.objects.filter(review__unit=unit))
