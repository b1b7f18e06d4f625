"""The handlingsplan's acts that move the review: accepting the plan (the review goes on to the
follow-up and its report is issued again with the adjusted grades) and confirming the follow-up
of the last action (the review is closed)."""

from django.db import transaction
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.actionplans.decisions import (
    followup_decide_record,
    plan_accept_record,
    plan_acceptable,
    plan_grade_adjustments,
)
from granska.actionplans.models import ActionPlan, Decision, FollowUpReport
from granska.actionplans.services import plan_decidable
from granska.grading.vocabulary import Grade
from granska.lifecycle import Status
from granska.reports.issuing import PLAN_ACCEPTED_REASON
from granska.reviews.models import Review
from granska.workflow.announce import followup_more_announce, plan_accepted_announce
from granska.workflow.facts import review_facts
from granska.workflow.moves import (
    _final_report_issue,
    _move,
    actors_of,
    areas_text,
    report_issue_changes,
)


@transaction.atomic
def plan_accept(*, plan: ActionPlan, by: User) -> ActionPlan:
    """Accepts a submitted plan: every D of the review is adjusted one step up its area's scale
    (the D stays, as the grade set), the review goes on to follow-up, and the final report is
    issued again with the adjusted grades and the plan."""
    plan = plan_accept_record(plan=plan, by=by)
    review = Review.objects.select_for_update().get(pk=plan.review_id)
    _move(review=review, target=Status.UPPFOLJNING, by=by, actors=actors_of(by, review))
    _final_report_issue(review=review, by=by, reason=PLAN_ACCEPTED_REASON)
    plan_accepted_announce(plan)
    return plan


def plan_grade_changes(review: Review) -> list[str]:
    """The grades accepting the plan adjusts, in words: "D → C i område D och E", one line per
    grade it becomes (and per regulation, where a D stands for one of two only)."""
    by_area: dict[str, tuple[Grade, list[str]]] = {}
    for grade, adjusted in plan_grade_adjustments(review):
        code = grade.assessment.area.code
        by_area.setdefault(code, (adjusted, []))[1].append(grade.regulation)
    groups: dict[tuple[Grade, tuple[str, ...]], list[str]] = {}
    for code, (adjusted, in_area) in by_area.items():
        every = set(in_area) == set(review.regulations)
        key = (adjusted, () if every else tuple(sorted(in_area)))
        groups.setdefault(key, []).append(code)
    lines = []
    for (adjusted, only), codes in groups.items():
        line = _("D → %(grade)s in area %(areas)s") % {
            "grade": adjusted,
            "areas": areas_text(codes),
        }
        if only:
            line += " (" + ", ".join(only) + ")"
        lines.append(line)
    return lines


@transaction.atomic
def plan_accept_changes(*, plan: ActionPlan, by: User) -> list[str]:
    """What accepting `plan` changes, for its confirmation page; refused as accepting it would be
    (who decides, a submitted plan, every action complete), so that only a plan that can be
    accepted is confirmed."""
    plan = plan_decidable(plan, by)
    plan_acceptable(plan)
    review = plan.review
    return [
        *plan_grade_changes(review),
        _(
            "The action plan is accepted: the unit can no longer change it, and each action is "
            "followed up."
        ),
        _("The review goes on to the follow-up."),
        *report_issue_changes(review),
        _("The final report shows the adjusted grades, with the note, and the accepted plan."),
    ]


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
    if report.decision == Decision.MORE:
        followup_more_announce(report)
    return report
