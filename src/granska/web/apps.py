from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages: views, URLs, forms and template tags over the services of the apps below."""

    name = "granska.web"
    verbose_name = _("Pages")

    def ready(self) -> None:
        # Registers the deployment check that warns of SQLite in production.
        from granska.web import checks  # noqa: F401
