"""What waits for whom: each person's running reviews with what they are to do next, read from
the review, its draft comments and its handlingsplan."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from django.db.models import Count, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from granska.accounts.models import Role, User
from granska.actionplans.lateness import plan_late_since
from granska.actionplans.models import ActionItem, ActionPlan, FollowUp, FollowUpReport, PlanStatus
from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.reviews.selectors import reviews_visible_to
from granska.workflow.facts import review_ungraded


@dataclass(frozen=True)
class Standing:
    """What the next step of a review depends on: its state, inspectors, grades and plan."""

    status: str
    inspectors: int
    ungraded: Callable[[], int]  # read only where it matters (a query)
    plan: ActionPlan | None
    reports_to_confirm: int = 0  # follow-up reports awaiting the inspectors' word
    actions_to_report: int = 0  # actions of an accepted plan awaiting the unit's report


@dataclass(frozen=True)
class MyReview:
    review: Review
    waiting: str  # what waits for this person, "" when nothing does
    late_since: datetime.date | None = None  # the earliest date the unit has let pass


def my_reviews(user: User, today: datetime.date | None = None) -> list[MyReview]:
    """The person's reviews still running, each with what waits for them and since when the
    unit is late with it."""
    today = today or timezone.localdate()
    accepted_items = ActionItem.objects.filter(
        plan__review=OuterRef("pk"), plan__status=PlanStatus.GODKAND
    ).exclude(followup=FollowUp.CONFIRMED)
    reviews = (
        reviews_visible_to(user)
        .exclude(status=Status.AVSLUTAD)
        .select_related("unit", "specialty", "action_plan")
        .prefetch_related("inspectors")
        .annotate(
            reports_to_confirm=_count(
                FollowUpReport.objects.filter(item__plan__review=OuterRef("pk"), decision="")
            ),
            actions_to_report=_count(
                ActionItem.objects.filter(
                    plan__review=OuterRef("pk"), followup__in=(FollowUp.OPEN, FollowUp.MORE)
                )
            ),
            # As `actionplans.lateness` counts it: a completion passed while nothing is
            # reported, a follow-up passed until it is confirmed.
            completion_late=_earliest(
                accepted_items.filter(followup=FollowUp.OPEN, completion_date__lt=today),
                "completion_date",
            ),
            followup_late=_earliest(
                accepted_items.filter(followup_date__lt=today), "followup_date"
            ),
        )
        .order_by("visit_date", "pk")
    )
    manages = user.is_superuser or user.role == Role.KANSLI
    items = []
    for review in reviews:
        standing = Standing(
            status=review.status,
            inspectors=len(review.inspectors.all()),
            ungraded=partial(_ungraded_count, review),
            plan=getattr(review, "action_plan", None),
            reports_to_confirm=getattr(review, "reports_to_confirm", 0),
            actions_to_report=getattr(review, "actions_to_report", 0),
        )
        waiting = ""
        if manages:
            waiting = _kansli_waiting(standing)
        elif user.role == Role.INSPEKTOR:
            waiting = _inspector_waiting(standing)
        elif user.role == Role.VERKSAMHET:
            waiting = _unit_waiting(standing)
        plan = standing.plan
        passed = [
            day
            for day in (
                plan_late_since(plan, today) if plan is not None else None,
                getattr(review, "completion_late", None),
                getattr(review, "followup_late", None),
            )
            if day is not None
        ]
        items.append(MyReview(review=review, waiting=waiting, late_since=min(passed, default=None)))
    return items


def _earliest(rows: QuerySet[Any], field: str) -> Subquery:
    """The earliest `field` of `rows` (filtered on the outer review) as an annotation."""
    return Subquery(
        rows.order_by().values(group=Value(1)).annotate(first=Min(field)).values("first")
    )


def _ungraded_count(review: Review) -> int:
    return len(review_ungraded(review))


def _count(rows: QuerySet[Any]) -> Coalesce:
    """The number of `rows` (filtered on the outer review) as an annotation: one query in all."""
    counted = rows.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _plan_waiting(standing: Standing, *, decides: bool) -> str:
    """What the handlingsplan asks of the unit, or of those who decide on it."""
    plan = standing.plan
    if plan is None:
        return ""
    if decides:
        if plan.status == PlanStatus.INLAMNAD:
            return str(_("Accept or return the submitted action plan."))
        waiting = standing.reports_to_confirm
        if waiting:
            return ngettext(
                "%(count)d follow-up report to confirm.",
                "%(count)d follow-up reports to confirm.",
                waiting,
            ) % {"count": waiting}
        return ""
    if plan.writable:
        return _("Submit the action plan by %(date)s.") % {"date": plan.due_date.isoformat()}
    if plan.status == PlanStatus.GODKAND:
        open_items = standing.actions_to_report
        if open_items:
            return ngettext(
                "Report the follow-up of %(count)d action.",
                "Report the follow-up of %(count)d actions.",
                open_items,
            ) % {"count": open_items}
    return ""


def _unit_waiting(standing: Standing) -> str:
    if standing.status == Status.FAKTAGRANSKNING:
        return str(_("Check the draft for factual errors."))
    return _plan_waiting(standing, decides=False)


def _kansli_waiting(standing: Standing) -> str:
    if standing.status == Status.BOKAD:
        count = standing.inspectors
        if count < 2:
            return _("Assign inspectors (%(count)d of 2).") % {"count": count}
        return str(_("Open the preparation."))
    if standing.status == Status.FAKTAGRANSKNING:
        return str(_("Issue the final report when the fact check is done."))
    return _plan_waiting(standing, decides=True)


def _inspector_waiting(standing: Standing) -> str:
    if standing.status in (Status.BESOK, Status.UTKAST):
        missing = standing.ungraded()
        if missing:
            return _("%(count)d grades to set.") % {"count": missing}
        return str(_("Move the draft on to the fact check."))
    if standing.status == Status.FORBEREDELSE:
        return str(_("Prepare the visit."))
    if standing.status == Status.FAKTAGRANSKNING:
        return str(_("Answer the unit's comments on the draft."))
    return _plan_waiting(standing, decides=True)


class Party(StrEnum):
    """Who a step of the review waits for."""

    KANSLI = "kansli"
    INSPECTORS = "inspectors"
    UNIT = "unit"


PARTY_LABELS = {
    Party.KANSLI: gettext_lazy("The kansli"),
    Party.INSPECTORS: gettext_lazy("The inspectors"),
    Party.UNIT: gettext_lazy("The unit"),
}


@dataclass(frozen=True)
class Waiting:
    """What waits for one party of the review, and since when it is late."""

    party: Party
    text: str
    mine: bool  # waits for the person reading it
    late_since: datetime.date | None = None

    @property
    def label(self) -> str:
        return str(PARTY_LABELS[self.party])


def review_waiting(
    standing: Standing, user: User, *, late_since: datetime.date | None = None
) -> list[Waiting] | None:
    """What waits for whom, as `user` may read it: those who work on the review (the kansli,
    its inspectors) see every party; a unit's contact what waits for the unit, with the date
    it is late since; an observer nothing (None)."""
    manages = user.is_superuser or user.role == Role.KANSLI
    if not manages and user.role not in (Role.INSPEKTOR, Role.VERKSAMHET):
        return None
    unit = Waiting(Party.UNIT, _unit_waiting(standing), user.role == Role.VERKSAMHET, late_since)
    lines = [unit]
    if user.role != Role.VERKSAMHET:
        lines = [
            Waiting(Party.KANSLI, _kansli_waiting(standing), manages),
            Waiting(Party.INSPECTORS, _inspector_waiting(standing), user.role == Role.INSPEKTOR),
            unit,
        ]
    return [line for line in lines if line.text]
