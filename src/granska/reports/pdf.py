"""The report as a PDF/A document, typeset in-process by Typst.

The template (templates/report.typ) and the fonts (fonts/, Lato) live in the project; Typst sees
no system fonts and no packages, so a report renders the same on every machine and without a
network. The data goes in as JSON through `sys.inputs`: it is never written into Typst source.
"""

import datetime
import json
import warnings
from functools import cache
from pathlib import Path
from typing import Final

import typst

from granska.reports import ReportWarning
from granska.reports.selectors import ReportData

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "templates" / "report.typ"
FONT_DIR = HERE / "fonts"
# PDF/A-2a: archivable and tagged (reading order, headings) for screen readers.
PDF_STANDARD: Final = "a-2a"


@cache
def _fonts() -> typst.Fonts:
    """The bundled fonts and only those, scanned once per process."""
    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONT_DIR)]
    )


def pdf_render(
    data: ReportData,
    *,
    timestamp: datetime.datetime | None = None,
    template: Path = TEMPLATE,
) -> bytes:
    """The PDF of a report; Typst's warnings are passed on as `ReportWarning`."""
    compiler = typst.Compiler(
        input=template,
        root=template.parent,
        font_paths=_fonts(),
        ignore_system_fonts=True,
    )
    pdf, problems = compiler.compile_with_warnings(
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        pdf_standards=PDF_STANDARD,
        timestamp=(timestamp or datetime.datetime.now(datetime.UTC)).replace(microsecond=0),
    )
    for problem in problems:
        warnings.warn(
            f"{problem.message} {problem.diagnostic} {' '.join(problem.hints)}".strip(),
            ReportWarning,
            stacklevel=2,
        )
    assert isinstance(pdf, bytes)
    return pdf
