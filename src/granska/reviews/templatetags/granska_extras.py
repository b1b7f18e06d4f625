"""Template helpers shared by the pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """`row.values|get:name`: a dictionary's value by a key held in a variable."""
    return mapping.get(key, "")
