"""The path converters of Granska's URLs, registered once here and used by every urls.py.

Each part of a path matches only what it can be, so that an odd path (a NUL character, a number
of 5,000 digits, a letter no area has) is not found before any view, or the database, sees it:
PostgreSQL refuses even to compare a text holding a NUL, which would be a server error.
"""

from django.urls import register_converter

from granska.catalog.loader import AREA_CODE_PATTERN


class IdConverter:
    """A row's id: ASCII digits, few enough for a 64-bit integer."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class CalendarTokenConverter:
    """The secret of a unit's calendar feed: URL-safe base64, as `secrets.token_urlsafe` writes
    it (43 characters for the 32 bytes Granska draws), within the column's 64."""

    regex = "[A-Za-z0-9_-]{32,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class AreaCodeConverter:
    """An area's code, as the catalog allows it."""

    regex = AREA_CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")
register_converter(CalendarTokenConverter, "calendar_token")
register_converter(AreaCodeConverter, "area")
