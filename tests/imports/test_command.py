"""`granska import`: the files of the paths given, the JSON contract, the lines and the total,
the exit statuses, the kansli it acts as."""

import datetime
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.imports import services
from granska.imports.parsed import AREA_CODES, ParsedReport
from granska.reviews.models import Review
from tests.factories import UserFactory
from tests.imports.builders import Refused, parsed_report

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = [
    "file",
    "outcome",
    "message",
    "review",
    "protocol",
    "header",
    "summary",
    "areas",
    "plan",
    "unrecognised",
]
AREA_KEYS = {
    "narrative",
    "adjusted",
    "grades",
    "grade_source",
    "criteria_found",
    "criteria_expected",
}


@pytest.fixture
def kansli() -> User:
    return UserFactory(role=Role.KANSLI, email="kansli@granska.example")


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reads a file whose bytes start "trasig" as refused, any other as the built report."""

    def read(name: str, data: bytes) -> ParsedReport:
        if data.startswith(b"trasig"):
            raise Refused("Filen är ingen SPUR-rapport.")
        return parsed_report()

    monkeypatch.setattr(services, "_reader_default", read)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2021.TXT").write_bytes(b"rapport 2021")
    (tmp_path / "a.pdf").write_bytes(b"rapport a")
    (tmp_path / "notes.docx").write_bytes(b"not a report")
    return tmp_path


def test_json_is_one_array_in_the_contracts_shape(
    kansli: User, protocol: ProtocolVersion, reader: None, tmp_path: Path
) -> None:
    path = tmp_path / "2019-ogon.txt"
    path.write_bytes(b"rapport")
    status, out, _err = run("--json", str(path))
    assert status == 0
    [entry] = json.loads(out)
    assert list(entry) == CONTRACT_KEYS
    assert entry["file"] == str(path)
    assert entry["outcome"] == "imported"
    assert entry["message"] is None
    assert Review.objects.filter(pk=entry["review"]).exists()
    assert entry["protocol"] == {"code": "spur-st-2025", "score": 0.9}
    assert entry["header"] == {
        "unit": "Ögonkliniken Storvik",
        "specialty": "Ögonsjukdomar",
        "date": "2019-03-14",
        "inspectors": ["Anna Berg", "Karl Ek"],
        "regulations": ["HSLF-FS 2021:8"],
    }
    assert list(entry["summary"]) == ["styrkor", "svagheter", "forbattringspotential"]
    assert list(entry["areas"]) == list(AREA_CODES)
    assert all(set(area) == AREA_KEYS for area in entry["areas"].values())
    assert entry["areas"]["D"]["adjusted"] == "C"
    assert entry["areas"]["A"]["grades"] == {"SOSFS 2015:8": None, "HSLF-FS 2021:8": None}
    assert entry["plan"][0] == {
        "area": "D",
        "criterion": "D1",
        "criterion_text": "…",
        "action": "Inför schemalagd studietid.",
        "due": "Våren 2027",
        "responsible": "Verksamhetschefen",
        "follow_up": "2027-09-01",
        "follow_up_responsible": "Studierektor",
    }
    assert entry["unrecognised"] == []


def test_folders_are_read_recursively_in_order_and_a_refusal_does_not_stop_the_batch(
    kansli: User, protocol: ProtocolVersion, reader: None, folder: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "trasig.txt"
    broken.write_bytes(b"trasig")
    status, out, _err = run("--json", "--dry-run", str(broken), str(folder))
    assert status == 1
    entries = json.loads(out)
    assert [e["file"] for e in entries] == [
        str(broken),
        str(folder / "a.pdf"),
        str(folder / "b" / "2021.TXT"),
        str(broken),  # the folder holds it too
    ]
    assert [e["outcome"] for e in entries] == ["refused", "would_import", "would_import", "refused"]
    assert entries[0]["message"] == "Filen är ingen SPUR-rapport."
    assert entries[0]["review"] is None
    assert list(entries[0]) == CONTRACT_KEYS
    assert entries[0]["header"]["unit"] is None
    assert not Review.objects.exists()


def test_lines_and_a_total_without_json(
    kansli: User, protocol: ProtocolVersion, reader: None, tmp_path: Path
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"rapport")
    status, out, err = run(str(path))
    assert status == 0
    review = Review.objects.get()
    assert f"{path}: " in out
    assert str(review.pk) in out
    assert out.strip().splitlines()[-1].startswith("1 ")
    assert err == ""  # no bar when standard error is no terminal
    status, out, _err = run(str(path))
    assert status == 0  # a duplicate is no failure
    assert str(review.pk) in out


def test_a_missing_file_is_refused(
    kansli: User, protocol: ProtocolVersion, reader: None, tmp_path: Path
) -> None:
    status, out, _err = run("--json", str(tmp_path / "finns-inte.pdf"))
    assert status == 1
    assert json.loads(out)[0]["outcome"] == "refused"


def test_the_kansli_member_must_be_named_when_there_are_several(
    kansli: User, protocol: ProtocolVersion, reader: None, tmp_path: Path
) -> None:
    UserFactory(role=Role.KANSLI)
    path = tmp_path / "a.txt"
    path.write_bytes(b"rapport")
    with pytest.raises(CommandError) as refused:
        run(str(path))
    assert refused.value.returncode == 2
    with pytest.raises(CommandError) as refused:
        run("--by", "inspektor@granska.example", str(path))
    assert refused.value.returncode == 2
    status, _out, _err = run("--by", "KANSLI@granska.example", str(path))
    assert status == 0
    assert Review.objects.get().imported.imported_by == kansli


def test_no_path_is_a_usage_error(kansli: User) -> None:
    with pytest.raises(CommandError):
        run()


def test_exit_status_two_from_the_command_line(tmp_path: Path) -> None:
    """The real command: a usage error is status 2 (argparse's), as the contract says."""
    done = subprocess.run(
        [sys.executable, "-m", "granska.manage", "import"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_only() -> None:
    # `import` is a keyword: the module is reached by name, as Django's loader does.
    module = importlib.import_module("granska.imports.management.commands.import")
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = module.Progress(stream, 4)
        for done in range(1, 5):
            progress.step(done)
        progress.end()
    assert terminal.getvalue().endswith("] 4/4\n")
    assert "\r[" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_the_seeds_import_in_the_contracts_shape(
    kansli: User, protocol: ProtocolVersion, seeds_dir: Path
) -> None:
    seeds = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    status, out, _err = run("--json", *seeds)
    assert status == 0
    entries = json.loads(out)
    assert [e["file"] for e in entries] == seeds
    for entry in entries:
        assert list(entry) == CONTRACT_KEYS
        assert entry["outcome"] == "imported"
        assert list(entry["areas"]) == list(AREA_CODES)
        for area in entry["areas"].values():
            assert set(area) == AREA_KEYS
            assert set(area["grades"].values()) == {None}  # a text shows no grade
            assert area["narrative"]
        review = Review.objects.get(pk=entry["review"])
        assert review.status == "avslutad"
        assert not review.assessments.filter(grades__isnull=False).exists()
    first, second = entries
    assert first["header"]["date"] == "2025-11-14"
    assert review_of(first).final_report_date == datetime.date(2025, 11, 14)
    assert first["plan"] == []
    assert second["header"]["unit"] is None
    assert [c for c, a in second["areas"].items() if a["adjusted"]] == ["D", "E", "H"]
    assert len(second["plan"]) == 8
    texts = set(review_of(second).action_plan.items.values_list("completion_text", flat=True))
    assert "Våren 2027" in texts
    # Again: each a duplicate naming the review it made.
    status, out, _err = run("--json", *seeds)
    assert status == 0
    assert [(e["outcome"], e["review"]) for e in json.loads(out)] == [
        ("duplicate", e["review"]) for e in entries
    ]


def review_of(entry: dict[str, Any]) -> Review:
    return Review.objects.get(pk=entry["review"])
