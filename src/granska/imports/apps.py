from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "granska.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from granska.imports import rules  # noqa: F401  (registers the permissions)
