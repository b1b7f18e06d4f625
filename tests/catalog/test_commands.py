"""`granska catalog load|show` and `granska grade`, through call_command and as a console script."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from granska.catalog.models import ProtocolVersion


def run(*args: str, stdin: str | None = None, monkeypatch: Any = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command(*args, stdout=out)
    return out.getvalue()


def test_catalog_load_reports_what_it_loaded(no_catalog: None) -> None:
    assert run("catalog", "load") == (
        "Läste in SPUR ST-protokoll 2025 (spur-st-2025): 8 områden, 76 kriterier.\n"
    )
    # The second time: already loaded, nothing changed.
    assert run("catalog", "load") == (
        "SPUR ST-protokoll 2025 (spur-st-2025) är redan inläst; inget ändrades.\n"
    )
    assert ProtocolVersion.objects.get().criteria.count() == 76


def test_catalog_load_refuses_a_broken_file_and_loads_nothing(
    no_catalog: None, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "protocol: {code: x, title: X, max_ki_exceptions: 1, regulations: ['SOSFS 2015:8']}\n"
        "areas:\n  - {code: A, title: T, group: STRUKTUR, scale: [], criteria: []}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        run("catalog", "load", str(broken))
    assert "broken.yaml: areas[A].scale" in str(caught.value)
    assert "broken.yaml: areas[A].criteria" in str(caught.value)
    assert ProtocolVersion.objects.count() == 0


def test_catalog_show_json_has_the_documented_shape(protocol: ProtocolVersion) -> None:
    data = json.loads(run("catalog", "show", "--json"))
    assert data["version"] == "spur-st-2025"
    assert [a["code"] for a in data["areas"]] == list("ABCDEFGH")
    area_a = data["areas"][0]
    assert set(area_a) >= {"code", "title", "group", "scale", "criteria"}
    assert (area_a["title"], area_a["group"], area_a["scale"]) == (
        "Verksamheten",
        "STRUKTUR",
        ["A", "B", "D"],
    )
    e13 = next(c for c in data["areas"][4]["criteria"] if c["code"] == "E13")
    assert e13 == {
        "code": "E13",
        "level": "allmant_rad",
        "text": "Ändamålsenliga metoder används för bedömningar av ST-läkarens kompetens.",
        "regulations": ["SOSFS 2015:8"],
    }
    assert sum(len(a["criteria"]) for a in data["areas"]) == 76


def test_catalog_show_as_text_lists_every_criterion(protocol: ProtocolVersion) -> None:
    output = run("catalog", "show")
    assert output.count("\n  ") == 76
    assert "H13" in output


def test_catalog_show_without_a_protocol_says_what_to_do(no_catalog: None) -> None:
    with pytest.raises(CommandError, match="catalog load"):
        run("catalog", "show")


def grade(monkeypatch: Any, payload: Any) -> dict[str, Any]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    result: dict[str, Any] = json.loads(run("grade", "-", stdin=text, monkeypatch=monkeypatch))
    return result


def test_grade_from_standard_input(protocol: ProtocolVersion, monkeypatch: Any) -> None:
    result = grade(
        monkeypatch,
        {
            "area": "E",
            "regulation": "HSLF-FS 2021:8",
            "findings": {"E1": "uppfyllt", "E2": "delvis"},
        },
    )
    assert result["grade"] == "D"
    assert result["complete"] is False
    assert "E2" in result["reasons"][0]
    # E13 applies to SOSFS 2015:8 only, so it is not missing under HSLF-FS 2021:8.
    assert result["missing"] == [f"E{n}" for n in range(3, 16) if n != 13]


def test_grade_of_nothing_but_ej_relevant_is_no_grade(
    protocol: ProtocolVersion, monkeypatch: Any
) -> None:
    findings = {"A1": "ej_relevant", "A2": "ej_relevant"}
    result = grade(monkeypatch, {"area": "A", "regulation": "SOSFS 2015:8", "findings": findings})
    assert result == {"grade": None, "complete": False, "reasons": [], "missing": ["A3", "A4"]}


def test_grade_from_a_file_complete_area(protocol: ProtocolVersion, tmp_path: Path) -> None:
    findings = {f"A{n}": "uppfyllt" for n in range(1, 4)} | {"A4": "ej_uppfyllt"}
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps({"area": "A", "regulation": "SOSFS 2015:8", "findings": findings}),
        encoding="utf-8",
    )
    assert json.loads(run("grade", str(path))) == {
        "grade": "A",
        "complete": True,
        "reasons": [
            "A: föreskrifter och allmänna råd följs; "
            "kvalitetsindikatorn A4 är ett tillåtet undantag."
        ],
        "missing": [],
    }


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"area": "Q", "regulation": "SOSFS 2015:8", "findings": {}}, "'Q'"),
        ({"area": "E", "regulation": "SOSFS 1999:1", "findings": {}}, "SOSFS 1999:1"),
        ({"area": "E", "regulation": "SOSFS 2015:8", "findings": {"E99": "uppfyllt"}}, "E99"),
        ({"area": "E", "regulation": "SOSFS 2015:8", "findings": {"A1": "uppfyllt"}}, "A1"),
        ({"area": "E", "regulation": "SOSFS 2015:8", "findings": {"E5": "uppfyllt"}}, "E5"),
        ({"area": "E", "regulation": "SOSFS 2015:8", "findings": {"E1": "bra"}}, "'bra'"),
        ({"area": "E", "regulation": "SOSFS 2015:8", "findings": {"E1": 3}}, "E1"),
        ({"area": "E", "regulation": "SOSFS 2015:8"}, "findings"),
        ({"area": "E", "regulation": "SOSFS 2015:8", "findings": [], "x": 1}, "x"),
        ({"area": "E", "regulation": "SOSFS 2015:8", "findings": []}, "findings"),
        ("[1, 2]", "JSON"),
        ("{not json", "JSON"),
    ],
)
def test_grade_refuses_bad_input_naming_it(
    protocol: ProtocolVersion, monkeypatch: Any, payload: Any, words: str
) -> None:
    with pytest.raises(CommandError) as caught:
        grade(monkeypatch, payload)
    assert words in str(caught.value)


def test_grade_with_an_unknown_protocol_names_it(
    protocol: ProtocolVersion, monkeypatch: Any
) -> None:
    payload = {"area": "A", "regulation": "SOSFS 2015:8", "findings": {}}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(payload)))
    with pytest.raises(CommandError) as caught:
        call_command("grade", "-", "--protocol", "spur-st-1999", stdout=io.StringIO())
    assert "'spur-st-1999'" in str(caught.value)
    assert "spur-st-2025" in str(caught.value)


def test_an_incomplete_a_speaks_only_of_what_is_assessed(
    protocol: ProtocolVersion, monkeypatch: Any
) -> None:
    findings = {"A1": "uppfyllt", "A2": "uppfyllt", "A3": "uppfyllt"}
    result = grade(monkeypatch, {"area": "A", "regulation": "SOSFS 2015:8", "findings": findings})
    assert (result["grade"], result["complete"], result["missing"]) == ("A", False, ["A4"])
    assert result["reasons"] == [
        "A hittills: de föreskrifter och allmänna råd som är bedömda följs och varje bedömd "
        "kvalitetsindikator är uppfylld."
    ]
    findings["A4"] = "uppfyllt"
    complete = grade(monkeypatch, {"area": "A", "regulation": "SOSFS 2015:8", "findings": findings})
    assert "hittills" not in complete["reasons"][0]


def test_grade_of_a_missing_file_names_it(protocol: ProtocolVersion, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nowhere\.json"):
        run("grade", str(tmp_path / "nowhere.json"))


def test_the_granska_console_script_runs_the_commands(tmp_path: Path) -> None:
    """The installed `granska` script is manage.py: migrate, load, show, grade end to end."""
    script = Path(sys.executable).with_name("granska")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    def granska(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *args],
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    assert granska("migrate", "--no-input").returncode == 0
    assert granska("catalog", "load").returncode == 0
    shown = granska("catalog", "show", "--json")
    assert shown.returncode == 0
    assert len(json.loads(shown.stdout)["areas"]) == 8
    bad = granska("grade", "-", stdin='{"area": "E", "regulation": "X", "findings": {}}')
    assert bad.returncode != 0
    assert "X" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = granska(
        "grade", "-", stdin='{"area": "C", "regulation": "SOSFS 2015:8", "findings": {}}'
    )
    assert json.loads(good.stdout)["missing"] == ["C1", "C2", "C3", "C4"]
