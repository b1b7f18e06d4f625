from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "granska.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers the app's permissions with django-rules.
        from granska.accounts import rules  # noqa: F401
