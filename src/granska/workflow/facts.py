"""What the lifecycle's requirements look at, read from the review and every app hanging off it."""

from granska.actionplans.models import ActionItem, ActionPlan, FollowUp, PlanStatus
from granska.grading.vocabulary import Grade
from granska.lifecycle import ReviewFacts, Status
from granska.reports.models import DraftComment
from granska.reviews.models import AreaGrade, Review


def review_ungraded(review: Review) -> tuple[str, ...]:
    """ "E (HSLF-FS 2021:8)" for every area and regulation in scope without a grade."""
    graded = set(
        AreaGrade.objects.filter(assessment__review=review).values_list(
            "assessment__area__code", "regulation"
        )
    )
    return tuple(
        f"{code} ({regulation})"
        for code in review.protocol.areas.order_by("position").values_list("code", flat=True)
        for regulation in review.regulations
        if (code, regulation) not in graded
    )


def review_facts(review: Review) -> ReviewFacts:
    """What the lifecycle rules need to know about `review`."""
    plan = ActionPlan.objects.filter(review=review).first()
    return ReviewFacts(
        status=Status(review.status),
        inspector_count=review.assignments.count(),
        has_visit_date=review.visit_date is not None,
        ungraded=review_ungraded(review),
        has_d=AreaGrade.objects.filter(assessment__review=review, grade=Grade.D).exists(),
        unanswered_comments=DraftComment.objects.filter(
            review=review, answered_at__isnull=True
        ).count(),
        plan_accepted=plan is not None and plan.status == PlanStatus.GODKAND,
        actions_open=ActionItem.objects.filter(plan=plan)
        .exclude(followup=FollowUp.CONFIRMED)
        .count()
        if plan is not None
        else 0,
    )
