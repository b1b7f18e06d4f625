"""The report as a PDF/A document, typeset in-process by Typst.

The template (templates/report.typ) and the fonts (fonts/: Lato, and Noto for the scripts,
symbols and emoji Lato lacks) live in the project; Typst sees no system fonts and no packages, so
a report renders the same on every machine and without a network. The data goes in as JSON
through `sys.inputs`: it is never written into Typst source. A character the fonts cannot show
is refused before typesetting (`reports.glyphs`), naming the field that holds it.

A draft is typeset once per content: `pdf_render_cached` keeps the PDF in the "reports" cache
under a digest of the data, the template, the fonts and Typst's version, so that any change to
the review makes a new PDF and an unchanged one is not typeset again on every request.
"""

import datetime
import hashlib
import importlib.metadata
import json
import warnings
from functools import cache
from pathlib import Path
from typing import Final

import typst
from django.core.cache import caches
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from granska.glyphs import FONT_DIR, fonts_identity
from granska.reports import ReportWarning
from granska.reports.glyphs import report_glyphs_check, typst_refusal
from granska.reports.selectors import ReportData

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "templates" / "report.typ"
# PDF/A-2a: archivable and tagged (reading order, headings) for screen readers.
PDF_STANDARD: Final = "a-2a"
# The cache (settings.CACHES) that keeps typeset drafts, and for how long one is kept unused.
CACHE_ALIAS: Final = "reports"
CACHE_SECONDS: Final = 7 * 24 * 3600


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
    """The PDF of a report; Typst's warnings are passed on as `ReportWarning`. A character the
    fonts cannot show raises `ValidationError` naming its place in the report."""
    report_glyphs_check(data)
    compiler = typst.Compiler(
        input=template,
        root=template.parent,
        font_paths=_fonts(),
        ignore_system_fonts=True,
    )
    try:
        pdf, problems = compiler.compile_with_warnings(
            format="pdf",
            sys_inputs={"data": json.dumps(data, ensure_ascii=False), "watermark": watermark_svg()},
            pdf_standards=PDF_STANDARD,
            timestamp=(timestamp or datetime.datetime.now(datetime.UTC)).replace(microsecond=0),
        )
    except typst.TypstError as error:
        refusal = typst_refusal(error, data)
        if refusal is None:
            raise
        raise refusal from None
    for problem in problems:
        warnings.warn(
            f"{problem.message} {problem.diagnostic} {' '.join(problem.hints)}".strip(),
            ReportWarning,
            stacklevel=2,
        )
    assert isinstance(pdf, bytes)
    return pdf


def pdf_render_cached(data: ReportData, *, template: Path = TEMPLATE) -> bytes:
    """`pdf_render`, typeset once for the same data, template and fonts."""
    store = caches[CACHE_ALIAS]
    key = pdf_cache_key(data, template=template)
    pdf = store.get(key)
    if isinstance(pdf, bytes):
        return pdf
    pdf = pdf_render(data, template=template)
    store.set(key, pdf, CACHE_SECONDS)
    return pdf


@cache
def watermark_svg(word: str = "UTKAST") -> str:
    """The draft's watermark as an SVG of the letters' outlines in Lato Bold: a drawing, not
    text, so that it never extracts as stray letters ("ST", "KA", "UT") between the report's
    words. (An artifact alone is not enough: text extraction reads artifacts too.)"""
    font = TTFont(FONT_DIR / "Lato-Bold.ttf")
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    ascent = font["hhea"].ascent
    height = ascent - font["hhea"].descent
    x = 0
    paths = []
    for char in word:
        name = cmap[ord(char)]
        pen = SVGPathPen(glyphs)
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, ascent)))
        paths.append(pen.getCommands())
        # A little space between the letters, as the printed drafts have.
        x += glyphs[name].width + 40
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {x} {height}">'
        f'<path fill="#e0e0e0" d="{" ".join(paths)}"/></svg>'
    )


def pdf_cache_key(data: ReportData, *, template: Path = TEMPLATE) -> str:
    """What the PDF is made of: the data as JSON, the template, the fonts, Typst and PDF/A."""
    digest = hashlib.sha256()
    for part in (
        json.dumps(data, ensure_ascii=False, sort_keys=True).encode(),
        hashlib.sha256(template.read_bytes()).digest(),
        fonts_identity().encode(),
        _typst_version().encode(),
        PDF_STANDARD.encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return f"granska.report.pdf:{digest.hexdigest()}"


@cache
def _typst_version() -> str:
    return importlib.metadata.version("typst")
