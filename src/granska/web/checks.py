"""Deployment checks of the pages: production runs on PostgreSQL."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

SQLITE_IN_PRODUCTION = "granska.W001"


@register(Tags.security, deploy=True)
def postgresql_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """SQLite is the embedded default for trying Granska out; it takes one writer at a time, so
    production runs on PostgreSQL."""
    if not settings.PRODUCTION or settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.sqlite3"
    ):
        return []
    return [
        Warning(
            "Production runs on SQLite, which takes one writer at a time.",
            hint="Set DATABASE_URL to a PostgreSQL database (postgres://user@host:5432/name).",
            id=SQLITE_IN_PRODUCTION,
        )
    ]
