"""The lifecycle's moves, made for every caller: who may make which (the pure `lifecycle`), what
each requires, and what goes with it (the final report, the handlingsplan). `_move` is the only
place a review's status is set."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.actionplans.models import ActionPlan
from granska.actionplans.opening import plan_open
from granska.choices import status_label
from granska.glyphs import character_label, unshowable
from granska.grading.vocabulary import Grade
from granska.lifecycle import (
    Actor,
    Problem,
    Refusal,
    Requirement,
    ReviewFacts,
    Status,
    months_after,
    move_between,
    move_problems,
    moves_from,
)
from granska.refusals import not_sent, too_long
from granska.reports.issuing import report_issue_final
from granska.reports.limits import REASON_MAX_CHARS
from granska.reports.models import DraftComment, FinalReport
from granska.reviews.models import AreaGrade, Review, StatusChange
from granska.reviews.services import imported_refusal
from granska.text import clean_text
from granska.workflow.announce import move_announce, report_announce
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
    and records who and when. Every change of status passes here (an imported review, made in
    its state by `workflow.imported`, never moves)."""
    if review.is_imported:
        raise ValidationError({"status": imported_refusal()})
    facts = review_facts(review)
    problems = move_problems(facts, target, actors)
    if problems:
        raise ValidationError({"status": [problem_text(p, facts, target) for p in problems]})
    StatusChange.objects.create(review=review, from_status=review.status, to_status=target, by=by)
    review.status = target
    review.save(update_fields=["status", "updated_at"])


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def _offered_move(review: Review, target: str, actors: frozenset[Actor]) -> Status:
    """The status `target` names, when the lifecycle offers one of `actors` that move from where
    `review` stands: PermissionDenied for someone with no such move, ValidationError (for the
    kansli) for a move that is not there."""
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
    return wanted


@transaction.atomic
def review_move(*, review: Review, target: str, by: User) -> Review:
    """Moves a review to `target` when the lifecycle lets `by` make that move now.

    The final report is issued with the move to slutrapport, in its transaction: no move without
    it. A final report with a D goes on at once to the handlingsplan, which the unit then owes.
    Someone who may make no such move is refused (PermissionDenied); a move that exists for them
    but whose requirements fail is refused with the reasons (ValidationError)."""
    review = _locked(review)
    actors = actors_of(by, review)
    wanted = _offered_move(review, target, actors)
    _move(review=review, target=wanted, by=by, actors=actors)
    if wanted == Status.SLUTRAPPORT:
        _final_report_issue(review=review, by=by)
        if review_facts(review).has_d:
            _move(review=review, target=Status.HANDLINGSPLAN, by=by, actors=actors)
    if review.status == Status.HANDLINGSPLAN:
        plan_open(review=review)
    move_announce(review)
    return review


def _final_report_issue(*, review: Review, by: User, reason: str = "") -> FinalReport:
    report = report_issue_final(review=review, by=by, reason=reason)
    if review.final_report_date is None:
        review.final_report_date = timezone.localdate(report.issued_at)
        review.save(update_fields=["final_report_date", "updated_at"])
    return report


@transaction.atomic
def final_report_correct(*, review: Review, by: User, reason: str | None) -> FinalReport:
    """The kansli issues a corrected final report: the next version, replacing the current one.
    A correction says why (`reason`, shown in the version list and inside the report); an empty
    or missing reason is refused."""
    require(by, "reviews.manage")
    if review.is_imported:
        # Granska never issued its report: the original file is the report.
        raise ValidationError({"status": imported_refusal()})
    if reason is None:
        raise ValidationError({"reason": not_sent(_("Reason for the correction"))})
    reason = clean_text(reason).strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Describe why the final report is corrected, so that its readers know.")}
        )
    problem = too_long(
        reason,
        REASON_MAX_CHARS,
        _("The reason may be at most %(limit)s characters long (now %(length)s)."),
    )
    if problem:
        raise ValidationError({"reason": problem})
    if missing := unshowable(reason):
        raise ValidationError(
            {
                "reason": _(
                    "The reason holds a character the report cannot show: %(characters)s. "
                    "Write it without."
                )
                % {"characters": ", ".join(character_label(char) for char in missing)}
            }
        )
    review = _locked(review)
    report = _final_report_issue(review=review, by=by, reason=reason)
    report_announce(review=review, report=report)
    return report


# The act each move is, as its button says it; a move not named here is "Flytta till …".
_MOVE_LABELS: dict[tuple[Status, Status], StrOrPromise] = {
    (Status.BOKAD, Status.FORBEREDELSE): gettext_lazy("Start the preparation"),
    (Status.FORBEREDELSE, Status.BESOK): gettext_lazy("Start the site visit"),
    (Status.BESOK, Status.UTKAST): gettext_lazy("Start writing the draft"),
    (Status.UTKAST, Status.FAKTAGRANSKNING): gettext_lazy("Send to the fact check"),
    (Status.FAKTAGRANSKNING, Status.SLUTRAPPORT): gettext_lazy("Issue the final report"),
    (Status.SLUTRAPPORT, Status.AVSLUTAD): gettext_lazy("Close the review"),
    (Status.FAKTAGRANSKNING, Status.UTKAST): gettext_lazy("Return to the draft"),
    (Status.UTKAST, Status.BESOK): gettext_lazy("Return to the site visit"),
}

# Where a review stands after a move, as the message after it says it.
_NOW: dict[Status, StrOrPromise] = {
    Status.BOKAD: gettext_lazy("The review is now booked."),
    Status.FORBEREDELSE: gettext_lazy("The review is now in preparation."),
    Status.BESOK: gettext_lazy("The review is now at the site visit."),
    Status.UTKAST: gettext_lazy("The review is now at the draft."),
    Status.FAKTAGRANSKNING: gettext_lazy("The review is now in the fact check."),
    Status.SLUTRAPPORT: gettext_lazy("The review is now at the final report."),
    Status.HANDLINGSPLAN: gettext_lazy("The review is now at the action plan."),
    Status.UPPFOLJNING: gettext_lazy("The review is now in the follow-up."),
    Status.AVSLUTAD: gettext_lazy("The review is now closed."),
}


def move_label(source: str, target: str) -> str:
    """The act of moving from `source` to `target`, as its button says it."""
    label = _MOVE_LABELS.get((Status(source), Status(target)))
    if label is None:
        return _("Move to %(status)s") % {"status": status_label(target).lower()}
    return str(label)


def review_now_text(review: Review) -> str:
    """Where `review` stands now, in the words of the message after a move: the state it is
    actually in (a final report with a D is at the action plan, with its due date)."""
    status = Status(review.status)
    text = str(_NOW[status])
    if status == Status.HANDLINGSPLAN:
        plan = ActionPlan.objects.filter(review=review).first()
        if plan is not None:
            text += " " + _("The unit submits its action plan by %(date)s.") % {
                "date": plan.due_date.isoformat()
            }
    return text


def _visit_ahead(review: Review) -> bool:
    return review.visit_date is not None and review.visit_date > timezone.localdate()


def move_asks_confirmation(review: Review, target: str) -> bool:
    """Whether the move to `target` is made only after the person has confirmed it: the final
    report (an official document, issued and perhaps published), a step back (it undoes), and the
    site visit before its date."""
    move = move_between(Status(review.status), Status(target)) if target in Status else None
    if move is None:
        return False
    return (
        move.back
        or move.target == Status.SLUTRAPPORT
        or (move.target == Status.BESOK and _visit_ahead(review))
    )


def areas_text(codes: list[str]) -> str:
    """ "D", "D och E", "D, E och H"."""
    if len(codes) == 1:
        return codes[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(codes[:-1]), "last": codes[-1]}


def report_issue_changes(review: Review) -> list[str]:
    """What issuing `review`'s final report (again) changes: the version it becomes, the one it
    replaces, and the published copy."""
    current = (
        FinalReport.objects.filter(review=review, replaced_at__isnull=True)
        .order_by("-version")
        .first()
    )
    last = FinalReport.objects.filter(review=review).order_by("-version").first()
    version = (last.version if last else 0) + 1
    if current is None:
        changes = [_("The final report is issued as version %(version)d.") % {"version": version}]
        if review.publish_report:
            changes.append(_("The final report is published on the list of published reports."))
        else:
            changes.append(_("The final report is not published (as the booking says)."))
        return changes
    changes = [
        _("The final report is issued again as version %(version)d; version %(old)d is replaced.")
        % {"version": version, "old": current.version}
    ]
    if review.publish_report:
        changes.append(_("The published report is replaced by the new version."))
    return changes


def move_changes(review: Review, target: str) -> list[str]:
    """What the move of `review` to `target` changes, for its confirmation page: what is issued,
    published or undone."""
    source, wanted = Status(review.status), Status(target)
    move = move_between(source, wanted)
    changes: list[str] = []
    if wanted == Status.BESOK and source == Status.FORBEREDELSE and _visit_ahead(review):
        assert review.visit_date is not None
        changes.append(
            _("The visit date, %(date)s, has not come yet; the review moves to the site visit now.")
            % {"date": review.visit_date.isoformat()}
        )
    if wanted == Status.SLUTRAPPORT:
        changes += report_issue_changes(review)
        changes.append(
            str(
                _(
                    "The findings, grades and texts are the final report's: they can no longer "
                    "be changed."
                )
            )
        )
        changes.append(str(_("The fact check ends: the unit can no longer comment on the draft.")))
        d_areas = list(
            AreaGrade.objects.filter(assessment__review=review, grade=Grade.D)
            .order_by("assessment__area__position")
            .values_list("assessment__area__code", flat=True)
            .distinct()
        )
        if d_areas:
            issued = review.final_report_date or timezone.localdate()
            due = months_after(issued, settings.GRANSKA_PLAN_MONTHS)
            changes.append(
                ngettext(
                    "Area %(areas)s has grade D: the review goes on to the action plan, which "
                    "the unit submits by %(date)s.",
                    "Areas %(areas)s have grade D: the review goes on to the action plan, which "
                    "the unit submits by %(date)s.",
                    len(d_areas),
                )
                % {"areas": areas_text(d_areas), "date": due.isoformat()}
            )
    if source == Status.FAKTAGRANSKNING and wanted == Status.UTKAST:
        changes.append(
            str(
                _(
                    "The draft is taken back from the unit: it can no longer read or comment on "
                    "it until the draft is sent to the fact check again."
                )
            )
        )
        comments = DraftComment.objects.filter(review=review).count()
        if comments:
            changes.append(
                ngettext(
                    "The unit's comment on the draft stays.",
                    "The unit's %(count)d comments on the draft stay.",
                    comments,
                )
                % {"count": comments}
            )
    if source == Status.UTKAST and wanted == Status.BESOK:
        changes.append(str(_("The draft stage is undone: the review is back at the site visit.")))
    if move is not None and move.back:
        changes.append(
            str(_("Nothing the inspectors wrote is removed: findings, grades and texts stay."))
        )
    return changes


def move_check(*, review: Review, target: str, by: User) -> None:
    """Refuses the move of `review` to `target` as `review_move` would, without making it: for
    the confirmation page, which is shown only for a move that can be made."""
    actors = actors_of(by, review)
    _offered_move(review, target, actors)
    facts = review_facts(review)
    problems = move_problems(facts, Status(target), actors)
    if problems:
        raise ValidationError(
            {"status": [problem_text(p, facts, Status(target)) for p in problems]}
        )


@dataclass(frozen=True)
class MoveOption:
    """A move the person may choose on the review page: the act its button says, what stands
    in its way (the button is disabled, with these reasons beside it), and whether it is made
    only after a confirmation page."""

    target: str
    label: str
    problems: list[str]
    back: bool = False
    confirms: bool = False


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
            label=move_label(review.status, move.target),
            problems=[
                problem_text(p, facts, move.target)
                for p in move_problems(facts, move.target, actors)
            ],
            back=move.back,
            confirms=move_asks_confirmation(review, move.target),
        )
        for move in moves_from(Status(review.status), actors)
    ]
