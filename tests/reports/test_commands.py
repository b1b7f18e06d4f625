import io
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from granska.accounts.models import User
from granska.actionplans.models import ActionPlan, PlanStatus
from granska.reviews.models import Review
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db


def test_list_prints_id_unit_date_and_status(demo: list[Review]) -> None:
    out = io.StringIO()
    call_command("report", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(demo)
    for review, line in zip(demo, lines, strict=True):
        assert line.split()[0] == str(review.pk)
        assert review.unit.name in line
        assert review.status in line
        if review.visit_date:
            assert review.visit_date.isoformat() in line


@pytest.mark.parametrize("fmt", ["pdf", "html", "docx"])
def test_every_demo_review_is_written_in_every_format(
    demo: list[Review], tmp_path: Path, fmt: str
) -> None:
    for review in demo:
        output = tmp_path / f"{review.pk}.{fmt}"
        call_command(
            "report", str(review.pk), "--format", fmt, "-o", str(output), stdout=io.StringIO()
        )
        if fmt == "pdf":
            assert review.unit.name in flat(" ".join(pdf_pages(output.read_bytes())))
        elif fmt == "html":
            html = output.read_text(encoding="utf-8")
            assert html.startswith("<!doctype html>")
            assert review.unit.name in html
            assert "/static/" not in html  # self-contained
        else:
            assert review.unit.name in "\n".join(
                p.text for p in docx.Document(str(output)).paragraphs
            )


def test_the_word_file_holds_the_same_sections_and_grade_grids(
    demo: list[Review], tmp_path: Path
) -> None:
    review = demo[0]
    assert review.status == "slutrapport"
    assert len(review.regulations) == 2
    output = tmp_path / "report.docx"
    call_command(
        "report", str(review.pk), "--format", "docx", "-o", str(output), stdout=io.StringIO()
    )
    document = docx.Document(str(output))
    headings = [
        p.text for p in document.paragraphs if p.style and p.style.name.startswith("Heading")
    ]
    assert headings[:5] == [
        "EXTERN KVALITETSGRANSKNING",
        "Sammanfattning",
        "Styrkor",
        "Svagheter",
        "Förbättringspotential",
    ]
    assert "STRUKTUR" in headings
    assert "PROCESS" in headings
    for area in review.protocol.areas.all():
        assert f"{area.code}. {area.title}" in headings
    assert len(document.tables) == 8
    for table, area in zip(
        document.tables, review.protocol.areas.order_by("position"), strict=True
    ):
        assert [c.text for c in table.rows[0].cells] == ["Gradering", "2015", "2021"]
        assert len(table.rows) == 1 + len(area.scale)
        marked = {cell.text for row in table.rows[1:] for cell in row.cells[1:] if cell.text}
        assert marked <= set(area.grades)
        assert marked
    text = "\n".join(p.text for p in document.paragraphs)
    assert "EXTERN KVALITETSGRANSKNING" in text
    assert "UTKAST" not in "\n".join(p.text for p in document.sections[0].header.paragraphs)


def test_a_draft_word_file_says_utkast(demo: list[Review], tmp_path: Path) -> None:
    draft = next(r for r in demo if r.status == "utkast")
    output = tmp_path / "draft.docx"
    call_command(
        "report", str(draft.pk), "--format", "docx", "-o", str(output), stdout=io.StringIO()
    )
    header = docx.Document(str(output)).sections[0].header
    assert "UTKAST" in "\n".join(p.text for p in header.paragraphs)


def test_an_unknown_review_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("report", "999999", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError):
        call_command("report")


def test_the_word_file_and_the_page_hold_the_accepted_plan_and_the_adjusted_grades(
    demo: list[Review], tmp_path: Path, client: Client
) -> None:
    plan = ActionPlan.objects.filter(status=PlanStatus.GODKAND).select_related("review").first()
    assert plan is not None
    review = plan.review
    output = tmp_path / "report.docx"
    call_command(
        "report", str(review.pk), "--format", "docx", "-o", str(output), stdout=io.StringIO()
    )
    document = docx.Document(str(output))
    headings = [
        p.text for p in document.paragraphs if p.style and p.style.name.startswith("Heading")
    ]
    assert "HANDLINGSPLAN" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Handlingsplan mottagen. Gradering justerad till C." in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for item in plan.items.all():
        assert item.action in cells
        assert item.completion_text in cells
    assert "Ansvarig för uppföljningen" in cells

    client.force_login(User.objects.get(email="kansli@granska.example"))
    html = client.get(reverse("reports:html", args=[review.pk])).content.decode()
    assert "HANDLINGSPLAN" in html
    assert "justerad till C" in html
    assert '<td class="replaced"><del>D</del></td>' in html
    for item in plan.items.all():
        assert item.action in html


def test_a_missing_folder_is_named(demo: list[Review], tmp_path: Path) -> None:
    target = tmp_path / "saknas" / "rapport.pdf"
    with pytest.raises(CommandError, match="saknas"):
        call_command("report", str(demo[0].pk), "-o", str(target), stdout=io.StringIO())


def test_list_names_the_status_in_words(demo: list[Review]) -> None:
    out = io.StringIO()
    call_command("report", "--list", stdout=out)
    assert "Faktagranskning" in out.getvalue()
