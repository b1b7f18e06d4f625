"""What an earlier SPUR report says, as plain data: the contract between the readers (text, PDF)
and the importer, and the JSON `granska import --json` prints (issue 13).

Nothing is guessed: a field the file does not give is None (or empty), never a default.
Plain Python, no Django."""

from dataclasses import dataclass, field
from typing import Any, Literal

AREA_CODES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G", "H")
REGULATIONS: tuple[str, ...] = ("SOSFS 2015:8", "HSLF-FS 2021:8")

GradeSource = Literal["pdf-glyph", "pdf-shape"]
Outcome = Literal["imported", "would_import", "duplicate", "refused"]


@dataclass
class Header:
    unit: str | None = None
    specialty: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD), from the cover
    inspectors: list[str] = field(default_factory=list)  # in the order written
    regulations: list[str] = field(default_factory=list)  # those named; empty: unknown


@dataclass
class Summary:
    styrkor: list[str] = field(default_factory=list)
    svagheter: list[str] = field(default_factory=list)
    forbattringspotential: list[str] = field(default_factory=list)


@dataclass
class AreaReading:
    narrative: str | None = None
    adjusted: str | None = None  # the grade the note "Gradering justerad till C." gives
    # The grade the grid marks per regulation (for an adjusted area the original D); None:
    # the file does not show it.
    grades: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(REGULATIONS))
    grade_source: dict[str, GradeSource | None] = field(
        default_factory=lambda: dict.fromkeys(REGULATIONS)
    )
    criteria_found: int = 0
    criteria_expected: int = 0
    # The codes of the catalog's criteria recognised in the area's text (for the protocol match).
    criteria_codes: list[str] = field(default_factory=list)


@dataclass
class PlanItem:
    area: str | None
    criterion: str | None  # the catalog's code, or None with the text kept
    criterion_text: str
    action: str
    due: str | None  # as written: "2026-06-01", "Våren 2027"
    responsible: str | None
    follow_up: str | None  # as written
    follow_up_responsible: str | None


@dataclass
class ProtocolMatch:
    code: str
    score: float  # 0..1: the share of the report's criterion texts the version recognises


@dataclass
class ParsedReport:
    """Everything read from one file."""

    header: Header = field(default_factory=Header)
    summary: Summary = field(default_factory=Summary)
    areas: dict[str, AreaReading] = field(
        default_factory=lambda: {code: AreaReading() for code in AREA_CODES}
    )
    plan: list[PlanItem] = field(default_factory=list)
    protocol: ProtocolMatch | None = None
    unrecognised: list[str] = field(default_factory=list)
    # "text" or "pdf": where the reading came from.
    source_kind: str = "text"


@dataclass
class FileResult:
    """One file's line of `granska import --json`."""

    file: str
    outcome: Outcome
    message: str | None = None
    review: int | None = None
    report: ParsedReport | None = None


def area_json(area: AreaReading) -> dict[str, Any]:
    return {
        "narrative": area.narrative,
        "adjusted": area.adjusted,
        "grades": dict(area.grades),
        "grade_source": dict(area.grade_source),
        "criteria_found": area.criteria_found,
        "criteria_expected": area.criteria_expected,
    }


def report_json(report: ParsedReport) -> dict[str, Any]:
    """The parsed report in the contract's shape (without file, outcome, message, review)."""
    return {
        "protocol": (
            {"code": report.protocol.code, "score": round(report.protocol.score, 2)}
            if report.protocol
            else None
        ),
        "header": {
            "unit": report.header.unit,
            "specialty": report.header.specialty,
            "date": report.header.date,
            "inspectors": list(report.header.inspectors),
            "regulations": list(report.header.regulations),
        },
        "summary": {
            "styrkor": list(report.summary.styrkor),
            "svagheter": list(report.summary.svagheter),
            "forbattringspotential": list(report.summary.forbattringspotential),
        },
        "areas": {code: area_json(report.areas[code]) for code in AREA_CODES},
        "plan": [
            {
                "area": item.area,
                "criterion": item.criterion,
                "criterion_text": item.criterion_text,
                "action": item.action,
                "due": item.due,
                "responsible": item.responsible,
                "follow_up": item.follow_up,
                "follow_up_responsible": item.follow_up_responsible,
            }
            for item in report.plan
        ],
        "unrecognised": list(report.unrecognised),
    }


def result_json(result: FileResult) -> dict[str, Any]:
    """One object of the JSON array `granska import --json` prints."""
    body = report_json(result.report or ParsedReport())
    return {
        "file": result.file,
        "outcome": result.outcome,
        "message": result.message,
        "review": result.review,
    } | body


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def report_from_json(reading: dict[str, Any], *, source_kind: str = "text") -> ParsedReport:
    """The ParsedReport back from its JSON (`report_json`): what an import page's preview showed
    (what is imported is what the kansli saw) or what an ImportedReview keeps. Whatever the JSON
    holds, a value of the wrong type reads as unknown. (The criteria codes, used for the
    protocol match only, are not in the JSON; the match itself is.)"""
    header = reading.get("header") or {}
    summary = reading.get("summary") or {}
    areas: dict[str, AreaReading] = {}
    for code in AREA_CODES:
        area = (reading.get("areas") or {}).get(code) or {}
        grades = area.get("grades") or {}
        sources = area.get("grade_source") or {}
        areas[code] = AreaReading(
            narrative=_optional_str(area.get("narrative")),
            adjusted=_optional_str(area.get("adjusted")),
            grades={regulation: grades.get(regulation) for regulation in REGULATIONS}
            | {key: value for key, value in grades.items() if key not in REGULATIONS},
            grade_source={regulation: sources.get(regulation) for regulation in REGULATIONS}
            | {key: value for key, value in sources.items() if key not in REGULATIONS},
            criteria_found=int(area.get("criteria_found") or 0),
            criteria_expected=int(area.get("criteria_expected") or 0),
        )
    protocol = reading.get("protocol")
    return ParsedReport(
        header=Header(
            unit=_optional_str(header.get("unit")),
            specialty=_optional_str(header.get("specialty")),
            date=_optional_str(header.get("date")),
            inspectors=list(header.get("inspectors") or []),
            regulations=list(header.get("regulations") or []),
        ),
        summary=Summary(
            styrkor=list(summary.get("styrkor") or []),
            svagheter=list(summary.get("svagheter") or []),
            forbattringspotential=list(summary.get("forbattringspotential") or []),
        ),
        areas=areas,
        plan=[
            PlanItem(
                area=_optional_str(item.get("area")),
                criterion=_optional_str(item.get("criterion")),
                criterion_text=str(item.get("criterion_text") or ""),
                action=str(item.get("action") or ""),
                due=_optional_str(item.get("due")),
                responsible=_optional_str(item.get("responsible")),
                follow_up=_optional_str(item.get("follow_up")),
                follow_up_responsible=_optional_str(item.get("follow_up_responsible")),
            )
            for item in reading.get("plan") or []
        ],
        protocol=ProtocolMatch(code=protocol["code"], score=float(protocol["score"]))
        if isinstance(protocol, dict)
        else None,
        unrecognised=list(reading.get("unrecognised") or []),
        source_kind=source_kind,
    )
