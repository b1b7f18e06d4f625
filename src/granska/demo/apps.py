from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data (`granska demo`), written through the services like any other caller."""

    name = "granska.demo"
    verbose_name = _("Demo")

    def ready(self) -> None:
        # Registers the deployment check that refuses the demo in production.
        from granska.demo import checks  # noqa: F401
