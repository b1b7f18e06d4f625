"""What the object permissions of every app build on: who a person is, and how a permission is
granted.

Each app grants its own permissions in its `rules.py`, registered in its `ready()`:
`reviews.rules` (reading and working on a review, managing them), `actionplans.rules` (writing
and deciding the handlingsplan), `reports.rules` (reading the report, the faktagranskning). The
predicates about a review live with the reviews; this module knows people only.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _
from rules.permissions import add_perm
from rules.permissions import has_perm as rules_has_perm
from rules.predicates import Predicate

from granska.accounts.models import Role, User

AnyUser = User | AnonymousUser


def role_of(user: AnyUser) -> str | None:
    """The person's role, None for someone not logged in or no longer active."""
    return user.role if isinstance(user, User) and user.is_active else None


def _is_kansli(user: AnyUser) -> bool:
    """The kansli, and superusers, who may do everything."""
    return (
        isinstance(user, User)
        and user.is_active
        and (user.is_superuser or user.role == Role.KANSLI)
    )


is_kansli = Predicate(_is_kansli, name="is_kansli")


def grant(permission: str, predicate: Predicate) -> None:
    """Grants `permission` to whoever `predicate` holds for."""
    add_perm(permission, predicate)  # type: ignore[no-untyped-call]  # untyped in django-rules


def holds(user: AnyUser, permission: str, obj: Model | None = None) -> bool:
    """Whether `permission`'s own rule grants it to `user` on `obj`. Unlike `has_perm`, being a
    superuser adds nothing: for the rules that hold for everyone, such as that only a review's
    inspectors set its findings and grades."""
    return bool(rules_has_perm(permission, user, obj))  # type: ignore[no-untyped-call]


def require(by: User, permission: str, obj: Model | None = None, *, strict: bool = False) -> None:
    """Refuses (PermissionDenied) a service call by someone without `permission` on `obj`: the
    services check who acts, whoever calls them (page, API, importer, command). `strict`: by the
    permission's rule alone (`holds`), a superuser included."""
    if not (holds(by, permission, obj) if strict else by.has_perm(permission, obj)):
        # The 403 page shows the reason to the person: in words, not the permission's name.
        raise PermissionDenied(_("Your role does not allow this here."))


# Inviting people (and sending a link again) is the kansli's.
grant("accounts.invite", is_kansli)
