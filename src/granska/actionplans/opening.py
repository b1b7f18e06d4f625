"""Opening the handlingsplan: for the workflow only, which opens it with the final report's D
(an import contract keeps the pages and the demo from calling it directly)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from granska.actionplans.models import (
    ActionItem,
    ActionPlan,
)
from granska.actionplans.services import plan_deficiencies
from granska.lifecycle import months_after
from granska.reviews.models import (
    Review,
)


@transaction.atomic
def plan_open(*, review: Review) -> ActionPlan:
    """The review's handlingsplan, created at the move to handlingsplan with an item for each
    deficiency and due three months after the final report; an existing plan is returned as is."""
    existing = ActionPlan.objects.filter(review=review).first()
    if existing is not None:
        return existing
    issued = review.final_report_date or timezone.localdate()
    plan = ActionPlan.objects.create(
        review=review, due_date=months_after(issued, settings.GRANSKA_PLAN_MONTHS)
    )
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, area_id=area_id, criterion_id=criterion_id, position=n)
        for n, (area_id, criterion_id) in enumerate(plan_deficiencies(review), start=1)
    )
    return plan
