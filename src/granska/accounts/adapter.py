"""How allauth behaves in Granska: no sign-up, and the e-mail address is the kansli's to change."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """The kansli creates every account (SPEC §1); people only log in and look after their
    password and authenticator."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def can_delete_email(self, email_address: EmailAddress) -> bool:
        # The address identifies the person; only the kansli changes it, in the admin.
        return False
