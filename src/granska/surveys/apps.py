from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "granska.surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from granska.surveys import rules  # noqa: F401  (registers the permissions)
