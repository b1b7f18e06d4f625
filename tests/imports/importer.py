"""The importer the batch tests drive: the real reader and storing once they are on main
(`granska.imports.reading`, `granska.imports.services.reading_store`), until then a stand-in of
the same shape, put in `granska.imports.batches`' two calls. The tests around the page run on
whichever is there, so that after the merge the real path is the one they take.

The report texts are variants of the seeds (read from the shared folder, never copied into the
project): another unit, date and inspectors on seed 000, another health centre on seed 001."""

from pathlib import Path

import pytest

from granska.accounts.models import User
from granska.catalog.models import ProtocolVersion
from granska.imports import batches
from granska.imports.models import ImportedReview, SourceFile
from granska.imports.parsed import Header, ParsedReport, Summary, report_json
from granska.reviews.models import Review
from granska.reviews.services import review_create
from tests.builders import kansli_user
from tests.factories import UnitFactory

UNIT_A = "Vårdcentralen Björkhaga"
UNIT_B = "Sjöviks HC"
# Bytes that are no text: the reader refuses them, by any reader.
BROKEN = b"\x00\x01\x02\xff\xfe\x00binary\x00" * 40


def variant_a(seeds_dir: Path) -> bytes:
    text = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    text = text.replace("Liljeholmens vårdcentral", UNIT_A).replace("2025-11-14", "2024-03-05")
    text = text.replace("Britt Bergström och Eva de Fine Licht", "Anna Ek och Per Lund")
    return text.encode("utf-8")


def variant_b(seeds_dir: Path) -> bytes:
    text = next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    text = text.replace("Lindsdals HC", UNIT_B).replace("Lindsdal HC", UNIT_B)
    # Saved on Windows: CRLF, Windows-1252.
    return text.replace("\n", "\r\n").encode("cp1252")


def fake_read(name: str, data: bytes) -> ParsedReport | str:
    """Stands in for `report_read`: the unit is the line before "Klinik", the strengths the
    lines between "Styrkor" and "Svagheter"; bytes that are no text are refused."""
    if b"\x00" in data or not data.strip():
        return "Filen innehåller ingen text."
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "Styrkor" not in lines:
        return "Filen är ingen SPUR-rapport."
    unit = lines[lines.index("Klinik") - 1] if "Klinik" in lines else None
    start = lines.index("Styrkor") + 1
    end = lines.index("Svagheter", start) if "Svagheter" in lines[start:] else start
    return ParsedReport(
        header=Header(unit=unit, regulations=["SOSFS 2015:8"] if unit else []),
        summary=Summary(styrkor=lines[start:end][:3]),
    )


def fake_store(*, by: User, parsed: ParsedReport, source: SourceFile) -> Review:
    """Stands in for `reading_store`: a review of a unit of the name read, with its file."""
    review = review_create(
        by=kansli_user(),
        unit=UnitFactory(name=parsed.header.unit or f"Importerad {source.pk}"),
        protocol=ProtocolVersion.objects.order_by("pk")[0],
        regulations=("SOSFS 2015:8",),
    )
    ImportedReview.objects.create(
        review=review, source=source, reading=report_json(parsed), imported_by=by
    )
    return review


def patched_importer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in, whatever is on main: for the tests of the batch's own rules."""
    monkeypatch.setattr(batches, "file_read", fake_read)
    monkeypatch.setattr(batches, "reading_import", fake_store)
