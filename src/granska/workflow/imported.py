"""A review made from an earlier report (the import, issue 13) is not moved through the
lifecycle: it was booked, visited, reported and followed up years ago, outside Granska. It is
created in the state its report shows, and this is the one place besides `moves._move` where a
review's status is set: with a StatusChange from "bokad" that records the import, so that the
history says how the review came to stand where it does."""

from django.db import transaction

from granska.accounts.models import User
from granska.lifecycle import Status
from granska.reviews.models import Review, StatusChange


@transaction.atomic
def review_imported(*, review: Review, status: Status, by: User) -> Review:
    """Sets the status of `review`, just made from an imported report, to `status`, recording
    the change as made by `by` (the kansli who imported it). Only for a review still "bokad"
    that nothing has moved: a review under way passes through `review_move` alone."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != Status.BOKAD or review.status_changes.exists():
        raise ValueError(f"review {review.pk} has moved: an import sets only a new review's state")
    StatusChange.objects.create(review=review, from_status=review.status, to_status=status, by=by)
    review.status = status
    review.save(update_fields=["status", "updated_at"])
    return review
