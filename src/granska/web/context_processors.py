"""What every page's layout shows besides the page itself."""

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, str]:
    """The kansli's address, for the footer."""
    return {"contact_email": settings.GRANSKA_CONTACT_EMAIL}
