"""The report as a Word file (.docx) for inspectors who edit outside Granska.

The same content as the PDF: the cover with the version, the summary, STRUKTUR and PROCESS with
each area's narrative, adjustment note, criteria by level and grade grid, and the HANDLINGSPLAN
once one is accepted. It is made on the report's own template (`docx_template`: A4, Swedish, the
report's styles), with "Sida X av Y" in every page's footer and "UTKAST" in a draft's header. The
headings follow the HTML's levels (the title, then Sammanfattning, STRUKTUR, PROCESS,
HANDLINGSPLAN, then the summary's parts and the areas, then the criteria's levels), none skipped.
"""

import datetime
import io
from typing import Final

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from granska.reports.docx_template import LANGUAGE, TEXT_WIDTH, docx_template
from granska.reports.selectors import AreaData, ReportData

DOCX_TYPE: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MUTED = RGBColor(0x4A, 0x53, 0x60)
WARNING = RGBColor(0x9B, 0x1C, 0x1C)
# The grade grid: each regulation's column is narrow (a letter), the wording takes the rest.
GRADE_COLUMN: Final = 1000
# The plan's table: the label, then the value.
PLAN_LABEL_COLUMN: Final = 2948


def docx_render(data: ReportData, *, today: datetime.date | None = None) -> bytes:
    """The .docx of a report. Its created date is the issue date (a draft's: `today`)."""
    document = Document(io.BytesIO(docx_template()))
    _properties(document, data, today or datetime.date.today())
    _header_footer(document, data)

    # Cover
    _styled(document, "EXTERN KVALITETSGRANSKNING", "Heading1")
    _styled(document, "av specialiseringstjänstgöring", "Subtitle")
    for value, label in (
        (data["unit"], "Klinik"),
        (data["specialty"], "Specialitet"),
        (data["date"], "Datum"),
        (data["inspectors"], "Inspektörer"),
        ("\n".join(data["regulations"]), "Föreskrift"),
    ):
        paragraph = _styled(document, "", "Normal")
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(value or "–")
        run.bold = True
        run.font.size = Pt(13)
        _styled(document, label, "Label")
    if data["both_regulations"]:
        _styled(
            document,
            "Vid två parallella utbildningar – enligt SOSFS 2015:8 och HSLF-FS 2021:8 års "
            "föreskrifter – bedöms följsamheten i förhållande till båda. Om brister påvisats vad "
            "gäller följsamheten till någon av föreskrifterna krävs en handlingsplan.",
            "Note",
        )
    if data["issue"] is not None:
        _styled(document, data["issue"]["sentence"], "Note")
    _styled(document, "", "Normal").add_run(data["issuer"]).bold = True
    _page_break(document)

    # Summary
    _styled(document, "Sammanfattning", "Heading2")
    if data["both_regulations"]:
        _styled(
            document,
            "Observera att bedömning av följsamhet till föreskrift, allmänna råd och "
            "kvalitetsindikatorer gäller både SOSFS 2015:8 och HSLF-FS 2021:8, såvida inte "
            "annat anges.",
            "Note",
        ).runs[0].italic = True
    summary = data["summary"]
    for heading, items in (
        ("Styrkor", summary["strengths"]),
        ("Svagheter", summary["weaknesses"]),
        ("Förbättringspotential", summary["improvements"]),
    ):
        _styled(document, heading, "Heading3")
        for item in items or ["–"]:
            _styled(document, item, "ListBullet" if items else "Normal")

    # STRUKTUR and PROCESS
    for group in data["groups"]:
        _page_break(document)
        _styled(document, group["name"], "Heading2")
        for area in group["areas"]:
            _area(document, area, data["years"])
    if data["plan"]:
        _plan(document, data)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document: DocxDocument, data: ReportData, today: datetime.date) -> None:
    """Title, author and language; created (and modified) on the issue date."""
    properties = document.core_properties
    properties.title = (
        "Extern kvalitetsgranskning – "
        + data["unit"]
        + (f" {data['date']}" if data["date"] else "")
    )
    properties.author = "Granska"
    properties.last_modified_by = "Granska"
    properties.language = LANGUAGE
    properties.subject = "Extern kvalitetsgranskning av specialiseringstjänstgöring"
    issued = (
        datetime.date.fromisoformat(data["issue"]["date"]) if data["issue"] is not None else today
    )
    moment = datetime.datetime.combine(issued, datetime.time(), tzinfo=datetime.UTC)
    properties.created = moment
    properties.modified = moment


def _header_footer(document: DocxDocument, data: ReportData) -> None:
    """The footer on every page: the unit, the date and the version, and "Sida X av Y" as
    fields (PAGE, NUMPAGES) that Word and LibreOffice count. A draft says "UTKAST" above."""
    section = document.sections[0]
    footer = section.footer.paragraphs[0]
    footer._p.style = "Footer"
    where = data["unit"] + (f" · {data['date']}" if data["date"] else "")
    if data["issue"] is not None:
        where += f" · Version {data['issue']['version']}"
    footer.add_run(where + "\tSida ")
    _field(footer, "PAGE")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES")
    header = section.header.paragraphs[0]
    header._p.style = "Header"
    if data["draft"]:
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run("UTKAST")
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = WARNING


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) as Word writes it: begin, the instruction, a value, end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1")):
        run = paragraph.add_run()
        if kind is not None:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            run.text = text or ""
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _area(document: DocxDocument, area: AreaData, years: list[str]) -> None:
    _styled(document, f"{area['code']}. {area['title']}", "Heading3")
    for paragraph in area["narrative"] or ["Ingen text skriven."]:
        document.add_paragraph(paragraph)
    # Once per adjusted area, after the narrative, as the printed reports put it.
    if area["adjustment_note"]:
        _styled(document, "", "Normal").add_run(area["adjustment_note"]).bold = True
    for paragraph in area["preamble"]:
        _styled(document, paragraph, "Note")
    for level in area["levels"]:
        _styled(document, level["heading"], "Heading4")
        for criterion in level["criteria"]:
            _styled(document, criterion["text"], "ListBullet")

    widths = [TEXT_WIDTH - GRADE_COLUMN * len(years), *[GRADE_COLUMN] * len(years)]
    table = _table(document, rows=1 + len(area["scale"]), widths=widths)
    _header_row(table)
    header = table.rows[0].cells
    _cell_text(header[0], "Gradering", bold=True)
    for cell, year in zip(header[1:], years, strict=True):
        _cell_text(cell, year, bold=True, centred=True)
        _shade(cell, "EEF2F6")
    _shade(header[0], "EEF2F6")
    for row, scale in zip(table.rows[1:], area["scale"], strict=True):
        cells = row.cells
        wording = _cell_text(cells[0], "")
        wording.add_run(f"{scale['grade']}.").bold = True
        wording.add_run(f" {scale['wording']}")
        for cell, marked, replaced in zip(
            cells[1:], scale["marked"], scale["replaced"], strict=True
        ):
            if marked:
                _cell_text(cell, scale["grade"], bold=True, centred=True)
                _shade(cell, "C9D1D9")
            elif replaced:
                # The grade set before the action plan was accepted: kept visible, struck through.
                run = _cell_text(cell, scale["grade"], centred=True).runs[0]
                run.font.strike = True
                run.font.color.rgb = MUTED
            else:
                _cell_text(cell, "")
    document.add_paragraph()


def _plan(document: DocxDocument, data: ReportData) -> None:
    """The accepted handlingsplan: per area, each item with its five fields in a table."""
    _page_break(document)
    _styled(document, "HANDLINGSPLAN", "Heading2")
    document.add_paragraph(
        "Granskningen visade brister i följsamheten till föreskrifterna. Verksamheten har "
        "därefter lämnat in handlingsplanen nedan, som inspektörerna har godkänt."
    )
    if data["public_copy"]:
        _styled(
            document,
            "Detta är den publicerade versionen av rapporten. Namnen på de personer som är "
            "ansvariga för genomförandet och uppföljningen av åtgärderna är utelämnade.",
            "Note",
        )
    for area in data["plan"]:
        _styled(document, f"{area['code']}. {area['title']}", "Heading3")
        for item in area["items"]:
            paragraph = _styled(document, "", "Normal")
            paragraph.paragraph_format.keep_with_next = True
            paragraph.add_run(item["criterion"] or "Området som helhet").italic = True
            fields = (
                ("Planerad åtgärd", item["action"]),
                ("Datum när åtgärden ska vara genomförd", item["completion"]),
                ("Ansvarig för genomförandet", item["responsible"]),
                ("Datum för uppföljning", item["followup"]),
                ("Ansvarig för uppföljningen", item["followup_responsible"]),
            )
            table = _table(
                document,
                rows=len(fields),
                widths=[PLAN_LABEL_COLUMN, TEXT_WIDTH - PLAN_LABEL_COLUMN],
            )
            for row, (label, value) in zip(table.rows, fields, strict=True):
                _cell_text(row.cells[0], label, bold=True)
                _shade(row.cells[0], "EEF2F6")
                _cell_text(row.cells[1], value or "–")
            document.add_paragraph()


def _table(document: DocxDocument, *, rows: int, widths: list[int]) -> Table:
    """A grid table with fixed column widths (in twips): Word and LibreOffice both keep them."""
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table._tbl.tblPr.style = "TableGrid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    # The table's own width, in its place among the table's properties (python-docx writes
    # one, "auto", when it makes the table).
    width = table._tbl.tblPr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        table._tbl.tblPr.find(qn("w:tblStyle")).addnext(width)
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    for column, value in zip(table.columns, widths, strict=True):
        column.width = Twips(value)
    for row in table.rows:
        for cell, value in zip(row.cells, widths, strict=True):
            cell.width = Twips(value)
    return table


def _header_row(table: Table) -> None:
    """The first row is the table's header, repeated on each page the table runs to."""
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_properties.append(header)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, centred: bool = False) -> Paragraph:
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph._p.style = "TableText"
    if text:
        paragraph.add_run(text).bold = bold or None
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _page_break(document: DocxDocument) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _styled(document: DocxDocument, text: str, style_id: str) -> Paragraph:
    """A paragraph in one of the template's styles, named by its id. python-docx's own lookup by
    style name searches every style each time and made a report take a second; the id is
    stable."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = style_id
    return paragraph


def _shade(cell: _Cell, fill: str) -> None:
    """A fill for a cell (python-docx has no API for cell shading)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
