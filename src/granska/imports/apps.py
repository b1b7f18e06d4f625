from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "granska.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # Registers the app's permissions with django-rules.
        from granska.imports import rules  # noqa: F401
