"""The records of accepting a plan and of answering a follow-up report: for the workflow only,
which makes them with the review's move (to uppföljning, to avslutad) in one transaction (an
import contract keeps the pages and the demo from calling them directly)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.actionplans.limits import (
    DECISION_COMMENT_MAX_CHARS,
)
from granska.actionplans.models import (
    ActionPlan,
    Decision,
    FollowUp,
    FollowUpReport,
    PlanStatus,
)
from granska.actionplans.services import plan_decidable, plan_decision_save
from granska.grading.vocabulary import Grade, adjusted_grade
from granska.refusals import too_long
from granska.reviews.models import (
    AreaGrade,
    Review,
)
from granska.text import clean_text


def plan_acceptable(plan: ActionPlan) -> None:
    """Refuses a plan with an action not yet planned, dated and with its responsible people: an
    action plan is accepted only whole."""
    incomplete = [
        str(item)
        for item in plan.items.select_related("area", "criterion")
        if not (
            item.action
            and item.responsible
            and item.followup_responsible
            and item.completion_date
            and item.followup_date
        )
    ]
    if incomplete:
        raise ValidationError(
            {
                "plan": _(
                    "An action plan is accepted only with every action planned, dated and "
                    "with its responsible people; missing in: %(items)s."
                )
                % {"items": ", ".join(incomplete)}
            }
        )


def plan_grade_adjustments(review: Review) -> list[tuple[AreaGrade, Grade]]:
    """Every D of `review`, in the areas' order, with the grade accepting the plan adjusts it to:
    one step up its area's scale (what the acceptance writes, and what its confirmation lists)."""
    grades = (
        AreaGrade.objects.filter(assessment__review=review, grade=Grade.D)
        .select_related("assessment__area")
        .order_by("assessment__area__position", "regulation")
    )
    return [(grade, adjusted_grade(grade.assessment.area.grades)) for grade in grades]


@transaction.atomic
def plan_accept_record(*, plan: ActionPlan, by: User) -> ActionPlan:
    """Records the acceptance of a submitted plan: every D of the review is adjusted one step up
    its area's scale (the D stays, as the grade set). The review's move to follow-up and the
    report issued again are the workflow's (`granska.workflow.plans.plan_accept`)."""
    plan = plan_decidable(plan, by)
    plan_acceptable(plan)
    for grade, adjusted in plan_grade_adjustments(plan.review):
        grade.adjusted_grade = adjusted
        grade.save(update_fields=["adjusted_grade", "updated_at"])
    plan.items.exclude(return_comment="").update(return_comment="")
    return plan_decision_save(plan, status=PlanStatus.GODKAND, comment="", by=by)


@transaction.atomic
def followup_decide_record(
    *, report: FollowUpReport, by: User, decision: str, comment: str = ""
) -> FollowUpReport:
    """Records the kansli's or an inspector's answer to a follow-up report: confirmed, or more
    asked for. Closing the review after the last confirmed action is the workflow's
    (`granska.workflow.plans.followup_decide`)."""
    report = (
        FollowUpReport.objects.select_for_update()
        .select_related("item__plan__review")
        .get(pk=report.pk)
    )
    item = report.item
    require(by, "actionplans.decide_plan", item.plan.review)
    if report.decision:
        raise ValidationError({"decision": _("This report is already answered.")})
    if report.pk != item.reports.order_by("-reported_at", "-pk").values_list("pk", flat=True)[0]:
        raise ValidationError({"decision": _("A newer report of this action awaits the answer.")})
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Confirm the report or ask for more.")})
    comment = clean_text(comment).strip()
    if decision == Decision.MORE and not comment:
        raise ValidationError({"comment": _("Say what more the unit must do or show.")})
    problem = too_long(
        comment,
        DECISION_COMMENT_MAX_CHARS,
        _("The comment may be at most %(limit)s characters; it is %(length)s."),
    )
    if problem:
        raise ValidationError({"comment": problem})
    report.decision = decision
    report.decision_comment = comment
    report.decided_by, report.decided_at = by, timezone.now()
    report.save(update_fields=["decision", "decision_comment", "decided_by", "decided_at"])
    if decision == Decision.CONFIRMED:
        item.followup, item.confirmed_at = FollowUp.CONFIRMED, timezone.now()
        item.save(update_fields=["followup", "confirmed_at"])
    else:
        item.followup = FollowUp.MORE
        item.save(update_fields=["followup"])
    return report
