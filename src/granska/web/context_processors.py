"""What every page's layout shows besides the page itself."""

from django.conf import settings
from django.http import HttpRequest

from granska.accounts.rules import holds


def service(request: HttpRequest) -> dict[str, object]:
    """The kansli's address, for the footer, and whether the person is the kansli, for the menu
    (by the rule alone: Django's model permissions would cost two queries on every page)."""
    # An error page for a request the middleware never finished has no person on it.
    user = getattr(request, "user", None)
    return {
        "contact_email": settings.GRANSKA_CONTACT_EMAIL,
        "manages": user is not None and holds(user, "reviews.manage"),
    }
