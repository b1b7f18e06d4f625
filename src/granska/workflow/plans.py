"""The handlingsplan's acts that move the review: accepting the plan (the review goes on to the
follow-up and its report is issued again with the adjusted grades) and confirming the follow-up
of the last action (the review is closed)."""

from django.db import transaction

from granska.accounts.models import User
from granska.actionplans.decisions import followup_decide_record, plan_accept_record
from granska.actionplans.models import ActionPlan, FollowUpReport
from granska.lifecycle import Status
from granska.reports.issuing import PLAN_ACCEPTED_REASON
from granska.reviews.models import Review
from granska.workflow.facts import review_facts
from granska.workflow.moves import _final_report_issue, _move, actors_of


@transaction.atomic
def plan_accept(*, plan: ActionPlan, by: User) -> ActionPlan:
    """Accepts a submitted plan: every D of the review is adjusted one step up its area's scale
    (the D stays, as the grade set), the review goes on to follow-up, and the final report is
    issued again with the adjusted grades and the plan."""
    plan = plan_accept_record(plan=plan, by=by)
    review = Review.objects.select_for_update().get(pk=plan.review_id)
    _move(review=review, target=Status.UPPFOLJNING, by=by, actors=actors_of(by, review))
    _final_report_issue(review=review, by=by, reason=PLAN_ACCEPTED_REASON)
    return plan


@transaction.atomic
def followup_decide(
    *, report: FollowUpReport, by: User, decision: str, comment: str = ""
) -> FollowUpReport:
    """The kansli or an inspector confirms a follow-up report or asks for more. When every action
    of the plan is confirmed, the review is closed ("Avslutad")."""
    report = followup_decide_record(report=report, by=by, decision=decision, comment=comment)
    review = Review.objects.select_for_update().get(pk=report.item.plan.review_id)
    if review.status == Status.UPPFOLJNING and review_facts(review).actions_open == 0:
        _move(review=review, target=Status.AVSLUTAD, by=by, actors=actors_of(by, review))
    return report
