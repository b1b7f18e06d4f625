"""The report as HTML: the page in Granska and a standalone file with its stylesheet inlined."""

from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from granska.reports.selectors import ReportData

STYLESHEET = "granska/granska.css"


def html_context(data: ReportData) -> dict[str, Any]:
    """What the report's template needs besides the data itself: the summary's parts in order,
    and each grade row's cells as (marked, replaced) pairs, since a template cannot zip."""
    summary = data["summary"]
    groups = [
        group
        | {
            "areas": [
                area
                | {
                    "scale": [
                        row | {"cells": list(zip(row["marked"], row["replaced"], strict=True))}
                        for row in area["scale"]
                    ]
                }
                for area in group["areas"]
            ]
        }
        for group in data["groups"]
    ]
    return {
        "report": data | {"groups": groups},
        "summary_parts": [
            ("Styrkor", summary["strengths"]),
            ("Svagheter", summary["weaknesses"]),
            ("Förbättringspotential", summary["improvements"]),
        ],
    }


def html_render(data: ReportData) -> str:
    """The report as one self-contained HTML file (no links to Granska, no outside resources)."""
    path = finders.find(STYLESHEET)
    assert isinstance(path, str), f"{STYLESHEET} is missing"
    with open(path, encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    return render_to_string(
        "reports/report_standalone.html", html_context(data) | {"stylesheet": css}
    )
