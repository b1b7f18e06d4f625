"""What waits for whom: each person's running reviews with what they are to do next, read from
the review, its draft comments and its handlingsplan."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionItem, ActionPlan, FollowUp, FollowUpReport, PlanStatus
from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.reviews.selectors import reviews_visible_to
from granska.workflow.facts import review_ungraded


@dataclass(frozen=True)
class MyReview:
    review: Review
    waiting: str  # what waits for this person, "" when nothing does


def my_reviews(user: User) -> list[MyReview]:
    """The person's reviews still running, each with what waits for them."""
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
        )
        .order_by("visit_date", "pk")
    )
    manages = user.is_superuser or user.role == Role.KANSLI
    items = []
    for review in reviews:
        waiting = ""
        if manages:
            waiting = _kansli_waiting(review)
        elif user.role == Role.INSPEKTOR:
            waiting = _inspector_waiting(review)
        elif user.role == Role.VERKSAMHET:
            waiting = _unit_waiting(review)
        items.append(MyReview(review=review, waiting=waiting))
    return items


def _count(rows: QuerySet[Any]) -> Coalesce:
    """The number of `rows` (filtered on the outer review) as an annotation: one query in all."""
    counted = rows.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _plan_waiting(review: Review, *, decides: bool) -> str:
    """What the handlingsplan asks of the unit, or of those who decide on it (`my_reviews` reads
    the plan and its counts with the reviews)."""
    plan: ActionPlan | None = getattr(review, "action_plan", None)
    if plan is None:
        return ""
    if decides:
        if plan.status == PlanStatus.INLAMNAD:
            return str(_("Accept or return the submitted action plan."))
        waiting: int = getattr(review, "reports_to_confirm", 0)
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
        open_items: int = getattr(review, "actions_to_report", 0)
        if open_items:
            return ngettext(
                "Report the follow-up of %(count)d action.",
                "Report the follow-up of %(count)d actions.",
                open_items,
            ) % {"count": open_items}
    return ""


def _unit_waiting(review: Review) -> str:
    if review.status == Status.FAKTAGRANSKNING:
        return str(_("Check the draft for factual errors."))
    return _plan_waiting(review, decides=False)


def _kansli_waiting(review: Review) -> str:
    if review.status == Status.BOKAD:
        count = len(review.inspectors.all())
        if count < 2:
            return _("Assign inspectors (%(count)d of 2).") % {"count": count}
        return str(_("Open the preparation."))
    if review.status == Status.FAKTAGRANSKNING:
        return str(_("Issue the final report when the fact check is done."))
    return _plan_waiting(review, decides=True)


def _inspector_waiting(review: Review) -> str:
    if review.status in (Status.BESOK, Status.UTKAST):
        missing = len(review_ungraded(review))
        if missing:
            return _("%(count)d grades to set.") % {"count": missing}
        return str(_("Move the draft on to the fact check."))
    if review.status == Status.FORBEREDELSE:
        return str(_("Prepare the visit."))
    if review.status == Status.FAKTAGRANSKNING:
        return str(_("Answer the unit's comments on the draft."))
    return _plan_waiting(review, decides=True)
