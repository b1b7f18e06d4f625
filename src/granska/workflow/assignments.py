"""Assigning an inspector, and telling them."""

from django.db import transaction

from granska.accounts.models import User
from granska.reviews.models import Assignment, Review
from granska.reviews.services import inspector_assign as assignment_record
from granska.workflow.announce import assigned_announce


@transaction.atomic
def inspector_assign(*, by: User, review: Review, inspector: User) -> Assignment:
    """Assigns an inspector (`reviews.services.inspector_assign` checks who may, and the ties)
    and tells them, with a link to the review."""
    assignment = assignment_record(by=by, review=review, inspector=inspector)
    assigned_announce(review=assignment.review, inspector=inspector)
    return assignment
