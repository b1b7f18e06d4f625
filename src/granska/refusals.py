"""What every service says when it refuses what a form (or a command, or a later API) sent: a text
longer than its limit, or a field that was not sent at all.

Each app keeps its own limits in its `limits.py`; the messages name the field and the numbers,
written the way the reader's language writes them ("20 000" in Swedish).
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def too_long(text: str, limit: int, message: str, **params: object) -> str | None:
    """`message` (translated, with the placeholders %(limit)s and %(length)s and any of `params`)
    when `text` has more than `limit` characters; None when it is within the limit."""
    if len(text) <= limit:
        return None
    numbers = {
        "limit": number_format(limit, force_grouping=True),
        "length": number_format(len(text), force_grouping=True),
    }
    return message % (params | numbers)


def not_sent(field: str) -> str:
    """Why nothing was saved when a form lacked `field` (its label, as the page shows it): an
    absent field is never read as an empty one, which would erase what is saved."""
    return _(
        "The form did not send the field “%(field)s”, so nothing was saved. Check the form and "
        "save again."
    ) % {"field": field}


def not_versioned() -> str:
    """Why nothing was saved when a form lacked the version (or fingerprint) it was read at."""
    return _(
        "The form did not say which saved version it was written on, so nothing was saved. "
        "Check the form against what is saved and save again."
    )
