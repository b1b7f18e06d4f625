"""The review's overview, read once: where it stands in the lifecycle, its grades per area and
regulation, its plan and what is late in it, and what its next steps depend on (for what waits
for whom). A fixed number of queries, whatever the size of the review."""

import datetime
from dataclasses import dataclass

from granska.accounts.models import User
from granska.actionplans.lateness import action_dates, actions_late_since, plan_late_since
from granska.actionplans.models import ActionPlan, FollowUp, FollowUpReport, PlanStatus
from granska.grading.vocabulary import Grade
from granska.lifecycle import MOVES, Requirement, ReviewFacts, Status
from granska.reports.models import DraftComment
from granska.reviews.models import Review
from granska.reviews.progress import GradeGrid, Step, review_grade_grid, review_steps
from granska.surveys.counts import RoundSummary, round_summary
from granska.workflow.facts import review_ungraded
from granska.workflow.waiting import Standing


@dataclass(frozen=True)
class ReviewOverview:
    steps: list[Step]
    grid: GradeGrid | None  # for those who work on the review
    inspectors: list[User]
    plan: ActionPlan | None
    plan_late: datetime.date | None  # the plan's deadline, passed while it is not submitted
    unit_late: datetime.date | None  # the earliest date the unit has let pass
    standing: Standing
    facts: ReviewFacts | None  # what the moves look at, read with the grid
    survey: RoundSummary  # the survey round's state and counts, for everyone who reads it


def review_overview_read(review: Review, today: datetime.date, *, grid: bool) -> ReviewOverview:
    """The overview of `review` on `today`; its grade grid only when `grid` (the working
    material's readers). The plan is read with the review when it was selected with it."""
    plan: ActionPlan | None = getattr(review, "action_plan", None)
    inspectors = list(review.inspectors.all())
    grades = review_grade_grid(review) if grid else None
    dates = action_dates(plan) if plan is not None else []
    reports_to_confirm = 0
    if plan is not None and plan.status == PlanStatus.GODKAND:
        reports_to_confirm = FollowUpReport.objects.filter(item__plan=plan, decision="").count()
    plan_late = plan_late_since(plan, today) if plan is not None else None
    unit_late = plan_late
    if plan is not None and unit_late is None:
        unit_late = actions_late_since(plan, dates, today)

    def ungraded() -> int:
        if grades is not None:
            return grades.cells - grades.graded
        return len(review_ungraded(review))

    standing = Standing(
        status=review.status,
        inspectors=len(inspectors),
        ungraded=ungraded,
        plan=plan,
        reports_to_confirm=reports_to_confirm,
        actions_to_report=sum(1 for *_, state in dates if state in (FollowUp.OPEN, FollowUp.MORE)),
    )
    facts = None
    if grades is not None:
        facts = ReviewFacts(
            status=Status(review.status),
            inspector_count=len(inspectors),
            has_visit_date=review.visit_date is not None,
            ungraded=grades.ungraded,
            has_d=grades.has(Grade.D),
            unanswered_comments=_unanswered_comments(review),
            plan_accepted=plan is not None and plan.status == PlanStatus.GODKAND,
            actions_open=sum(1 for *_, state in dates if state != FollowUp.CONFIRMED),
        )
    return ReviewOverview(
        steps=review_steps(review),
        grid=grades,
        inspectors=inspectors,
        plan=plan,
        plan_late=plan_late,
        unit_late=unit_late,
        standing=standing,
        facts=facts,
        survey=round_summary(review),
    )


def _unanswered_comments(review: Review) -> int:
    """The unit's comments on the draft still unanswered, counted only where a move from the
    review's state looks at them."""
    looked_at = any(
        move.source == review.status and Requirement.COMMENTS_ANSWERED in move.requires
        for move in MOVES
    )
    if not looked_at:
        return 0
    return DraftComment.objects.filter(review=review, answered_at__isnull=True).count()
