"""Reading one file of an earlier report, whatever it is: the entry of every import (issue 13).

`report_read` tells a PDF from a text by its content, not its name, refuses what is too large or
no report, and never raises anything but `ReportRefused`, whose message is in the reader's
language: one bad file in a batch of hundreds is a line in the result, never a crash.
"""

import importlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from granska.imports.matching import CatalogIndex
from granska.imports.parsed import REGULATIONS, GradeSource, ParsedReport
from granska.imports.report import report_parse
from granska.imports.text import ReportRefused, text_decode

__all__ = ["MAX_REPORT_BYTES", "ReportRefused", "report_read", "report_size_check"]

logger = logging.getLogger(__name__)

# No report is anywhere near this: a scanned report of many pages is a few MB.
MAX_REPORT_BYTES = 50 * 1024 * 1024
_PDF_MAGIC = b"%PDF-"
_GRADE_SOURCES: dict[str, GradeSource] = {"pdf-glyph": "pdf-glyph", "pdf-shape": "pdf-shape"}


def report_size_check(size: int) -> None:
    """Refuses a file of `size` bytes that is too large to read. A caller that has the file on
    disk or in an upload checks its size with this before reading its bytes at all."""
    if size > MAX_REPORT_BYTES:
        raise ReportRefused(
            _(
                "The file is %(size)s MB; a report may be at most %(limit)s MB. Is it really a "
                "report?"
            ),
            size=number_format(round(size / 1024 / 1024, 1), force_grouping=True),
            limit=number_format(MAX_REPORT_BYTES // 1024 // 1024, force_grouping=True),
        )


def report_read(name: str, data: bytes, catalogs: Sequence[CatalogIndex]) -> ParsedReport:
    """What the file `name` (its bytes `data`) says as a report. A PDF (by its first bytes) is
    read by `granska.imports.pdf` with the marks of its grade grid; anything else is read as
    text. Raises ReportRefused, with a message in the reader's language, and nothing else."""
    try:
        return _read(data, catalogs)
    except ReportRefused as refused:
        raise refused.translated(_) from None
    except Exception:  # a reader's slip refuses one file, never a batch
        # Neither its name nor its content goes to the log: either may name a person.
        logger.exception("import: reading failed unexpectedly (%s bytes)", len(data))
        raise ReportRefused(
            _("The file could not be read: Granska does not recognise what it holds.")
        ) from None


def _read(data: bytes, catalogs: Sequence[CatalogIndex]) -> ParsedReport:
    report_size_check(len(data))
    if data[:1024].lstrip().startswith(_PDF_MAGIC):
        return _pdf_parse(data, catalogs)
    return report_parse(text_decode(data), catalogs)


def _pdf_reader() -> Callable[[bytes], Any] | None:
    """`granska.imports.pdf.pdf_read`, imported when first needed; None while that module is
    not there."""
    try:
        module = importlib.import_module("granska.imports.pdf")
    except ImportError as error:
        if error.name != "granska.imports.pdf":
            raise
        return None
    reader: Callable[[bytes], Any] = module.pdf_read
    return reader


def _pdf_parse(data: bytes, catalogs: Sequence[CatalogIndex]) -> ParsedReport:
    """The PDF's text read as any report's, with the grades its grid marks and the regulations
    its columns name (those the cover names, when it names any, win)."""
    pdf_read = _pdf_reader()
    if pdf_read is None:
        raise ReportRefused(_("This installation of Granska cannot read PDF files."))
    pdf = pdf_read(data)
    report = report_parse(str(pdf.text), catalogs)
    report.source_kind = "pdf"
    grades: dict[str, dict[str, tuple[str, str]]] = pdf.grades or {}
    for area_code, by_regulation in grades.items():
        area = report.areas.get(area_code)
        if area is None:
            continue
        for regulation, (grade, source) in by_regulation.items():
            if regulation in REGULATIONS and source in _GRADE_SOURCES:
                area.grades[regulation] = grade
                area.grade_source[regulation] = _GRADE_SOURCES[source]
    if not report.header.regulations:
        report.header.regulations = [r for r in pdf.regulations or [] if r in REGULATIONS]
    return report
