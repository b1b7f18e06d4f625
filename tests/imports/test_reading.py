"""The reading dispatcher: size, PDF or text by content, the grid's grades put in, and never an
exception but ReportRefused."""

import sys
import types
from dataclasses import dataclass, field

import pytest
from django.utils import translation

from granska.imports.catalogs import catalog_indexes
from granska.imports.matching import CatalogIndex
from granska.imports.parsed import REGULATIONS
from granska.imports.reading import MAX_REPORT_BYTES, ReportRefused, report_read, report_size_check


def test_a_file_over_50_mb_is_refused_before_it_is_read(catalog: CatalogIndex) -> None:
    with translation.override("sv"), pytest.raises(ReportRefused) as refused:
        report_size_check(MAX_REPORT_BYTES + 1)
    assert "högst 50 MB" in refused.value.message
    report_size_check(MAX_REPORT_BYTES)
    big = b"a" * (MAX_REPORT_BYTES + 1)
    with pytest.raises(ReportRefused, match="50 MB"):
        report_read("stor.txt", big, [catalog])


def test_binary_and_empty_files_are_refused_in_swedish(catalog: CatalogIndex) -> None:
    with translation.override("sv"):
        with pytest.raises(ReportRefused) as empty:
            report_read("tom.txt", b"", [catalog])
        assert empty.value.message == "Filen är tom."
        with pytest.raises(ReportRefused) as binary:
            report_read("bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00", [catalog])
        assert binary.value.message.startswith("Filen är inte text")


@dataclass
class FakePdf:
    text: str
    grades: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    regulations: list[str] = field(default_factory=list)


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch, seed_001: str) -> list[bytes]:
    """A stand-in for granska.imports.pdf (another branch writes it): seed 001's text, D marked
    in 2015's column by a glyph and E by a drawn shape."""
    seen: list[bytes] = []

    def pdf_read(data: bytes) -> FakePdf:
        seen.append(data)
        if b"encrypted" in data:
            raise ReportRefused("The PDF is encrypted.")
        if b"broken" in data:
            raise ValueError("a slip of the PDF reader")
        return FakePdf(
            text=seed_001,
            grades={
                "D": {"SOSFS 2015:8": ("D", "pdf-glyph")},
                "E": {"SOSFS 2015:8": ("D", "pdf-shape")},
                "Z": {"SOSFS 2015:8": ("A", "pdf-glyph")},
            },
            regulations=["SOSFS 2015:8"],
        )

    module = types.ModuleType("granska.imports.pdf")
    module.pdf_read = pdf_read  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "granska.imports.pdf", module)
    return seen


def test_a_pdf_is_read_with_its_grid(fake_pdf: list[bytes], catalog: CatalogIndex) -> None:
    report = report_read("001.pdf", b"%PDF-1.7\n...", [catalog])
    assert fake_pdf == [b"%PDF-1.7\n..."]
    assert report.source_kind == "pdf"
    assert report.areas["D"].grades == {"SOSFS 2015:8": "D", "HSLF-FS 2021:8": None}
    assert report.areas["D"].grade_source["SOSFS 2015:8"] == "pdf-glyph"
    assert report.areas["D"].adjusted == "C"
    assert report.areas["E"].grade_source["SOSFS 2015:8"] == "pdf-shape"
    assert report.areas["A"].grades == dict.fromkeys(REGULATIONS)
    # No cover: the regulations are the grid's columns.
    assert report.header.regulations == ["SOSFS 2015:8"]
    assert len(report.plan) == 8


def test_the_cover_regulations_win_over_the_grid(
    monkeypatch: pytest.MonkeyPatch, seed_000: str, catalog: CatalogIndex
) -> None:
    module = types.ModuleType("granska.imports.pdf")
    module.pdf_read = lambda data: FakePdf(text=seed_000, regulations=["SOSFS 2015:8"])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "granska.imports.pdf", module)
    report = report_read("000.pdf", b"%PDF-1.4", [catalog])
    assert report.header.regulations == ["SOSFS 2015:8", "HSLF-FS 2021:8"]


def test_the_pdf_readers_refusals_and_slips_are_refusals(
    fake_pdf: list[bytes], catalog: CatalogIndex
) -> None:
    with pytest.raises(ReportRefused, match="encrypted"):
        report_read("låst.pdf", b"%PDF-1.7 encrypted", [catalog])
    with translation.override("sv"), pytest.raises(ReportRefused) as refused:
        report_read("trasig.pdf", b"%PDF-1.7 broken", [catalog])
    assert refused.value.message.startswith("Filen kunde inte läsas")


def test_without_the_pdf_reader_a_pdf_is_refused(
    monkeypatch: pytest.MonkeyPatch, catalog: CatalogIndex
) -> None:
    monkeypatch.setattr("granska.imports.reading._pdf_reader", lambda: None)
    with translation.override("sv"), pytest.raises(ReportRefused) as refused:
        report_read("a.pdf", b"%PDF-1.7", [catalog])
    assert "PDF" in refused.value.message


def test_the_content_decides_not_the_name(seed_000: str, catalog: CatalogIndex) -> None:
    report = report_read("rapport.pdf", seed_000.encode(), [catalog])
    assert report.source_kind == "text"
    assert report.header.unit == "Liljeholmens vårdcentral"


@pytest.mark.django_db
def test_catalog_indexes_of_the_loaded_versions(catalog: CatalogIndex) -> None:
    indexes = catalog_indexes()
    assert [index.protocol for index in indexes] == ["spur-st-2025"]
    loaded = indexes[0]
    assert loaded == catalog
    assert len(loaded.criteria) == 76
    assert loaded.areas[6][0] == "G"
