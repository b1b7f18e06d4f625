"""The batch's own rules (granska.imports.batches), on the stand-in importer: files kept once,
zips opened in memory with their limits, each file read once by its task, the confirmation
importing the chosen and leaving out the rest, never twice. The real reader's path is
tests/imports/test_import_page.py and the browser test."""

import contextlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.imports import batches
from granska.imports.batches import (
    batch_confirm,
    batch_create,
    batch_item_read,
    zip_reports,
)
from granska.imports.models import BatchItem, BatchItemState, ImportedReview, SourceFile
from granska.imports.parsed import (
    AREA_CODES,
    AreaReading,
    Header,
    ParsedReport,
    PlanItem,
    ProtocolMatch,
    Summary,
    report_from_json,
    report_json,
)
from tests.factories import UserFactory
from tests.imports.importer import BROKEN, UNIT_A, patched_importer, variant_a, variant_b

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stand_in(monkeypatch: pytest.MonkeyPatch, settings: Any, protocol: ProtocolVersion) -> None:
    settings.TASKS = IMMEDIATE
    patched_importer(monkeypatch)


@pytest.fixture
def kansli() -> User:
    return UserFactory(role=Role.KANSLI)


Capture = Callable[..., Any]


def created(capture: Capture, kansli: User, files: list[tuple[str, bytes]]) -> list[BatchItem]:
    with capture(execute=True):
        batch = batch_create(by=kansli, files=files)
    return list(batch.items.order_by("position"))


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_only_the_kansli_makes_a_batch(seeds_dir: Path) -> None:
    with pytest.raises(PermissionDenied):
        batch_create(by=UserFactory(role=Role.INSPEKTOR), files=[("a.txt", variant_a(seeds_dir))])


def test_each_file_is_read_in_the_background_and_refused_with_its_reason(
    django_capture_on_commit_callbacks: Capture, kansli: User, seeds_dir: Path
) -> None:
    files = [("a.txt", variant_a(seeds_dir)), ("b.txt", variant_b(seeds_dir)), ("c.txt", BROKEN)]
    # Until the transaction commits, nothing is read.
    with django_capture_on_commit_callbacks() as callbacks:
        batch = batch_create(by=kansli, files=files)
    assert len(callbacks) == 3
    assert set(batch.items.values_list("state", flat=True)) == {BatchItemState.QUEUED}
    for callback in callbacks:
        callback()
    a, b, c = batch.items.order_by("position")
    assert (a.name, a.state, a.message) == ("a.txt", BatchItemState.READ, "")
    assert a.reading is not None
    assert a.reading["header"]["unit"] == UNIT_A
    parsed = batches.file_read("a.txt", variant_a(seeds_dir))
    assert isinstance(parsed, ParsedReport)
    assert a.reading == report_json(parsed)
    assert b.state == BatchItemState.READ
    assert (c.state, c.reading) == (BatchItemState.REFUSED, None)
    assert c.message == "Filen innehåller ingen text."
    # Each file kept, by its hash, under a name of its own.
    assert SourceFile.objects.count() == 3
    assert a.source.content.read() == variant_a(seeds_dir)
    assert a.source.name == "a.txt"


def test_the_same_bytes_are_kept_once_and_read_once(
    django_capture_on_commit_callbacks: Capture, kansli: User, seeds_dir: Path
) -> None:
    first, second = created(
        django_capture_on_commit_callbacks,
        kansli,
        [("a.txt", variant_a(seeds_dir)), ("kopia.txt", variant_a(seeds_dir))],
    )
    assert first.source_id == second.source_id
    assert SourceFile.objects.count() == 1
    assert first.state == BatchItemState.READ
    assert second.state == BatchItemState.DUPLICATE
    assert "a.txt" in second.message


def test_a_task_queued_twice_reads_once(
    django_capture_on_commit_callbacks: Capture,
    kansli: User,
    seeds_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (item,) = created(django_capture_on_commit_callbacks, kansli, [("a.txt", variant_a(seeds_dir))])
    monkeypatch.setattr(batches, "file_read", lambda name, data: pytest.fail("read again"))
    assert batch_item_read.call(item.pk) == BatchItemState.READ
    assert batch_item_read.call(0) == "gone"


def test_a_fault_of_the_reader_refuses_the_file_and_the_batch_goes_on(
    django_capture_on_commit_callbacks: Capture,
    kansli: User,
    seeds_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = batches.file_read

    def failing(name: str, data: bytes) -> ParsedReport | str:
        if name == "a.txt":
            raise KeyError("a bug")
        return real(name, data)

    monkeypatch.setattr(batches, "file_read", failing)
    a, b = created(
        django_capture_on_commit_callbacks,
        kansli,
        [("a.txt", variant_a(seeds_dir)), ("b.txt", variant_b(seeds_dir))],
    )
    assert a.state == BatchItemState.REFUSED
    assert a.message
    assert b.state == BatchItemState.READ


# ---- Zips --------------------------------------------------------------------------------------


def test_a_zip_gives_its_reports_with_their_names_as_in_it(
    django_capture_on_commit_callbacks: Capture, kansli: User, seeds_dir: Path
) -> None:
    archive = zipped(
        ("2024/björkhaga.txt", variant_a(seeds_dir)),
        ("2024/bilaga.docx", b"not a report"),
        ("__MACOSX/2024/._björkhaga.txt", b"junk"),
        ("2023/sjövik.TXT", variant_b(seeds_dir)),
        ("2023/", b""),
    )
    items = created(
        django_capture_on_commit_callbacks,
        kansli,
        [("rapporter.zip", archive), ("c.txt", variant_a(seeds_dir)[:-1])],
    )
    assert [item.name for item in items] == ["2024/björkhaga.txt", "2023/sjövik.TXT", "c.txt"]
    assert [item.state for item in items] == [BatchItemState.READ] * 3
    assert items[0].reading is not None
    assert items[0].reading["header"]["unit"] == UNIT_A


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ((("../../etc/rapport.txt", b"x"),), "utanför sina mappar"),
        ((("/srv/rapport.txt", b"x"),), "utanför sina mappar"),
        ((("C:/rapport.txt", b"x"),), "utanför sina mappar"),
        ((("bilaga.docx", b"x"),), "inga .pdf- eller .txt-filer"),
        ((), "inga .pdf- eller .txt-filer"),
    ],
)
def test_a_zip_is_refused_whole_for_paths_outside_it_or_no_reports(
    members: tuple[tuple[str, bytes], ...], words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        zip_reports("arkiv.zip", zipped(*members))
    assert words in refused.value.message_dict["files"][0]
    assert "arkiv.zip" in refused.value.message_dict["files"][0]


def test_a_zip_bomb_is_refused_without_unpacking_it(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = zipped(("rapport.txt", b"\0" * (batches.MAX_FILE_BYTES + 10)))
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError) as refused:
        zip_reports("bomb.zip", bomb)
    assert "större än 50 MB" in refused.value.messages[0]
    # Many members within their own limit but too much in all.
    monkeypatch.setattr(batches, "MAX_ZIP_BYTES", 3000)
    many = zipped(*[(f"r{n}.txt", b"a" * 1000) for n in range(4)])
    with pytest.raises(ValidationError) as refused:
        zip_reports("many.zip", many)
    assert "packas upp till mer än" in refused.value.messages[0]


def test_a_file_that_is_no_zip_is_refused_by_name() -> None:
    with pytest.raises(ValidationError) as refused:
        zip_reports("trasig.zip", b"PK\x03\x04 trasig")
    assert "trasig.zip" in refused.value.messages[0]


def test_an_empty_upload_is_refused(kansli: User) -> None:
    with pytest.raises(ValidationError) as refused:
        batch_create(by=kansli, files=[])
    assert refused.value.message_dict["files"]


@given(st.binary(max_size=400))
def test_any_bytes_named_zip_are_read_or_refused_never_raised(data: bytes) -> None:
    with contextlib.suppress(ValidationError):
        zip_reports("x.zip", data)


# ---- Confirming --------------------------------------------------------------------------------


def test_confirming_imports_the_chosen_and_leaves_out_the_rest_once(
    django_capture_on_commit_callbacks: Capture, kansli: User, seeds_dir: Path
) -> None:
    a, b, c = created(
        django_capture_on_commit_callbacks,
        kansli,
        [("a.txt", variant_a(seeds_dir)), ("b.txt", variant_b(seeds_dir)), ("c.txt", BROKEN)],
    )
    imported = batch_confirm(by=kansli, batch=a.batch, item_ids=[a.pk, c.pk, 999_999])
    assert [item.pk for item in imported] == [a.pk]
    a.refresh_from_db()
    b.refresh_from_db()
    c.refresh_from_db()
    assert a.state == BatchItemState.IMPORTED
    assert a.review is not None
    assert a.review.unit.name == UNIT_A
    assert ImportedReview.objects.get(source=a.source).review == a.review
    assert b.state == BatchItemState.SKIPPED
    assert c.state == BatchItemState.REFUSED
    a.batch.refresh_from_db()
    assert a.batch.confirmed_at is not None
    # Confirming again changes nothing.
    assert batch_confirm(by=kansli, batch=a.batch, item_ids=[a.pk, b.pk]) == []
    assert ImportedReview.objects.count() == 1
    b.refresh_from_db()
    assert b.state == BatchItemState.SKIPPED


def test_a_file_in_two_batches_is_imported_once(
    django_capture_on_commit_callbacks: Capture, kansli: User, seeds_dir: Path
) -> None:
    (first,) = created(
        django_capture_on_commit_callbacks, kansli, [("a.txt", variant_a(seeds_dir))]
    )
    (second,) = created(
        django_capture_on_commit_callbacks, kansli, [("igen.txt", variant_a(seeds_dir))]
    )
    assert second.state == BatchItemState.READ  # neither imported yet
    batch_confirm(by=kansli, batch=first.batch, item_ids=[first.pk])
    assert batch_confirm(by=kansli, batch=second.batch, item_ids=[second.pk]) == []
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.state == BatchItemState.DUPLICATE
    assert second.review == first.review
    assert ImportedReview.objects.count() == 1
    # And uploaded a third time, it is a duplicate as soon as it is read, naming the review.
    (third,) = created(
        django_capture_on_commit_callbacks, kansli, [("tre.txt", variant_a(seeds_dir))]
    )
    assert third.state == BatchItemState.DUPLICATE
    assert third.review == first.review
    assert str(first.review) in third.message


def test_confirming_waits_for_the_reading(kansli: User, seeds_dir: Path) -> None:
    batch = batch_create(by=kansli, files=[("a.txt", variant_a(seeds_dir))])  # not yet committed
    with pytest.raises(ValidationError):
        batch_confirm(by=kansli, batch=batch, item_ids=[])
    with pytest.raises(PermissionDenied):
        batch_confirm(by=UserFactory(role=Role.VERKSAMHET), batch=batch, item_ids=[])


def test_what_is_imported_is_what_the_preview_showed() -> None:
    areas = {code: AreaReading() for code in AREA_CODES}
    areas["D"] = AreaReading(
        narrative="Handledning saknas ibland.",
        adjusted="C",
        grades={"SOSFS 2015:8": "D", "HSLF-FS 2021:8": None},
        grade_source={"SOSFS 2015:8": "pdf-shape", "HSLF-FS 2021:8": None},
        criteria_found=3,
        criteria_expected=4,
    )
    report = ParsedReport(
        header=Header(unit="Enheten", date="2024-03-05", inspectors=["A", "B"]),
        summary=Summary(styrkor=["Bra."], svagheter=["Dåligt."]),
        areas=areas,
        plan=[PlanItem("D", None, "Text", "Göra", "Våren 2027", "Chef", None, None)],
        protocol=ProtocolMatch("spur-st-2025", 0.93),
        unrecognised=["en rad"],
    )
    back = report_from_json(report_json(report), source_kind="pdf")
    assert report_json(back) == report_json(report)
    assert back.source_kind == "pdf"
