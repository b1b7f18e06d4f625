"""The lifecycle of a review (SPEC §2) as a state machine: plain Python, no Django.

Nine states, from booked to closed. Every move between them is listed once in `MOVES`, with who
may make it and what it requires; `move_problems` says why a move cannot be made now, in terms
of the requirements (the workflow turns them into words). Nothing else in Granska decides whether
a review may change state: the workflow's moves, the page's buttons and the tests all read this.

Some moves are made by a person choosing them on the review page (`offered`); the others are made
by Granska as part of an act that decides them: a final report with a D goes on to the
handlingsplan, an accepted plan to the follow-up, the last confirmed action closes the review.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Where a review stands, in the order a review passes through them."""

    BOKAD = "bokad"
    """Booked: the kansli has registered the review."""
    FORBEREDELSE = "forberedelse"
    """Preparation: two inspectors assigned; surveys and the self-assessment before the visit."""
    BESOK = "besok"
    """The site visit: the inspectors record their findings."""
    UTKAST = "utkast"
    """The draft: narratives, summary and grades are written."""
    FAKTAGRANSKNING = "faktagranskning"
    """The fact check: the draft is with the unit, which may point out factual errors."""
    SLUTRAPPORT = "slutrapport"
    """The final report is issued."""
    HANDLINGSPLAN = "handlingsplan"
    """A D was found: the unit owes a handlingsplan, which the inspectors accept or return."""
    UPPFOLJNING = "uppfoljning"
    """The plan is accepted: each action is followed up."""
    AVSLUTAD = "avslutad"
    """Closed: the unit is due again five years after the final report."""


# While these last the inspectors' findings, grades and texts may change; from the final report
# on they are the report's, issued.
ASSESSMENT_OPEN: frozenset[Status] = frozenset(
    {Status.BOKAD, Status.FORBEREDELSE, Status.BESOK, Status.UTKAST, Status.FAKTAGRANSKNING}
)
# From the final report on, the report is no longer a draft.
REPORT_FINAL: frozenset[Status] = frozenset(
    {Status.SLUTRAPPORT, Status.HANDLINGSPLAN, Status.UPPFOLJNING, Status.AVSLUTAD}
)


class Actor(StrEnum):
    """Who makes a move: the kansli, an inspector assigned to the review, or the unit."""

    KANSLI = "kansli"
    INSPECTOR = "inspector"
    UNIT = "unit"


class Requirement(StrEnum):
    """What a move needs to be true of the review."""

    TWO_INSPECTORS = "two_inspectors"
    VISIT_DATE = "visit_date"
    EVERY_AREA_GRADED = "every_area_graded"
    COMMENTS_ANSWERED = "comments_answered"
    GRADE_D = "grade_d"
    NO_GRADE_D = "no_grade_d"
    PLAN_ACCEPTED = "plan_accepted"
    EVERY_ACTION_CONFIRMED = "every_action_confirmed"


@dataclass(frozen=True)
class Move:
    """One move of the lifecycle: from where, to where, by whom, needing what."""

    source: Status
    target: Status
    actors: frozenset[Actor]
    requires: tuple[Requirement, ...] = ()
    # Chosen by a person on the review page; otherwise made by Granska as part of another act.
    offered: bool = True
    # A step back, to correct the draft.
    back: bool = False


_KANSLI = frozenset({Actor.KANSLI})
_WORKERS = frozenset({Actor.KANSLI, Actor.INSPECTOR})

MOVES: tuple[Move, ...] = (
    Move(Status.BOKAD, Status.FORBEREDELSE, _KANSLI, (Requirement.TWO_INSPECTORS,)),
    Move(
        Status.FORBEREDELSE,
        Status.BESOK,
        _KANSLI,
        (Requirement.TWO_INSPECTORS, Requirement.VISIT_DATE),
    ),
    Move(Status.BESOK, Status.UTKAST, _WORKERS),
    Move(Status.UTKAST, Status.FAKTAGRANSKNING, _WORKERS, (Requirement.EVERY_AREA_GRADED,)),
    Move(
        Status.FAKTAGRANSKNING,
        Status.SLUTRAPPORT,
        _KANSLI,
        (Requirement.EVERY_AREA_GRADED, Requirement.COMMENTS_ANSWERED),
    ),
    # The final report with a D goes on at once: the unit owes its plan.
    Move(Status.SLUTRAPPORT, Status.HANDLINGSPLAN, _KANSLI, (Requirement.GRADE_D,), offered=False),
    Move(Status.SLUTRAPPORT, Status.AVSLUTAD, _KANSLI, (Requirement.NO_GRADE_D,)),
    # Made by accepting the plan, and by confirming the follow-up of its last action.
    Move(
        Status.HANDLINGSPLAN,
        Status.UPPFOLJNING,
        _WORKERS,
        (Requirement.PLAN_ACCEPTED,),
        offered=False,
    ),
    Move(
        Status.UPPFOLJNING,
        Status.AVSLUTAD,
        _WORKERS,
        (Requirement.EVERY_ACTION_CONFIRMED,),
        offered=False,
    ),
    Move(Status.FAKTAGRANSKNING, Status.UTKAST, _WORKERS, back=True),
    Move(Status.UTKAST, Status.BESOK, _WORKERS, back=True),
)


@dataclass(frozen=True)
class ReviewFacts:
    """What the requirements look at, read from the review and what hangs from it."""

    status: Status
    inspector_count: int = 0
    has_visit_date: bool = False
    # "E (HSLF-FS 2021:8)" for every area and regulation in scope without a grade.
    ungraded: tuple[str, ...] = ()
    has_d: bool = False
    # The unit's comments on the draft that the inspectors have not yet answered.
    unanswered_comments: int = 0
    plan_accepted: bool = False
    # The planned actions whose follow-up is not yet confirmed.
    actions_open: int = 0


class Refusal(StrEnum):
    """Why a move cannot be made, besides an unmet requirement."""

    NO_SUCH_MOVE = "no_such_move"
    NOT_YOURS = "not_yours"


@dataclass(frozen=True)
class Problem:
    """One reason a move is refused: an unmet requirement, or a move that is not there to make
    (`refusal`). The workflow says it in words."""

    requirement: Requirement | None = None
    refusal: Refusal | None = None


def holds(requirement: Requirement, facts: ReviewFacts) -> bool:
    """Whether `requirement` is true of the review `facts` describe."""
    match requirement:
        case Requirement.TWO_INSPECTORS:
            return facts.inspector_count == 2
        case Requirement.VISIT_DATE:
            return facts.has_visit_date
        case Requirement.EVERY_AREA_GRADED:
            return not facts.ungraded
        case Requirement.COMMENTS_ANSWERED:
            return facts.unanswered_comments == 0
        case Requirement.GRADE_D:
            return facts.has_d
        case Requirement.NO_GRADE_D:
            return not facts.has_d
        case Requirement.PLAN_ACCEPTED:
            return facts.plan_accepted
        case Requirement.EVERY_ACTION_CONFIRMED:
            return facts.plan_accepted and facts.actions_open == 0


def move_between(source: Status, target: Status) -> Move | None:
    """The move from `source` to `target`, if the lifecycle has one."""
    return next((m for m in MOVES if m.source == source and m.target == target), None)


def moves_from(status: Status, actors: Iterable[Actor], *, offered: bool = True) -> list[Move]:
    """The moves from `status` that one of `actors` may make, forward first; only those chosen
    on the review page unless `offered` is false."""
    mine = frozenset(actors)
    found = [
        m for m in MOVES if m.source == status and m.actors & mine and (m.offered or not offered)
    ]
    return sorted(found, key=lambda move: move.back)


def move_problems(facts: ReviewFacts, target: Status, actors: Iterable[Actor]) -> list[Problem]:
    """Why one of `actors` may not move the review to `target` now; empty when they may."""
    move = move_between(facts.status, target)
    if move is None:
        return [Problem(refusal=Refusal.NO_SUCH_MOVE)]
    if not move.actors & frozenset(actors):
        return [Problem(refusal=Refusal.NOT_YOURS)]
    return [Problem(requirement=r) for r in move.requires if not holds(r, facts)]


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days: when a plan
    is due after the final report, and when the unit is due for its next review."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
