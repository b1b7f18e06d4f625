"""A review's whole history: its own changes and its handlingsplan's, newest first."""

from granska.actionplans.history import plan_changes
from granska.reviews.history import HistoryEntry, review_changes
from granska.reviews.models import Review


def review_history(review: Review, *, plan_drafts: bool = False) -> list[HistoryEntry]:
    """Every recorded change to the review and its plan, newest first; the unit's unsent plan
    draft only with `plan_drafts` (for those who may write the plan)."""
    entries = review_changes(review) + plan_changes(review, plan_drafts=plan_drafts)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
