"""Deployment checks of the demo: a production database never holds it."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

DEMO_DATA_IN_PRODUCTION = "granska.E001"


@register(Tags.security, deploy=True)
def demo_absent_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The demo's accounts share one published password: in production they must not exist.

    `granska demo` refuses to run in production; this catches a database that was filled in
    development and then put into production."""
    if not settings.PRODUCTION:
        return []
    from granska.accounts.models import User
    from granska.demo.reviews import USERS

    try:
        found = sorted(
            User.objects.filter(email__in=[email for email, _name, _role in USERS]).values_list(
                "email", flat=True
            )
        )
    except DatabaseError:
        return []  # no tables yet: a new database holds no demo
    if not found:
        return []
    return [
        Error(
            f"The database holds the demo's accounts ({', '.join(found)}), whose password is "
            "published.",
            hint="Remove them (and the demo's units and reviews) before going into production.",
            id=DEMO_DATA_IN_PRODUCTION,
        )
    ]
