"""The lifecycle's moves, made for every caller: who may make which (the pure `lifecycle`), what
each requires, and what goes with it (the final report, the handlingsplan). `_move` is the only
place a review's status is set."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.actionplans.opening import plan_open
from granska.choices import status_label
from granska.lifecycle import (
    Actor,
    Problem,
    Refusal,
    Requirement,
    ReviewFacts,
    Status,
    move_between,
    move_problems,
    moves_from,
)
from granska.reports.issuing import report_issue_final
from granska.reports.models import FinalReport
from granska.reviews.models import Review, StatusChange
from granska.workflow.facts import review_facts


def actors_of(user: User, review: Review) -> frozenset[Actor]:
    """As whom `user` acts on `review`: the kansli, an assigned inspector, the unit."""
    actors = set()
    if user.has_perm("reviews.manage"):
        actors.add(Actor.KANSLI)
    if user.has_perm("reviews.change_review", review):
        actors.add(Actor.INSPECTOR)
    if user.has_perm("actionplans.write_plan", review):
        actors.add(Actor.UNIT)
    return frozenset(actors)


def problem_text(problem: Problem, facts: ReviewFacts, target: Status) -> str:
    """Why a move is refused, in the words of the person trying it."""
    if problem.refusal == Refusal.NO_SUCH_MOVE:
        return _("A review cannot move from %(current)s to %(target)s.") % {
            "current": status_label(facts.status),
            "target": status_label(target),
        }
    if problem.refusal == Refusal.NOT_YOURS:
        return str(_("You may not make this move."))
    match problem.requirement:
        case Requirement.TWO_INSPECTORS:
            return _("Two inspectors must be assigned (now %(count)d).") % {
                "count": facts.inspector_count
            }
        case Requirement.VISIT_DATE:
            return str(_("The visit date must be set."))
        case Requirement.EVERY_AREA_GRADED:
            return _(
                "Every area needs a grade for every regulation in scope; missing: %(missing)s."
            ) % {"missing": ", ".join(facts.ungraded)}
        case Requirement.COMMENTS_ANSWERED:
            return ngettext(
                "The unit's comment on the draft is not answered yet.",
                "The unit's %(count)d comments on the draft are not answered yet.",
                facts.unanswered_comments,
            ) % {"count": facts.unanswered_comments}
        case Requirement.GRADE_D:
            return str(_("An action plan is required only when an area has grade D."))
        case Requirement.NO_GRADE_D:
            return str(_("An area has grade D: the review continues with the unit's action plan."))
        case Requirement.PLAN_ACCEPTED:
            return str(_("The action plan is not accepted yet."))
        case Requirement.EVERY_ACTION_CONFIRMED:
            return str(_("Not every action of the plan is confirmed as followed up yet."))
    raise AssertionError(problem)


def _move(*, review: Review, target: Status, by: User, actors: frozenset[Actor]) -> None:
    """Moves `review` (locked by the caller) to `target` after checking the lifecycle once more,
    and records who and when. Every change of status passes here."""
    facts = review_facts(review)
    problems = move_problems(facts, target, actors)
    if problems:
        raise ValidationError({"status": [problem_text(p, facts, target) for p in problems]})
    StatusChange.objects.create(review=review, from_status=review.status, to_status=target, by=by)
    review.status = target
    review.save(update_fields=["status", "updated_at"])


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


@transaction.atomic
def review_move(*, review: Review, target: str, by: User) -> Review:
    """Moves a review to `target` when the lifecycle lets `by` make that move now.

    The final report is issued with the move to slutrapport, in its transaction: no move without
    it. A final report with a D goes on at once to the handlingsplan, which the unit then owes.
    Someone who may make no such move is refused (PermissionDenied); a move that exists for them
    but whose requirements fail is refused with the reasons (ValidationError)."""
    review = _locked(review)
    actors = actors_of(by, review)
    wanted = Status(target) if target in Status else None
    move = move_between(Status(review.status), wanted) if wanted else None
    if move is None or not move.offered or not move.actors & actors:
        if Actor.KANSLI not in actors and (move is None or not move.actors & actors):
            raise PermissionDenied(_("You may not make this move."))
        current = status_label(review.status)
        raise ValidationError(
            {
                "status": _("A review cannot move from %(current)s to %(target)s.")
                % {"current": current, "target": status_label(target) if wanted else target}
            }
        )
    assert wanted is not None
    _move(review=review, target=wanted, by=by, actors=actors)
    if wanted == Status.SLUTRAPPORT:
        _final_report_issue(review=review, by=by)
        if review_facts(review).has_d:
            _move(review=review, target=Status.HANDLINGSPLAN, by=by, actors=actors)
    if review.status == Status.HANDLINGSPLAN:
        plan_open(review=review)
    return review


def _final_report_issue(*, review: Review, by: User) -> FinalReport:
    report = report_issue_final(review=review, by=by)
    if review.final_report_date is None:
        review.final_report_date = timezone.localdate(report.issued_at)
        review.save(update_fields=["final_report_date", "updated_at"])
    return report


@transaction.atomic
def final_report_correct(*, review: Review, by: User) -> FinalReport:
    """The kansli issues a corrected final report: the next version, replacing the current one."""
    require(by, "reviews.manage")
    return _final_report_issue(review=_locked(review), by=by)


@dataclass(frozen=True)
class MoveOption:
    """A move the person may choose on the review page, with what stands in its way."""

    target: str
    label: str
    problems: list[str]


def review_moves(
    review: Review, user: User, *, facts: ReviewFacts | None = None
) -> list[MoveOption]:
    """The lifecycle moves `user` may choose from here, forward first, each with its problems
    (from `facts` when the page has read them already)."""
    actors = actors_of(user, review)
    facts = facts or review_facts(review)
    return [
        MoveOption(
            target=move.target,
            label=status_label(move.target),
            problems=[
                problem_text(p, facts, move.target)
                for p in move_problems(facts, move.target, actors)
            ],
        )
        for move in moves_from(Status(review.status), actors)
    ]
