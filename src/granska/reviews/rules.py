"""Who may read and work on which review (django-rules), registered by the app's `ready()`.

- `reviews.view_review`: the kansli (and superusers) every review, an observer the reviews within
  their scopes (a specialty, a region, or a specialty in a region), an inspector the reviews
  assigned to them, a unit's contact the reviews of their own unit. This must agree with
  `granska.reviews.selectors.reviews_visible_to`, which answers the same question for lists
  (tested for every role and review).
- `reviews.change_review`: the kansli, or an inspector assigned to that review.
- `reviews.assess`: an inspector assigned to that review only: the findings, the narratives and
  the grades are the inspectors' (SPEC §1); the kansli reads them, sets none.
- `reviews.manage`: the kansli only: units, booking, assignments.
"""

from rules.predicates import Predicate

from granska.accounts.models import Role, User
from granska.accounts.rules import AnyUser, grant, is_kansli, role_of
from granska.lifecycle import REPORT_FINAL, Status
from granska.reviews.models import Review
from granska.reviews.selectors import observer_scope_filter


def _is_observer_in_scope(user: AnyUser, review: Review | None) -> bool:
    """An observer whose scope (a specialty, a region, or both) covers `review`."""
    if review is None or role_of(user) != Role.OBSERVATOR:
        return False
    assert isinstance(user, User)
    return Review.objects.filter(observer_scope_filter(user), pk=review.pk).exists()


def _is_assigned_inspector(user: AnyUser, review: Review | None) -> bool:
    """An inspector assigned to `review`."""
    if review is None or role_of(user) != Role.INSPEKTOR:
        return False
    return review.assignments.filter(inspector_id=user.pk).exists()


def _is_unit_member(user: AnyUser, review: Review | None) -> bool:
    """A contact of the unit that `review` reviews."""
    if review is None or role_of(user) != Role.VERKSAMHET:
        return False
    return review.unit.members.filter(pk=user.pk).exists()


def _is_in_fact_check(user: AnyUser, review: Review | None) -> bool:
    """The review's draft is with the unit for its factual review."""
    return review is not None and review.status == Status.FAKTAGRANSKNING


def _has_final_report(user: AnyUser, review: Review | None) -> bool:
    """The review's report is final (issued, or later in the lifecycle)."""
    return review is not None and review.status in REPORT_FINAL


is_observer_in_scope = Predicate(_is_observer_in_scope, name="is_observer_in_scope")
is_assigned_inspector = Predicate(_is_assigned_inspector, name="is_assigned_inspector")
is_unit_member = Predicate(_is_unit_member, name="is_unit_member")
is_in_fact_check = Predicate(_is_in_fact_check, name="is_in_fact_check")
has_final_report = Predicate(_has_final_report, name="has_final_report")

grant(
    "reviews.view_review",
    is_kansli | is_observer_in_scope | is_assigned_inspector | is_unit_member,
)
grant("reviews.change_review", is_kansli | is_assigned_inspector)
grant("reviews.assess", is_assigned_inspector)
grant("reviews.manage", is_kansli)
