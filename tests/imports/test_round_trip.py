"""The round trip of issue 13: every final report of the demo, as Granska issued it (the stored
PDF), imported back through `report_import` as the kansli does: a new review with the same
header, summary, narratives, handlingsplan and grades (read from the grid), marked imported."""

import io

import pytest
from django.core.management import call_command

from granska.imports.models import ImportedReview
from granska.imports.services import report_import
from granska.reports.models import FinalReport
from granska.reviews.models import AreaGrade, Review
from tests.builders import kansli_user

pytestmark = pytest.mark.django_db


def words(text: str) -> str:
    return " ".join(text.split())


def grades_of(review: Review) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {
        (g.assessment.area.code, g.regulation): (g.grade, g.adjusted_grade or None)
        for g in AreaGrade.objects.filter(assessment__review=review).select_related(
            "assessment__area"
        )
    }


def narratives_of(review: Review) -> dict[str, str]:
    return {a.area.code: words(a.narrative) for a in review.assessments.select_related("area")}


def test_every_final_report_of_the_demo_imports_back() -> None:
    call_command("demo", stdout=io.StringIO())
    # Each review's final report in force (after an accepted plan: the one with the adjusted
    # grades and the plan).
    finals = list(
        FinalReport.objects.filter(replaced_by__isnull=True)
        .select_related("review__unit")
        .order_by("pk")
    )
    assert len(finals) >= 3
    plans = 0
    for final in finals:
        original = final.review
        with final.pdf.open("rb") as stored:
            data = stored.read()
        result = report_import(by=kansli_user(), name=f"{original.unit.name}.pdf", data=data)
        where = f"{original.unit} ({final.pdf.name})"
        assert result.outcome == "imported", (where, result.message)
        assert result.review is not None
        imported = Review.objects.get(pk=result.review)
        assert ImportedReview.objects.get(review=imported).source.sha256 == final.sha256
        assert imported.unit == original.unit, where
        assert imported.specialty == original.specialty, where
        assert imported.regulations == original.regulations, where
        # The cover's date is the visit's: it becomes the imported review's visit and report date.
        assert imported.visit_date == original.visit_date, where
        assert imported.final_report_date == original.visit_date, where
        assert sorted(u.full_name for u in imported.inspectors.all()) == sorted(
            u.full_name for u in original.inspectors.all()
        ), where
        for part in ("strengths", "weaknesses", "improvements"):
            assert words(getattr(imported, part)) == words(getattr(original, part)), (where, part)
        written = {code: text for code, text in narratives_of(original).items() if text}
        assert {c: t for c, t in narratives_of(imported).items() if t} == written, where
        # The grades as the grid marks them, an adjusted area's D with the grade it was
        # adjusted to.
        assert grades_of(imported) == grades_of(original), where
        # The plan is in the report once it was accepted (the report issued again with it).
        if (final.data or {}).get("plan"):
            original_plan = original.action_plan
            assert result.report is not None
            assert result.report.plan, where
            imported_plan = imported.action_plan
            assert [words(i.action) for i in imported_plan.items.order_by("position")] == [
                words(i.action) for i in original_plan.items.order_by("position")
            ], where
            plans += 1
        # The same file again is a duplicate naming the review it made.
        again = report_import(by=kansli_user(), name="igen.pdf", data=data)
        assert again.outcome == "duplicate"
        assert again.review == imported.pk
    assert plans >= 1
