from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "granska.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Registers the app's object permissions with django-rules.
        from granska.reports import rules  # noqa: F401
