from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "granska.reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        # Registers the app's object permissions with django-rules.
        from granska.reviews import rules  # noqa: F401
        from granska.reviews.search import search_functions_connect

        # SQLite folds only A to Z; names are searched and sorted with every letter folded.
        search_functions_connect()
