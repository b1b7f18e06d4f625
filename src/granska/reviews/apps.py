from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "granska.reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        # Registers the deployment check that refuses the demo in production.
        from granska.reviews import checks  # noqa: F401
