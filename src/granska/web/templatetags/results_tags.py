"""The survey results' charts: a stacked horizontal bar per statement, drawn on the server as
SVG (no script), with a title and description for a screen reader; the table beside it holds
the same numbers."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from granska.surveys.models import ValueChoice
from granska.surveys.results import GroupBlock
from granska.surveys.vocabulary import SCALE

register = template.Library()

ROW = 28  # the height of a statement's row
LABEL = 18  # the share of the width for the statement's code, in per cent


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


register.filter("percent", percent)


@register.simple_tag
def distribution_chart(block: GroupBlock, chart_id: str) -> SafeString:
    """The chart of one group's statements of an area."""
    rows = block.rows
    labels = [str(ValueChoice(v.value).label) for v in SCALE]
    too_few = _("too few answers")
    title = _("Answers of %(group)s") % {"group": block.label}
    described = []
    parts = []
    for number, (statement, result) in enumerate(rows):
        y = number * ROW
        code = escape(statement.code)
        parts.append(f'<text x="0" y="{y + 18}" class="chart-label">{code}</text>')
        dist = result.distribution
        if dist is None:
            parts.append(
                f'<text x="{LABEL}%" y="{y + 18}" class="chart-hidden">{escape(too_few)}</text>'
            )
            described.append(f"{statement.code}: {too_few}")
            continue
        x = float(LABEL)
        words = []
        for index, share in enumerate(dist.shares):
            width = share * (100 - LABEL)
            if width > 0:
                parts.append(
                    f'<rect x="{x:.2f}%" y="{y + 4}" width="{width:.2f}%" height="{ROW - 8}" '
                    f'class="bar bar-{index}"/>'
                )
            x += width
            words.append(f"{labels[index]} {percent(share)}")
        described.append(f"{statement.code}: {', '.join(words)}")
    height = max(len(rows), 1) * ROW
    desc = "; ".join(described)
    return mark_safe(  # noqa: S308 - every value from outside is escaped
        f'<svg class="chart" width="100%" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
        f"{''.join(parts)}</svg>"
    )


@register.simple_tag
def chart_legend() -> SafeString:
    """The colours' meaning, in words."""
    items = "".join(
        f'<li><span class="swatch bar-{index}" aria-hidden="true"></span> '
        f"{escape(str(ValueChoice(v.value).label))}</li>"
        for index, v in enumerate(SCALE)
    )
    return mark_safe(f'<ul class="chart-legend">{items}</ul>')  # noqa: S308 - escaped
