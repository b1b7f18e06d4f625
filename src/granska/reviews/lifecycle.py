"""The lifecycle of a review (SPEC §2): which moves exist and what each requires.

Plain functions on plain data: `ReviewFacts` says what a move depends on, `move_problems` says
in Swedish (through gettext) why a move is refused, an empty list when it is allowed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from granska.reviews.models import Status

# Forward steps in order, and the steps back that correcting a draft needs.
FORWARD: dict[str, str] = {
    Status.BOKAD: Status.FORBEREDELSE,
    Status.FORBEREDELSE: Status.BESOK,
    Status.BESOK: Status.UTKAST,
    Status.UTKAST: Status.FAKTAGRANSKNING,
    Status.FAKTAGRANSKNING: Status.SLUTRAPPORT,
}
BACK: dict[str, str] = {
    Status.FAKTAGRANSKNING: Status.UTKAST,
    Status.UTKAST: Status.BESOK,
}
# The moves assigned inspectors may make; the kansli may make every move.
INSPECTOR_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.BESOK, Status.UTKAST),
        (Status.UTKAST, Status.FAKTAGRANSKNING),
        (Status.FAKTAGRANSKNING, Status.UTKAST),
        (Status.UTKAST, Status.BESOK),
    }
)

# From the final report on, the report is no longer a draft: it loses its "UTKAST" and everyone who
# may read the review may read it.
REPORT_FINAL: frozenset[str] = frozenset(
    {Status.SLUTRAPPORT, Status.HANDLINGSPLAN, Status.UPPFOLJNING, Status.AVSLUTAD}
)


@dataclass(frozen=True)
class ReviewFacts:
    """What the lifecycle rules look at."""

    status: str
    inspector_count: int
    has_visit_date: bool
    # "E (HSLF-FS 2021:8)" for every area and regulation in scope without a grade.
    ungraded: tuple[str, ...]
    has_d: bool
    # The unit's comments on the draft that the inspectors have not yet answered.
    unanswered_comments: int = 0


def next_steps(status: str) -> list[str]:
    """The statuses a review in `status` may move to, forward first."""
    steps = []
    if status in FORWARD:
        steps.append(FORWARD[status])
    if status == Status.SLUTRAPPORT:
        steps.append(Status.HANDLINGSPLAN)
        steps.append(Status.AVSLUTAD)
    if status in BACK:
        steps.append(BACK[status])
    return steps


def move_problems(facts: ReviewFacts, target: str) -> list[str]:
    """Why the review may not move to `target`; empty when it may."""
    if target not in next_steps(facts.status):
        return [
            _("A review cannot move from %(current)s to %(target)s.")
            % {"current": Status(facts.status).label, "target": Status(target).label}
        ]
    problems = []
    if target == Status.FORBEREDELSE and facts.inspector_count != 2:
        problems.append(
            _("Two inspectors must be assigned (now %(count)d).") % {"count": facts.inspector_count}
        )
    if target == Status.BESOK and not facts.has_visit_date:
        problems.append(_("The visit date must be set."))
    if target in (Status.FAKTAGRANSKNING, Status.SLUTRAPPORT) and facts.ungraded:
        problems.append(
            _("Every area needs a grade for every regulation in scope; missing: %(missing)s.")
            % {"missing": ", ".join(facts.ungraded)}
        )
    if target == Status.SLUTRAPPORT and facts.unanswered_comments:
        problems.append(
            ngettext(
                "The unit's comment on the draft is not answered yet.",
                "The unit's %(count)d comments on the draft are not answered yet.",
                facts.unanswered_comments,
            )
            % {"count": facts.unanswered_comments}
        )
    if target == Status.HANDLINGSPLAN and not facts.has_d:
        problems.append(_("An action plan is required only when an area has grade D."))
    if target == Status.AVSLUTAD and facts.status == Status.SLUTRAPPORT and facts.has_d:
        problems.append(_("An area has grade D: the review continues with the unit's action plan."))
    return problems
