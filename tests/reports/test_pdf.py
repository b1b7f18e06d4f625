import re

import pytest

from granska.actionplans.models import ActionPlan, PlanStatus
from granska.catalog.models import Area, Criterion
from granska.lifecycle import Status
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data, report_is_draft
from granska.reviews.models import AreaGrade, Review
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db


# The grid's header row: "Gradering 2015 2021" (the note says "Gradering justerad till C").
GRID_HEADER = re.compile(r"Gradering (?:20\d\d ?)+")


def _grid_marks(text: str, area: Area, next_heading: str | None) -> dict[str, str]:
    """The letters in each row of `area`'s grade grid, as the PDF's text reads them: the
    grade's letter in each regulation's column where it is set (or was, before an adjustment)."""
    start = text.index(flat(f"{area.code}. {area.title}"))
    header = GRID_HEADER.search(text, start)
    assert header is not None, area
    start = header.start()
    end = text.index(next_heading, start) if next_heading else len(text)
    grid = text[start:end]
    rows = [(step["grade"], flat(f"{step['grade']}. {step['wording']}")) for step in area.scale]
    marks = {}
    for i, (grade, row) in enumerate(rows):
        begin = grid.index(row) + len(row)
        stop = grid.index(rows[i + 1][1], begin) if i + 1 < len(rows) else len(grid)
        # Only the letters: a page's footer may follow the grid's last row.
        letters = re.match(r"(?: ?[A-D](?= |$))*", grid[begin:stop])
        marks[grade] = letters.group().strip() if letters else ""
    return marks


def test_every_demo_review_renders_with_its_areas_criteria_and_grades(demo: list[Review]) -> None:
    assert len(demo) == 11
    # The grades below are worth checking only if they differ.
    assert len(set(AreaGrade.objects.values_list("grade", flat=True))) > 1
    for review in demo:
        pages = pdf_pages(pdf_render(report_data(review)))
        text = flat(" ".join(pages))
        where = f"{review.unit} ({review.status})"
        # Every page is counted, the cover too (which shows no number).
        assert "Sida 1 av" not in text, where
        for number, page in enumerate(pages[1:], start=2):
            assert f"Sida {number} av {len(pages)}" in flat(page), where
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

        # The grid marks the grade in force (the adjusted one after an accepted plan) in each
        # regulation's column and strikes through the grade it replaced; no line repeats them.
        grades = {
            (g.assessment.area_id, g.regulation): g
            for g in AreaGrade.objects.filter(assessment__review=review).select_related(
                "assessment"
            )
        }
        assert "Satt gradering" not in text, where
        for i, area in enumerate(areas):
            following = (
                "PROCESS"
                if area.group == "STRUKTUR" and areas[i + 1].group == "PROCESS"
                else flat(f"{areas[i + 1].code}. {areas[i + 1].title}")
                if i + 1 < len(areas)
                else ("HANDLINGSPLAN" if "HANDLINGSPLAN" in text else None)
            )
            expected: dict[str, list[str]] = {step["grade"]: [] for step in area.scale}
            for regulation in review.regulations:
                grade = grades.get((area.pk, regulation))
                if grade is not None and grade.grade:
                    expected[grade.adjusted_grade or grade.grade].append(
                        grade.adjusted_grade or grade.grade
                    )
                    if grade.adjusted_grade:
                        expected[grade.grade].append(grade.grade)
            marks = _grid_marks(text, area, following)
            assert marks == {g: " ".join(m) for g, m in expected.items()}, f"{where}: {area}"
            in_area = [grades.get((area.pk, r)) for r in review.regulations]
            adjusted = [g for g in in_area if g is not None and g.adjusted_grade]
            note = "Handlingsplan mottagen. Gradering justerad till"
            section = text[text.index(flat(f"{area.code}. {area.title}")) :]
            header = GRID_HEADER.search(section)
            assert header is not None, area
            section = section[: header.start()]
            assert section.count(note) == (1 if adjusted else 0), f"{where}: {area}"

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
