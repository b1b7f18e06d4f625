"""A review's whole history: its own changes, its handlingsplan's and its report's, newest
first; and the history filtered by area, person and kind of change."""

from collections.abc import Sequence
from dataclasses import dataclass

from django_stubs_ext import StrOrPromise

from granska.actionplans.history import PLAN_KINDS, plan_changes
from granska.reports.history import REPORT_KINDS, report_changes
from granska.reviews.history import (
    BY_SYSTEM,
    REVIEW_KINDS,
    HistoryEntry,
    review_changes,
    user_name,
)
from granska.reviews.models import Review

# Every kind of change the history holds, in the order of a review's life.
HISTORY_KINDS: dict[str, StrOrPromise] = {**REVIEW_KINDS, **REPORT_KINDS, **PLAN_KINDS}


def review_history(review: Review, *, plan_drafts: bool = False) -> list[HistoryEntry]:
    """Every recorded change to the review, its report and its plan, newest first; the unit's
    unsent plan draft only with `plan_drafts` (for those who may write the plan). A fixed
    number of queries, however long the history."""
    entries = (
        review_changes(review)
        + report_changes(review)
        + plan_changes(review, plan_drafts=plan_drafts)
    )
    # Each part lists its changes oldest first among those made at the same moment (the moves
    # of one act); reversed before the stable sort, those come newest first too.
    entries.reverse()
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


@dataclass(frozen=True)
class HistoryPerson:
    key: str  # HistoryEntry.by_key
    name: str


def history_people(entries: Sequence[HistoryEntry]) -> list[HistoryPerson]:
    """Everyone who made a change in `entries` (Granska itself last), by name."""
    people = {entry.by_key: entry.by for entry in entries}
    system = people.pop(BY_SYSTEM, None)
    found = [HistoryPerson(key, name) for key, name in people.items()]
    found.sort(key=lambda person: (person.name.casefold(), person.key))
    if system is not None:
        found.append(HistoryPerson(BY_SYSTEM, user_name(None)))
    return found


def history_filter(
    entries: Sequence[HistoryEntry], *, area: str = "", person: str = "", kind: str = ""
) -> list[HistoryEntry]:
    """The entries about `area` (a code), by `person` (a `HistoryEntry.by_key`) and of `kind`;
    an empty value does not filter."""
    return [
        entry
        for entry in entries
        if (not area or entry.area == area)
        and (not person or entry.by_key == person)
        and (not kind or entry.kind == kind)
    ]
