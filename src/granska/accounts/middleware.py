"""In production the kansli and inspectors must log in with a second factor (TOTP).

What counts is that *this session* passed the second factor, not that the account has one: a
session that got in with the password alone (an old session, or any way in that skips allauth's
code step) is held at the code step until the person types a code from the authenticator app.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from granska.accounts.models import Role, User

# The roles that reach many reviews or change them: a stolen password alone must not be enough.
TOTP_REQUIRED_ROLES = frozenset({Role.KANSLI, Role.INSPEKTOR})

# The pages a person without TOTP may still open: setting it up (allauth asks for the password
# again when the login is not recent), and logging out.
SETUP_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_logout",
        "set_language",
    }
)

# The pages a session that has not yet given a code (its account has TOTP) may open: the code
# step, and logging out. Nothing that the password alone would unlock, not even the password
# form of reauthentication.
CODE_STEP_URL_NAMES = frozenset(
    {
        "mfa_authenticate",
        "mfa_reauthenticate",
        "account_logout",
        "set_language",
    }
)


def totp_required(user: User) -> bool:
    """Whether `user` must have TOTP activated before using Granska: the kansli and inspectors
    in production, and whoever was invited by e-mail."""
    if user.totp_enrolment_required:
        # Invited by e-mail (accounts.invitations): set up from the first login, in every
        # environment, which closes the gap between the first password and the authenticator.
        return True
    return bool(settings.PRODUCTION) and (user.is_superuser or user.role in TOTP_REQUIRED_ROLES)


def second_factor_passed(request: HttpRequest, user: User) -> bool:
    """Whether this session has given a code from the person's authenticator (or a recovery
    code): allauth records each step of the login, reauthentication included, in the session."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class RequireTOTPMiddleware:
    """Holds the kansli and inspectors to the second factor, in production.

    Without TOTP they are sent to set it up; with TOTP, a session that has not given a code is
    sent to the code step. In development the rule is off so that the demo logins work with a
    password alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not totp_required(user):
            return self.get_response(request)
        has_totp = is_mfa_enabled(user, [Authenticator.Type.TOTP])
        if has_totp and second_factor_passed(request, user):
            return self.get_response(request)
        url_name = self._url_name(request)
        if has_totp:
            if url_name in CODE_STEP_URL_NAMES:
                return self.get_response(request)
            messages.warning(request, _("Enter the code from your authenticator app to continue."))
            target = reverse("mfa_reauthenticate")
            if request.method in ("GET", "HEAD"):
                target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return HttpResponseRedirect(target)
        if url_name in SETUP_URL_NAMES:
            response = self.get_response(request)
            if url_name == "mfa_activate_totp":
                self._record_activation(request, user)
            return response
        messages.warning(
            request,
            _(
                "Your role requires two-factor authentication. Activate an authenticator "
                "app to continue."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))

    @staticmethod
    def _record_activation(request: HttpRequest, user: User) -> None:
        """Activating TOTP takes a code from the new authenticator: the session that did it
        has given the second factor. allauth does not record that step, so it is recorded
        here, the way allauth records a code given at login."""
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            record_authentication(request, user, "mfa", id=totp.pk, type=totp.type, activated=True)

    @staticmethod
    def _url_name(request: HttpRequest) -> str | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return match.url_name
