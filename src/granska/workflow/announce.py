"""The notices the workflow's acts send: each act calls one function here, which decides who is
told (whoever must act next) and names the event, so that it is told once
(`granska.notices.services`)."""

import datetime

from django.urls import reverse
from django.utils import translation

from granska.accounts.models import User
from granska.actionplans.models import ActionItem, ActionPlan, FollowUpReport
from granska.actionplans.selectors import dues_open
from granska.choices import status_label
from granska.lifecycle import Status
from granska.notices.models import Notice, NoticeKind
from granska.notices.services import (
    notices_record,
    notify_kansli,
    notify_unit,
)
from granska.reports.models import FinalReport
from granska.reviews.models import Review


def review_link(review: Review) -> str:
    return reverse("reviews:detail", args=[review.pk])


def report_link(review: Review) -> str:
    return reverse("reports:html", args=[review.pk])


def plan_link(review: Review) -> str:
    return reverse("actionplans:plan", args=[review.pk])


def item_what(item: ActionItem) -> str:
    """The action named by what caused it: its criterion, or its area."""
    if item.criterion is not None:
        return item.criterion.code
    return f"{item.area.code}. {item.area.title}"


def assigned_announce(*, review: Review, inspector: User) -> list[Notice]:
    """Tells an inspector they are assigned (once per review, even if assigned again)."""
    return notices_record(
        kind=NoticeKind.ASSIGNED,
        review=review,
        to=[inspector],
        event=f"review{review.pk}",
        link=review_link(review),
    )


def move_announce(review: Review) -> None:
    """After a move: the unit told that the draft is open for its fact check, that the final
    report is issued and, with a D, that its action plan is due."""
    if review.status == Status.FAKTAGRANSKNING:
        change = review.status_changes.filter(to_status=Status.FAKTAGRANSKNING).latest("pk")
        notify_unit(
            kind=NoticeKind.DRAFT_OPEN,
            review=review,
            event=f"change{change.pk}",
            link=report_link(review),
        )
    if review.status in (Status.SLUTRAPPORT, Status.HANDLINGSPLAN):
        report = FinalReport.objects.filter(review=review).order_by("-version").first()
        if report is not None:
            report_announce(review=review, report=report)
    if review.status == Status.HANDLINGSPLAN:
        plan = ActionPlan.objects.filter(review=review).first()
        if plan is not None:
            notify_unit(
                kind=NoticeKind.PLAN_REQUIRED,
                review=review,
                event=f"plan{plan.pk}",
                link=plan_link(review),
                date=plan.due_date.isoformat(),
            )


def report_announce(*, review: Review, report: FinalReport) -> list[Notice]:
    """Tells the unit that a version of its final report is issued."""
    return notify_unit(
        kind=NoticeKind.REPORT_ISSUED,
        review=review,
        event=f"report{report.pk}",
        link=report_link(review),
        version=str(report.version),
    )


def plan_accepted_announce(plan: ActionPlan) -> list[Notice]:
    return notify_unit(
        kind=NoticeKind.PLAN_ACCEPTED,
        review=plan.review,
        event=f"plan{plan.pk}v{plan.version}",
        link=plan_link(plan.review),
    )


def followup_more_announce(report: FollowUpReport) -> list[Notice]:
    """Tells the unit that the inspectors ask for more in a follow-up report."""
    item = report.item
    return notify_unit(
        kind=NoticeKind.FOLLOWUP_MORE,
        review=item.plan.review,
        event=f"followup{report.pk}",
        link=plan_link(item.plan.review),
        what=item_what(item),
    )


def _status_sv(status: str) -> str:
    with translation.override("sv"):
        return status_label(status).lower()


LATE_KINDS = {
    "plan": NoticeKind.LATE_PLAN,
    "action": NoticeKind.LATE_ACTION,
    "followup": NoticeKind.LATE_FOLLOWUP,
}


def late_announce(today: datetime.date) -> list[Notice]:
    """Tells the kansli of each step that is late today: a visit date passed before the review
    reached its visit, a plan not submitted by its date, an action not reported or a follow-up
    not confirmed by theirs. Once per step and date: a date moved is a new event."""
    written: list[Notice] = []
    visits = Review.objects.filter(
        status__in=(Status.BOKAD, Status.FORBEREDELSE), visit_date__lt=today
    ).select_related("unit")
    for review in visits:
        assert review.visit_date is not None
        written += notify_kansli(
            kind=NoticeKind.LATE_VISIT,
            review=review,
            event=f"review{review.pk}:{review.visit_date.isoformat()}",
            link=review_link(review),
            date=review.visit_date.isoformat(),
            status=_status_sv(review.status),
        )
    for due in dues_open():
        if due.day >= today:
            continue
        target = f"item{due.item.pk}" if due.item else f"plan{due.plan.pk}"
        written += notify_kansli(
            kind=LATE_KINDS[due.kind],
            review=due.review,
            event=f"{target}:{due.day.isoformat()}",
            link=plan_link(due.review),
            date=due.day.isoformat(),
            what=item_what(due.item) if due.item else "",
        )
    return written
