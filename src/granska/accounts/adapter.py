"""How allauth behaves in Granska: no sign-up, the e-mail address is the kansli's to change, and
failed logins make the next attempt for the address wait (accounts/throttle.py)."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from granska.accounts.throttle import PASSWORDS, wait_error

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """The kansli creates every account (SPEC §1); people only log in and look after their
    password and authenticator."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def can_delete_email(self, email_address: EmailAddress) -> bool:
        # The address identifies the person; only the kansli changes it, in the admin.
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth's limit per client address first (ACCOUNT_RATE_LIMITS["login_failed"]), then
        # the wait for this e-mail address: a password is only tried once its wait is over.
        super().pre_authenticate(request, **credentials)
        address = _address(credentials)
        if address:
            seconds = PASSWORDS.attempt(key=address)
            if seconds:
                raise wait_error(seconds)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        address = _address(credentials)
        if user is not None and address:
            PASSWORDS.succeeded(key=address)
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        try:
            ip: str = super().get_client_ip(request)
        except ImproperlyConfigured:
            # X-Forwarded-For holds fewer addresses than GRANSKA_TRUSTED_PROXY_COUNT: the
            # request did not pass the proxies. Count it by the address it came from rather
            # than answer with an error.
            logger.warning("X-Forwarded-For holds fewer addresses than the trusted proxies.")
            ip = request.META["REMOTE_ADDR"]
        return ip


def _address(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or "").strip().lower()
