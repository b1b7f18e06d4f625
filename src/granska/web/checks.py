"""Checks of the pages' settings: production runs on PostgreSQL and knows its own address."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

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


SITE_URL_MISSING = "granska.E002"


@register()
def site_url_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The links in e-mails and calendars, and the calendar's event UIDs, are made from
    GRANSKA_SITE_URL. Development may use runserver's address; without DEBUG a link to it
    would lead nowhere, and two installations' events would share UIDs, so Granska does not
    start until it is set (every command runs this check, not only `check --deploy`)."""
    if settings.DEBUG:
        return []
    site = settings.GRANSKA_SITE_URL
    parts = urlsplit(site)
    problem = ""
    if not site:
        problem = "GRANSKA_SITE_URL is not set."
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        problem = f"GRANSKA_SITE_URL is not an http(s) address: {site!r}."
    elif parts.path or parts.query or parts.fragment:
        problem = f"GRANSKA_SITE_URL must be an address with no path: {site!r}."
    if not problem:
        return []
    return [
        Error(
            problem,
            hint="Set GRANSKA_SITE_URL to the address Granska is reached at, such as "
            "https://granska.example.se.",
            id=SITE_URL_MISSING,
        )
    ]
