import re

import pytest

from granska.actionplans.models import ActionPlan, PlanStatus
from granska.catalog.models import Criterion
from granska.lifecycle import Status
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data, report_is_draft
from granska.reviews.models import AreaGrade, Review
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db


def _grade_lines(text: str) -> list[str]:
    """The "Satt gradering: …" line of each area, in order."""
    one = r"(?:SOSFS 2015:8|HSLF-FS 2021:8): (?:[A-D](?:, justerad till [A-D])?|ej satt)"
    return re.findall(rf"Satt gradering: ({one}(?: · {one})?)", text)


def test_every_demo_review_renders_with_its_areas_criteria_and_grades(demo: list[Review]) -> None:
    assert len(demo) == 11
    # The grades below are worth checking only if they differ.
    assert len(set(AreaGrade.objects.values_list("grade", flat=True))) > 1
    for review in demo:
        pages = pdf_pages(pdf_render(report_data(review)))
        text = flat(" ".join(pages))
        where = f"{review.unit} ({review.status})"
        assert f"Sida 1 av {len(pages) - 1}" in text, where  # the cover has no number
        assert review.unit.name in text, where

        criteria = list(Criterion.objects.filter(protocol=review.protocol).select_related("area"))
        in_scope = [c for c in criteria if set(c.regulations) & set(review.regulations)]
        out_of_scope = [c for c in criteria if c not in in_scope]
        areas = sorted({c.area for c in criteria}, key=lambda a: a.position)
        assert len(areas) == 8
        for area in areas:
            assert flat(f"{area.code}. {area.title}") in text, where
        for criterion in in_scope:
            assert flat(criterion.text) in text, f"{where}: {criterion.code} is missing"
        shown = " ".join(flat(c.text) for c in in_scope)
        checked = [c for c in out_of_scope if flat(c.text) not in shown]  # some texts recur
        if len(review.regulations) == 1:
            assert checked, where  # the catalog has criteria for one regulation only
            assert "endast" not in text, where
        else:
            assert "(endast 2015)" in text, where
            assert "(endast 2021)" in text, where
        for criterion in checked:
            assert flat(criterion.text) not in text, f"{where}: {criterion.code} is shown"

        grades = {
            (g.assessment.area_id, g.regulation): g.grade
            + (f", justerad till {g.adjusted_grade}" if g.adjusted_grade else "")
            for g in AreaGrade.objects.filter(assessment__review=review).select_related(
                "assessment"
            )
        }
        expected = [
            " · ".join(f"{r}: {grades.get((area.pk, r), 'ej satt')}" for r in review.regulations)
            for area in areas
        ]
        assert _grade_lines(text) == expected, where

        # The handlingsplan once accepted: every action with its dates and people.
        plan = ActionPlan.objects.filter(review=review).first()
        if plan is not None and plan.status == PlanStatus.GODKAND:
            assert "HANDLINGSPLAN" in text, where
            assert "Handlingsplan mottagen. Gradering justerad till" in text, where
            for item in plan.items.all():
                for value in (
                    item.action,
                    item.completion_text,
                    item.responsible,
                    item.followup_text,
                    item.followup_responsible,
                ):
                    assert flat(value) in text, f"{where}: {item} {value}"
        else:
            assert "HANDLINGSPLAN" not in text, where
            assert "Handlingsplan mottagen" not in text, where


def test_utkast_is_on_every_page_of_a_draft_and_on_no_page_of_a_final_report(
    demo: list[Review],
) -> None:
    statuses = {review.status for review in demo}
    assert {Status.SLUTRAPPORT, Status.UTKAST, Status.FAKTAGRANSKNING} <= statuses
    for review in demo:
        pages = pdf_pages(pdf_render(report_data(review)))
        marked = ["UTKAST" in page for page in pages]
        if report_is_draft(review):
            assert all(marked), f"{review.unit} ({review.status}): {marked}"
        else:
            assert not any(marked), f"{review.unit} ({review.status}): {marked}"
