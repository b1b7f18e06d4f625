from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionPlansConfig(AppConfig):
    name = "granska.actionplans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        # Registers the app's object permissions with django-rules.
        from granska.actionplans import rules  # noqa: F401
