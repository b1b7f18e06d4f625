"""Parsed reports built for the tests of storing them (the readers have tests of their own)."""

from granska.imports.parsed import Header, ParsedReport, PlanItem, ProtocolMatch, Summary
from granska.imports.services import Reader

BOTH = ("SOSFS 2015:8", "HSLF-FS 2021:8")


def parsed_report(**header: object) -> ParsedReport:
    """A report as a text file gives it: header, summary, narratives, one adjusted area, a plan,
    and no grade."""
    report = ParsedReport(
        header=Header(
            unit="Ögonkliniken Storvik",
            specialty="Ögonsjukdomar",
            date="2019-03-14",
            inspectors=["Anna Berg", "Karl Ek"],
            regulations=["HSLF-FS 2021:8"],
        ),
        summary=Summary(
            styrkor=["Engagerade handledare", "Bra introduktion"],
            svagheter=["Lite tid för studier"],
            forbattringspotential=["Fler seminarier"],
        ),
        protocol=ProtocolMatch(code="spur-st-2025", score=0.9),
    )
    for key, value in header.items():
        setattr(report.header, key, value)
    for code, area in report.areas.items():
        area.narrative = f"Området {code} är beskrivet."
    report.areas["D"].adjusted = "C"
    report.plan = [
        PlanItem(
            area="D",
            criterion="D1",
            criterion_text="…",
            action="Inför schemalagd studietid.",
            due="Våren 2027",
            responsible="Verksamhetschefen",
            follow_up="2027-09-01",
            follow_up_responsible="Studierektor",
        ),
        PlanItem(
            area="D",
            criterion=None,
            criterion_text="Något som inte känns igen",
            action="Se över handledningen.",
            due="snart",
            responsible=None,
            follow_up=None,
            follow_up_responsible=None,
        ),
    ]
    return report


def reader_of(report: ParsedReport) -> Reader:
    def read(name: str, data: bytes) -> ParsedReport:
        return report

    return read


class Refused(Exception):
    """What the reader raises (ReportRefused's shape: a Swedish `.message`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refusing(message: str) -> Reader:
    def read(name: str, data: bytes) -> ParsedReport:
        raise Refused(message)

    return read
