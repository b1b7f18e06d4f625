"""What is late in a handlingsplan: its deadline passed while the unit still writes it, or an
action's dates passed before its follow-up is confirmed. Late since the date that passed, as the
reminders count it (`selectors.dues_open`: a date before today is overdue)."""

import datetime
from collections.abc import Iterable

from granska.actionplans.models import ActionItem, ActionPlan, FollowUp, PlanStatus

# An action's dates, as `action_dates` reads them: completion, follow-up, follow-up state.
ActionDates = tuple[datetime.date | None, datetime.date | None, str]


def plan_late_since(plan: ActionPlan, today: datetime.date) -> datetime.date | None:
    """The plan's deadline when it has passed and the plan is not yet submitted."""
    return plan.due_date if plan.writable and plan.due_date < today else None


def dates_late_since(dates: ActionDates, today: datetime.date) -> datetime.date | None:
    """The earliest of an accepted action's dates that has passed while still open: the
    completion while nothing is reported, the follow-up until it is confirmed."""
    completion, followup, state = dates
    if state == FollowUp.CONFIRMED:
        return None
    passed = [
        day
        for day, counts in ((completion, state == FollowUp.OPEN), (followup, True))
        if counts and day is not None and day < today
    ]
    return min(passed, default=None)


def item_late_since(
    item: ActionItem, plan: ActionPlan, today: datetime.date
) -> datetime.date | None:
    """When the action of an accepted plan is late, the date that passed first."""
    if plan.status != PlanStatus.GODKAND:
        return None
    return dates_late_since((item.completion_date, item.followup_date, item.followup), today)


def actions_late_since(
    plan: ActionPlan, dates: Iterable[ActionDates], today: datetime.date
) -> datetime.date | None:
    """The earliest passed date among the actions of an accepted plan; None when none is late."""
    if plan.status != PlanStatus.GODKAND:
        return None
    return min((day for d in dates if (day := dates_late_since(d, today))), default=None)


def action_dates(plan: ActionPlan) -> list[ActionDates]:
    """The dates of the plan's actions, in one query."""
    return list(plan.items.values_list("completion_date", "followup_date", "followup"))
