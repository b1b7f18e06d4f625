"""The report as a Word file (.docx) for inspectors who edit outside Granska.

The same sections as the PDF: cover, summary, STRUKTUR and PROCESS with each area's narrative,
criteria by level and grade grid, and the HANDLINGSPLAN once one is accepted. Drafts say "UTKAST"
in every page's header.
"""

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from granska.reports.selectors import AreaData, ReportData

MUTED = RGBColor(0x4A, 0x53, 0x60)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_render(data: ReportData) -> bytes:
    """The .docx of a report."""
    document = Document()
    document.core_properties.title = f"Extern kvalitetsgranskning – {data['unit']}"
    document.core_properties.author = data["issuer"]
    normal = document.styles["Normal"]
    normal.font.name = "Lato"
    normal.font.size = Pt(10.5)

    section = document.sections[0]
    footer = section.footer.paragraphs[0]
    footer.text = data["unit"] + (f" · {data['date']}" if data["date"] else "")
    if data["draft"]:
        header = section.header.paragraphs[0]
        run = header.add_run("UTKAST")
        run.bold = True
        run.font.size = Pt(16)
        run.font.color.rgb = RGBColor(0x9B, 0x1C, 0x1C)

    # Cover
    title = document.add_paragraph()
    run = title.add_run("EXTERN KVALITETSGRANSKNING")
    run.bold = True
    run.font.size = Pt(22)
    document.add_paragraph("av specialiseringstjänstgöring").runs[0].font.size = Pt(14)
    for value, label in (
        (data["unit"], "Klinik"),
        (data["specialty"], "Specialitet"),
        (data["date"], "Datum"),
        (data["inspectors"], "Inspektörer"),
        ("\n".join(data["regulations"]), "Föreskrift"),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(value or "–").bold = True
        paragraph.add_run("\n")
        label_run = paragraph.add_run(label)
        label_run.font.size = Pt(9)
        label_run.font.color.rgb = MUTED
    if data["both_regulations"]:
        document.add_paragraph(
            "Vid två parallella utbildningar – enligt SOSFS 2015:8 och HSLF-FS 2021:8 års "
            "föreskrifter – bedöms följsamheten i förhållande till båda. Om brister påvisats vad "
            "gäller följsamheten till någon av föreskrifterna krävs en handlingsplan."
        )
    document.add_paragraph().add_run(data["issuer"].upper()).bold = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Summary
    _styled(document, "Sammanfattning", "Heading1")
    if data["both_regulations"]:
        document.add_paragraph(
            "Observera att bedömning av följsamhet till föreskrift, allmänna råd och "
            "kvalitetsindikatorer gäller både SOSFS 2015:8 och HSLF-FS 2021:8, såvida inte "
            "annat anges."
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
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _styled(document, group["name"], "Heading1")
        for area in group["areas"]:
            _area(document, area, data["years"])
    if data["plan"]:
        _plan(document, data)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _area(document: DocxDocument, area: AreaData, years: list[str]) -> None:
    _styled(document, f"{area['code']}. {area['title']}", "Heading2")
    for paragraph in area["narrative"] or ["Ingen text skriven."]:
        document.add_paragraph(paragraph)
    for paragraph in area["preamble"]:
        document.add_paragraph(paragraph).runs[0].italic = True
    for level in area["levels"]:
        _styled(document, level["heading"], "Heading4")
        for criterion in level["criteria"]:
            _styled(document, criterion["text"], "ListBullet")

    table = document.add_table(rows=1, cols=1 + len(years))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0].cells
    header[0].text = "Gradering"
    for cell, year in zip(header[1:], years, strict=True):
        cell.text = year
    for cell in header:
        cell.paragraphs[0].runs[0].bold = True
    for row in area["scale"]:
        cells = table.add_row().cells
        cells[0].text = f"{row['grade']}. {row['wording']}"
        for cell, marked, replaced in zip(cells[1:], row["marked"], row["replaced"], strict=True):
            if marked:
                cell.text = row["grade"]
                cell.paragraphs[0].runs[0].bold = True
                _shade(cell)
            elif replaced:
                cell.text = row["grade"]
                cell.paragraphs[0].runs[0].font.strike = True
                cell.paragraphs[0].runs[0].font.color.rgb = MUTED
    grades = " · ".join(
        f"{g['regulation']}: {g['grade'] or 'ej satt'}"
        + (f", justerad till {g['adjusted']}" if g["adjusted"] else "")
        for g in area["grades"]
    )
    note = document.add_paragraph().add_run(f"Satt gradering: {grades}")
    note.font.size = Pt(9)
    note.font.color.rgb = MUTED
    if area["adjustment_note"]:
        document.add_paragraph().add_run(area["adjustment_note"]).bold = True


def _plan(document: DocxDocument, data: ReportData) -> None:
    """The accepted handlingsplan: per area, each item with its five fields in a table."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _styled(document, "HANDLINGSPLAN", "Heading1")
    document.add_paragraph(
        "Granskningen visade brister i följsamheten till föreskrifterna. Verksamheten har "
        "därefter lämnat in handlingsplanen nedan, som inspektörerna har godkänt."
    )
    for area in data["plan"]:
        _styled(document, f"{area['code']}. {area['title']}", "Heading2")
        for item in area["items"]:
            document.add_paragraph().add_run(
                item["criterion"] or "Området som helhet"
            ).italic = True
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in (
                ("Planerad åtgärd", item["action"]),
                ("Datum när åtgärden ska vara genomförd", item["completion"]),
                ("Ansvarig för genomförandet", item["responsible"]),
                ("Datum för uppföljning", item["followup"]),
                ("Ansvarig för uppföljningen", item["followup_responsible"]),
            ):
                cells = table.add_row().cells
                cells[0].text = label
                cells[0].paragraphs[0].runs[0].bold = True
                cells[1].text = value or "–"


def _styled(document: DocxDocument, text: str, style_id: str) -> Paragraph:
    """A paragraph in a built-in style, named by its id. python-docx's own lookup by style name
    searches every style each time and made a report take a second; the id is stable."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = style_id
    return paragraph


def _shade(cell: _Cell) -> None:
    """A light grey fill marks the grade set (python-docx has no API for cell shading)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "C9D1D9")
    cell._tc.get_or_add_tcPr().append(shading)
