"""Template helpers shared by the pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """`row.values|get:name`: a dictionary's value by a key held in a variable."""
    return mapping.get(key, "")


@register.filter
def comment_failed(failed: str, section: str) -> bool:
    """`failed|comment_failed:section`: whether the refused form is this section's comment."""
    return bool(failed) and failed == f"comment-{section}"


@register.filter
def answer_failed(failed: str, comment_pk: int) -> bool:
    """`failed|answer_failed:comment.pk`: whether the refused form is this comment's answer."""
    return bool(failed) and failed == f"answer-{comment_pk}"
