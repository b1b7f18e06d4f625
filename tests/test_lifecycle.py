"""The lifecycle's state machine: every state reachable, no move without its requirements, no
path to the end that skips the handlingsplan, and nothing issued taken back."""

import dataclasses
from collections import deque
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from granska.lifecycle import (
    MOVES,
    REPORT_FINAL,
    Actor,
    Problem,
    Refusal,
    Requirement,
    ReviewFacts,
    Status,
    holds,
    move_between,
    move_problems,
    moves_from,
)

EVERYTHING_MET = ReviewFacts(
    status=Status.BOKAD,
    inspector_count=2,
    has_visit_date=True,
    plan_accepted=True,
)


def test_every_state_is_reachable_from_booked_and_only_closed_is_an_end() -> None:
    reached = {Status.BOKAD}
    queue = deque([Status.BOKAD])
    while queue:
        status = queue.popleft()
        for move in MOVES:
            if move.source == status and move.target not in reached:
                reached.add(move.target)
                queue.append(move.target)
    assert reached == set(Status)
    assert {m.source for m in MOVES} == set(Status) - {Status.AVSLUTAD}


def test_each_move_is_listed_once() -> None:
    pairs = [(m.source, m.target) for m in MOVES]
    assert len(pairs) == len(set(pairs))


def test_an_issued_report_is_never_moved_back_to_a_draft() -> None:
    for move in MOVES:
        if move.source in REPORT_FINAL:
            assert move.target in REPORT_FINAL


def test_the_unit_makes_no_move() -> None:
    assert all(Actor.UNIT not in move.actors for move in MOVES)
    assert moves_from(Status.UTKAST, [Actor.UNIT]) == []


def test_a_move_not_in_the_lifecycle_is_refused_whoever_asks() -> None:
    facts = dataclasses.replace(EVERYTHING_MET, status=Status.BOKAD)
    assert move_problems(facts, Status.SLUTRAPPORT, [Actor.KANSLI]) == [
        Problem(refusal=Refusal.NO_SUCH_MOVE)
    ]


def test_an_inspector_may_not_issue_the_final_report() -> None:
    facts = dataclasses.replace(EVERYTHING_MET, status=Status.FAKTAGRANSKNING)
    assert move_problems(facts, Status.SLUTRAPPORT, [Actor.INSPECTOR]) == [
        Problem(refusal=Refusal.NOT_YOURS)
    ]
    assert move_problems(facts, Status.SLUTRAPPORT, [Actor.KANSLI]) == []


def test_the_final_report_needs_every_grade_and_every_comment_answered() -> None:
    facts = ReviewFacts(
        status=Status.FAKTAGRANSKNING, ungraded=("E (HSLF-FS 2021:8)",), unanswered_comments=2
    )
    assert move_problems(facts, Status.SLUTRAPPORT, [Actor.KANSLI]) == [
        Problem(requirement=Requirement.EVERY_AREA_GRADED),
        Problem(requirement=Requirement.COMMENTS_ANSWERED),
    ]


def test_a_review_with_a_d_closes_only_through_its_plan() -> None:
    with_d = ReviewFacts(status=Status.SLUTRAPPORT, has_d=True)
    assert move_problems(with_d, Status.AVSLUTAD, [Actor.KANSLI]) == [
        Problem(requirement=Requirement.NO_GRADE_D)
    ]
    followed = ReviewFacts(status=Status.UPPFOLJNING, has_d=True, plan_accepted=True)
    assert move_problems(followed, Status.AVSLUTAD, [Actor.INSPECTOR]) == []
    assert move_problems(
        dataclasses.replace(followed, actions_open=1), Status.AVSLUTAD, [Actor.INSPECTOR]
    ) == [Problem(requirement=Requirement.EVERY_ACTION_CONFIRMED)]


def test_the_moves_made_by_other_acts_are_not_offered_as_buttons() -> None:
    offered = {(m.source, m.target) for m in MOVES if m.offered}
    assert (Status.SLUTRAPPORT, Status.HANDLINGSPLAN) not in offered
    assert (Status.HANDLINGSPLAN, Status.UPPFOLJNING) not in offered
    assert (Status.UPPFOLJNING, Status.AVSLUTAD) not in offered
    assert moves_from(Status.HANDLINGSPLAN, [Actor.KANSLI]) == []
    assert [m.target for m in moves_from(Status.HANDLINGSPLAN, [Actor.KANSLI], offered=False)] == [
        Status.UPPFOLJNING
    ]


def test_forward_moves_come_before_steps_back() -> None:
    targets = [m.target for m in moves_from(Status.FAKTAGRANSKNING, [Actor.KANSLI])]
    assert targets == [Status.SLUTRAPPORT, Status.UTKAST]


# What makes each requirement hold.
MEETS: dict[Requirement, dict[str, Any]] = {
    Requirement.TWO_INSPECTORS: {"inspector_count": 2},
    Requirement.VISIT_DATE: {"has_visit_date": True},
    Requirement.EVERY_AREA_GRADED: {"ungraded": ()},
    Requirement.COMMENTS_ANSWERED: {"unanswered_comments": 0},
    Requirement.GRADE_D: {"has_d": True},
    Requirement.NO_GRADE_D: {"has_d": False},
    Requirement.PLAN_ACCEPTED: {"plan_accepted": True},
    Requirement.EVERY_ACTION_CONFIRMED: {"plan_accepted": True, "actions_open": 0},
}


def test_every_requirement_can_be_met() -> None:
    assert set(MEETS) == set(Requirement)
    for requirement, change in MEETS.items():
        assert holds(requirement, dataclasses.replace(ReviewFacts(Status.BOKAD), **change))


class ReviewLife(RuleBasedStateMachine):
    """A review whose facts change at random while people try every move: whenever a move is
    made, what it requires holds; the review only ever stands where a chain of moves leads."""

    def __init__(self) -> None:
        super().__init__()
        self.facts = ReviewFacts(status=Status.BOKAD)
        self.path: list[tuple[Status, ReviewFacts]] = []

    @rule(count=st.integers(min_value=0, max_value=3))
    def inspectors(self, count: int) -> None:
        self.facts = dataclasses.replace(self.facts, inspector_count=count)

    @rule(has=st.booleans())
    def visit_date(self, has: bool) -> None:
        self.facts = dataclasses.replace(self.facts, has_visit_date=has)

    @rule(ungraded=st.lists(st.sampled_from(["A (2021)", "E (2015)"]), max_size=2, unique=True))
    def grades(self, ungraded: list[str]) -> None:
        self.facts = dataclasses.replace(self.facts, ungraded=tuple(ungraded))

    @rule(has_d=st.booleans())
    def d(self, has_d: bool) -> None:
        self.facts = dataclasses.replace(self.facts, has_d=has_d)

    @rule(count=st.integers(min_value=0, max_value=2))
    def comments(self, count: int) -> None:
        self.facts = dataclasses.replace(self.facts, unanswered_comments=count)

    @rule(accepted=st.booleans(), open_actions=st.integers(min_value=0, max_value=2))
    def plan(self, accepted: bool, open_actions: int) -> None:
        self.facts = dataclasses.replace(
            self.facts, plan_accepted=accepted, actions_open=open_actions
        )

    @rule(
        to=st.sampled_from(list(Status)),
        actors=st.sets(st.sampled_from(list(Actor)), min_size=1),
    )
    def try_move(self, to: Status, actors: set[Actor]) -> None:
        problems = move_problems(self.facts, to, actors)
        move = move_between(self.facts.status, to)
        if problems:
            return
        assert move is not None
        assert move.actors & actors
        for requirement in move.requires:
            assert holds(requirement, self.facts)
        self.path.append((to, self.facts))
        self.facts = dataclasses.replace(self.facts, status=to)

    @rule(data=st.data())
    def try_a_move_from_here(self, data: st.DataObject) -> None:
        """One of the moves the lifecycle has from where the review stands, so that the walk
        goes deep as often as it stops at a refusal."""
        here = [m for m in MOVES if m.source == self.facts.status]
        if here:
            move = data.draw(st.sampled_from(here))
            self.try_move(move.target, set(move.actors))

    @rule(data=st.data())
    def do_what_a_move_needs_and_make_it(self, data: st.DataObject) -> None:
        """As people do: meet a move's requirements, then make it."""
        here = [m for m in MOVES if m.source == self.facts.status]
        if not here:
            return
        move = data.draw(st.sampled_from(here))
        for requirement in move.requires:
            self.facts = dataclasses.replace(self.facts, **MEETS[requirement])
        self.try_move(move.target, set(move.actors))

    @invariant()
    def closed_only_with_no_d_or_every_action_confirmed(self) -> None:
        if self.path and self.path[-1][0] == Status.AVSLUTAD:
            facts = self.path[-1][1]
            assert not facts.has_d or (facts.plan_accepted and facts.actions_open == 0)

    @invariant()
    def reported_only_when_graded_and_answered(self) -> None:
        for target, facts in self.path:
            if target == Status.SLUTRAPPORT:
                assert facts.ungraded == ()
                assert facts.unanswered_comments == 0
            if target == Status.FORBEREDELSE:
                assert facts.inspector_count == 2


TestReviewLife = ReviewLife.TestCase
TestReviewLife.settings = settings(max_examples=200, stateful_step_count=60, deadline=None)
