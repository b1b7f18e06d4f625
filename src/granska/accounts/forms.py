"""allauth's forms for the code from the authenticator app (at login, and when asked again),
with the growing wait after wrong codes (accounts/throttle.py) instead of a lock."""

from typing import Any

from allauth.mfa.base import forms as mfa_forms

from granska.accounts.throttle import CODES, wait_error


class _CodeWaitMixin:
    """A code is only tried once the person's wait after wrong codes is over."""

    user: Any

    def clean_code(self) -> str:
        key = str(self.user.pk)
        seconds = CODES.attempt(key=key)
        if seconds:
            raise wait_error(seconds)
        code: str = super().clean_code()  # type: ignore[misc]  # allauth's form is untyped
        CODES.succeeded(key=key)
        return code


class AuthenticateForm(_CodeWaitMixin, mfa_forms.AuthenticateForm):
    """The code asked for after the password at login."""


class ReauthenticateForm(_CodeWaitMixin, mfa_forms.ReauthenticateForm):
    """The code asked for again by a session that is logged in (before changing the
    authenticator, or when the session has not given one yet)."""
