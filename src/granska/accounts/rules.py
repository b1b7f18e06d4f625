"""Who may do what with which review: the object permissions of Granska (django-rules).

- `reviews.view_review`: the kansli (and superusers) every review, an observer the reviews within
  their scopes (a specialty, a region, or a specialty in a region), an inspector the reviews
  assigned to them, a unit's contact the reviews of their own unit. This must agree with
  `granska.reviews.selectors.reviews_visible_to`, which answers the same question for lists
  (tested for every role and review).
- `reviews.change_review`: the kansli, or an inspector assigned to that review.
- `reviews.manage`: the kansli only: units, booking, assignments.
- `actionplans.write_plan`: the unit's contacts write the handlingsplan and report follow-up;
  the kansli may, on the unit's behalf.
- `actionplans.decide_plan`: the kansli and the assigned inspectors accept or return the plan and
  confirm follow-up reports.
- `reports.comment_draft`: the unit's contacts (and the kansli, on their behalf) comment on the
  draft while it is in faktagranskning; `reports.answer_comment`: the kansli and the assigned
  inspectors answer.
- `reviews.view_report`: the report (HTML, PDF, Word). A draft: the kansli, the assigned
  inspectors, and the unit's contacts while it is in faktagranskning. From the final report on:
  everyone who may read the review.
"""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from rules.permissions import add_perm
from rules.predicates import Predicate

from granska.accounts.models import Role, User

if TYPE_CHECKING:
    from granska.reviews.models import Review

AnyUser = User | AnonymousUser


def _role(user: AnyUser) -> str | None:
    return user.role if isinstance(user, User) and user.is_active else None


def _is_kansli(user: AnyUser) -> bool:
    """The kansli, and superusers, who may do everything."""
    return (
        isinstance(user, User)
        and user.is_active
        and (user.is_superuser or user.role == Role.KANSLI)
    )


def _is_observer_in_scope(user: AnyUser, review: "Review | None") -> bool:
    """An observer whose scope (a specialty, a region, or both) covers `review`."""
    if review is None or _role(user) != Role.OBSERVATOR:
        return False
    from granska.reviews.selectors import observer_scope_filter

    assert isinstance(user, User)
    return type(review).objects.filter(observer_scope_filter(user), pk=review.pk).exists()


def _is_assigned_inspector(user: AnyUser, review: "Review | None") -> bool:
    """An inspector assigned to `review`."""
    if review is None or _role(user) != Role.INSPEKTOR:
        return False
    return review.assignments.filter(inspector_id=user.pk).exists()


def _is_unit_member(user: AnyUser, review: "Review | None") -> bool:
    """A contact of the unit that `review` reviews."""
    if review is None or _role(user) != Role.VERKSAMHET:
        return False
    return review.unit.members.filter(pk=user.pk).exists()


def _is_in_fact_check(user: AnyUser, review: "Review | None") -> bool:
    """The review's draft is with the unit for its factual review."""
    from granska.reviews.models import Status

    return review is not None and review.status == Status.FAKTAGRANSKNING


def _has_final_report(user: AnyUser, review: "Review | None") -> bool:
    """The review's report is final (issued, or later in the lifecycle)."""
    from granska.reviews.lifecycle import REPORT_FINAL

    return review is not None and review.status in REPORT_FINAL


is_kansli = Predicate(_is_kansli, name="is_kansli")
is_observer_in_scope = Predicate(_is_observer_in_scope, name="is_observer_in_scope")
is_assigned_inspector = Predicate(_is_assigned_inspector, name="is_assigned_inspector")
is_unit_member = Predicate(_is_unit_member, name="is_unit_member")
is_in_fact_check = Predicate(_is_in_fact_check, name="is_in_fact_check")
has_final_report = Predicate(_has_final_report, name="has_final_report")


def _grant(permission: str, predicate: Predicate) -> None:
    add_perm(permission, predicate)  # type: ignore[no-untyped-call]  # untyped in django-rules


_grant(
    "reviews.view_review",
    is_kansli | is_observer_in_scope | is_assigned_inspector | is_unit_member,
)
_grant("reviews.change_review", is_kansli | is_assigned_inspector)
_grant("reviews.manage", is_kansli)
# The handlingsplan: the unit writes it and reports its follow-up (the kansli may do it on the
# unit's behalf, for a plan that came by post); the assigned inspectors and the kansli accept or
# return it and confirm the follow-up. Everyone who reads the review reads its plan.
_grant("actionplans.write_plan", is_kansli | is_unit_member)
_grant("actionplans.decide_plan", is_kansli | is_assigned_inspector)
# The draft's faktagranskning: the unit comments while the draft is with it (the kansli may
# enter a comment the unit sent otherwise); the inspectors and the kansli answer.
_grant("reports.comment_draft", (is_kansli | is_unit_member) & is_in_fact_check)
_grant("reports.answer_comment", is_kansli | is_assigned_inspector)
_grant(
    "reviews.view_report",
    is_kansli
    | is_assigned_inspector
    | (is_unit_member & is_in_fact_check)
    | (has_final_report & (is_observer_in_scope | is_unit_member)),
)
