"""In production the kansli and inspectors must log in with a second factor (TOTP)."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from granska.accounts.models import Role, User

# The roles that reach many reviews or change them: a stolen password alone must not be enough.
TOTP_REQUIRED_ROLES = frozenset({Role.KANSLI, Role.INSPEKTOR})

# The pages a person without TOTP may still open: setting it up (allauth asks for the password
# again when the login is not recent), and logging out.
ALLOWED_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_logout",
        "set_language",
    }
)


def totp_required(user: User) -> bool:
    """Whether `user` must have TOTP activated before using Granska (production only)."""
    return bool(settings.PRODUCTION) and (user.is_superuser or user.role in TOTP_REQUIRED_ROLES)


class RequireTOTPMiddleware:
    """Sends the kansli and inspectors without TOTP to the TOTP setup page, in production.

    In development the rule is off so that the demo logins work with a password alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and totp_required(user)
            and not self._allowed(request)
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication. Activate an authenticator "
                    "app to continue."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in ALLOWED_URL_NAMES
