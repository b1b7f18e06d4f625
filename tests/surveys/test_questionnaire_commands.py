"""`granska questionnaire load`, through call_command and as a console script."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from granska.surveys.models import Questionnaire, Statement
from tests.surveys.test_loader import small_questionnaire, statement, write


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def no_questionnaire(db: None) -> None:
    """No questionnaire loaded (the session's is put back when the test's transaction rolls
    back)."""
    Questionnaire.objects.all().delete()


def test_load_reports_what_it_loaded(no_questionnaire: None) -> None:
    assert run("questionnaire", "load") == (
        "Läste in Enkät inför SPUR-granskning av ST 2025 (spur-enkat-2025) för spur-st-2025: "
        "8 områden, 45 påståenden, 8 faktafält.\n"
    )
    assert run("questionnaire", "load") == (
        "Enkät inför SPUR-granskning av ST 2025 (spur-enkat-2025) är redan inläst; "
        "inget ändrades.\n"
    )
    assert Statement.objects.filter(area__questionnaire__code="spur-enkat-2025").count() == 45


def test_a_changed_file_no_survey_uses_is_replaced(db: None, tmp_path: Path) -> None:
    path = write(tmp_path, small_questionnaire())
    assert run("questionnaire", "load", str(path)).startswith("Läste in Testenkät (test-enkat)")
    data = small_questionnaire()
    statement(data)["text"] = "Ändrad."
    write(tmp_path, data)
    assert run("questionnaire", "load", str(path)) == (
        "Ersatte Testenkät (test-enkat), som ingen enkät använde, för spur-st-2025: "
        "2 områden, 3 påståenden, 2 faktafält.\n"
    )


def test_a_broken_file_is_refused_and_nothing_loaded(
    no_questionnaire: None, tmp_path: Path
) -> None:
    data = small_questionnaire()
    statement(data)["groups"] = ["st_lakare", "patient"]
    statement(data, 1)["criteria"] = ["B1"]
    with pytest.raises(CommandError) as caught:
        run("questionnaire", "load", str(write(tmp_path, data, "trasig.yaml")))
    message = str(caught.value)
    assert message.startswith("Enkäten lästes inte in:\n")
    assert (
        "trasig.yaml: areas[A].statements[A1].groups[1]: 'patient' är inte något av: st_lakare,"
        in message
    )
    assert not Questionnaire.objects.exists()


def test_a_file_mapped_onto_other_areas_is_refused_naming_the_place(
    no_questionnaire: None, tmp_path: Path
) -> None:
    data = small_questionnaire()
    statement(data, 1)["criteria"] = ["B1"]
    with pytest.raises(CommandError) as caught:
        run("questionnaire", "load", str(write(tmp_path, data, "fel.yaml")))
    assert "fel.yaml: areas[E].statements[E1].criteria[0]: B1 är ett kriterium i område B" in str(
        caught.value
    )
    assert not Questionnaire.objects.exists()


def test_the_console_script_exits_non_zero_with_the_message_on_stderr(tmp_path: Path) -> None:
    """As an operator runs it: `granska questionnaire load FILE`, the refusal on stderr and no
    traceback. The file is refused before the database is reached, so none is made."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("questionnaire: {code: x}\n", encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("granska")), "questionnaire", "load", str(broken)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "broken.yaml: questionnaire: nyckeln 'protocol' saknas" in result.stderr
    assert "Traceback" not in result.stderr
