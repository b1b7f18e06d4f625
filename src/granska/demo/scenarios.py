"""What the demo makes of a review: its unit, scope, inspectors, findings and how far it goes."""

import datetime
from dataclasses import dataclass

from granska.surveys.vocabulary import Group


@dataclass(frozen=True)
class DemoSurvey:
    """A review's survey round: how many of each group are invited and how many answer, how many
    days it is open for, and whether it is closed already (before the review moved on)."""

    invited: dict[Group, int]
    answered: dict[Group, int]
    closed: bool
    open_days: int = 14


@dataclass(frozen=True)
class DemoReview:
    unit: str
    regulations: tuple[str, ...]
    status: str
    visit: datetime.date | None
    inspectors: tuple[str, ...]
    # Criteria that are not fully met, by code; all others in scope are met.
    deviations: dict[str, str]
    # Areas to leave unassessed (a visit in progress), and whether grades are set.
    unassessed_areas: str = ""
    graded: bool = True
    # (area, regulation, grade, reason): grades the inspectors set against the suggestion.
    overrides: tuple[tuple[str, str, str, str], ...] = ()
    summary: tuple[str, str, str] = ("", "", "")
    # After the visit: the step of the faktagranskning or the handlingsplan the review shows
    # ("comments", "plan_draft", "plan_returned", "plan_accepted", "followup", "closed"), and how
    # many days ago its final report was issued.
    chain: str = ""
    final_days_ago: int = 0
    # The survey round, opened while the review was in förberedelse; and whether the unit
    # submitted its self-assessment then.
    survey: DemoSurvey | None = None
    self_assessment: bool = False
