"""Granska's own PDFs read back: every demo review's report, its grids' grades against the
review's (an adjusted area gives its original D, the marked cell the grade after the plan)."""

import io

import pytest
from django.core.management import call_command

from granska.imports.pdf import pdf_read
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data
from granska.reviews.models import AreaGrade, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> list[Review]:
    call_command("demo", stdout=io.StringIO())
    return list(Review.objects.order_by("pk"))


def test_every_demo_report_gives_back_its_grades(demo: list[Review]) -> None:
    read = expected = adjusted_seen = 0
    for review in demo:
        grades: dict[str, dict[str, tuple[str, str]]] = {}
        adjusted: dict[str, dict[str, str]] = {}
        for grade in AreaGrade.objects.filter(assessment__review=review).select_related(
            "assessment__area"
        ):
            code = grade.assessment.area.code
            grades.setdefault(code, {})[grade.regulation] = (grade.grade, "pdf-glyph")
            if grade.adjusted_grade:
                adjusted.setdefault(code, {})[grade.regulation] = grade.adjusted_grade
        reading = pdf_read(pdf_render(report_data(review)))
        where = f"{review.unit} ({review.status})"
        assert reading.grades == grades, where
        assert reading.adjusted == adjusted, where
        assert reading.regulations == list(review.regulations), where
        assert review.unit.name in reading.text, where
        expected += sum(len(by_regulation) for by_regulation in grades.values())
        read += sum(len(by_regulation) for by_regulation in reading.grades.values())
        adjusted_seen += sum(len(by_regulation) for by_regulation in adjusted.values())
    # The demo has graded reviews under both regulations, and adjusted areas, to check.
    assert read == expected > 50
    assert adjusted_seen >= 3
