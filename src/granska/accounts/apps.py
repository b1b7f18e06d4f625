from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# The admin's sections of the apps Granska uses but does not own, named in Swedish (their own
# names are English or collide with ours: allauth's "Accounts").
THIRD_PARTY_SECTIONS = {
    "account": _("Login addresses"),
    "mfa": _("Two-factor authentication"),
    "django_tasks_database": _("Background tasks"),
}


class AccountsConfig(AppConfig):
    name = "granska.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        for label, name in THIRD_PARTY_SECTIONS.items():
            apps.get_app_config(label).verbose_name = name
        # Registers the app's permissions with django-rules.
        from granska.accounts import rules  # noqa: F401
