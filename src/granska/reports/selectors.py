"""The report's content, read once and handed to every format (PDF, HTML, Word).

`report_data` returns plain JSON-ready data: the PDF template receives it as JSON and shows each
string as text, so nothing a person wrote is ever read as markup. Every text is cleaned on the way
out (`granska.text`), whenever and however it was stored: no format receives a control character
or another character that breaks it.
"""

import itertools
import re
from typing import TypedDict

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from granska.actionplans.models import ADJUSTMENT_NOTE, ActionItem, PlanStatus
from granska.grading.vocabulary import Level
from granska.lifecycle import REPORT_FINAL
from granska.reports.models import FinalReport
from granska.reviews.models import Review
from granska.reviews.selectors import AreaView, review_overview
from granska.text import clean_line, clean_text

# The report is a Swedish document: its fixed wording is Swedish whatever the reader's language.
LEVEL_HEADINGS = {
    Level.FORESKRIFT: "Föreskrift",
    Level.ALLMANT_RAD: "Allmänna råd",
    Level.KVALITETSINDIKATOR: "Kvalitetsindikator",
}


class CriterionData(TypedDict):
    code: str
    text: str
    only: str  # "2015" or "2021" when limited to one of the regulations in scope, else ""


class LevelData(TypedDict):
    level: str
    heading: str  # "Föreskrift", or "Föreskrift (endast 2021)" for a run limited to one year
    criteria: list[CriterionData]


class ScaleRow(TypedDict):
    grade: str
    wording: str
    marked: list[bool]  # one per regulation in scope: is this the grade in force?
    replaced: list[bool]  # one per regulation: is this the grade set before an adjustment?


class GradeData(TypedDict):
    regulation: str
    year: str
    grade: str  # "" when not yet set
    adjusted: str  # the grade after an accepted action plan, "" when none


class AreaData(TypedDict):
    code: str
    title: str
    group: str
    narrative: list[str]  # paragraphs; a paragraph may hold single line breaks
    preamble: list[str]
    levels: list[LevelData]
    scale: list[ScaleRow]
    grades: list[GradeData]
    # "Handlingsplan mottagen. Gradering justerad till C." once the plan is accepted, else "".
    adjustment_note: str


class GroupData(TypedDict):
    name: str  # STRUKTUR or PROCESS
    areas: list[AreaData]


class SummaryData(TypedDict):
    strengths: list[str]
    weaknesses: list[str]
    improvements: list[str]


class PlanItemData(TypedDict):
    code: str  # the criterion's code, or the area's for an item on the area as a whole
    criterion: str  # the criterion's text; "" for an item on the area as a whole
    action: str
    completion: str  # as the unit wrote it
    responsible: str
    followup: str
    followup_responsible: str


class PlanAreaData(TypedDict):
    code: str
    title: str
    items: list[PlanItemData]


class IssueData(TypedDict):
    """Which issued version of the final report this is, and what became of it."""

    version: int
    date: str  # the day it was issued, YYYY-MM-DD
    replaces: int  # the version it replaces, 0 for the first
    reason: str  # why it was issued again ("" for the first)
    replaced_by: int  # the version that replaced it, 0 while it is in force
    replaced_date: str  # the day it was replaced, YYYY-MM-DD, or ""
    sentence: str  # "Version 2, utfärdad 2026-12-01; ersätter version 1. Skäl: …"
    replaced: str  # "ERSATT: version 1 är ersatt av version 2 …" on every page, or ""


class ReportData(TypedDict):
    review_id: int
    unit: str
    specialty: str
    date: str  # the visit date, YYYY-MM-DD, or ""
    inspectors: str  # "Anna A och Bo B"
    regulations: list[str]
    years: list[str]
    both_regulations: bool
    issuer: str
    draft: bool
    status: str
    summary: SummaryData
    groups: list[GroupData]
    # The accepted handlingsplan, area by area; empty when there is none.
    plan: list[PlanAreaData]
    # The copy on the public list, with the names of the people responsible left out.
    public_copy: bool
    # The issued version in force (a final report), None for a draft.
    issue: IssueData | None


# What the public copy of a final report shows instead of a responsible person's name.
NAME_LEFT_OUT = "Utelämnat i den publicerade versionen"


def report_is_draft(review: Review) -> bool:
    """A report is a draft ("UTKAST" on every page) until the final report is issued."""
    return review.status not in REPORT_FINAL


def reports_published() -> "QuerySet[Review]":
    """The reviews whose final report is issued and published, newest visit first: the public
    list. A report withheld by the kansli, or not yet issued, is not among them; nor one issued
    without a public copy (before there were public copies), until the kansli issues it anew."""
    issued = FinalReport.objects.filter(review=OuterRef("pk"), replaced_at__isnull=True).exclude(
        public_pdf=""
    )
    return (
        Review.objects.filter(Exists(issued), status__in=REPORT_FINAL, publish_report=True)
        .select_related("unit", "unit__region", "specialty")
        .order_by("-visit_date", "-pk")
    )


def report_filename(review: Review, extension: str) -> str:
    """An ASCII file name that says what the report is: "granskning-12-2026-09-17.pdf"."""
    date = review.visit_date.isoformat() if review.visit_date else "utan-datum"
    return f"granskning-{review.pk}-{date}.{extension}"


def report_data(review: Review) -> ReportData:
    """Everything the report shows about `review`, in the order it shows it."""
    overview = review_overview(review)
    regulations = list(review.regulations)
    areas = [_area_data(item, regulations) for item in overview.areas]
    groups = [
        GroupData(name=name, areas=list(members))
        for name, members in itertools.groupby(areas, key=lambda a: a["group"])
    ]
    names = [a.inspector.full_name for a in review.assignments.select_related("inspector")]
    return ReportData(
        review_id=review.pk,
        unit=clean_line(review.unit.name),
        specialty=clean_line(review.specialty.name),
        date=review.visit_date.isoformat() if review.visit_date else "",
        inspectors=_join_names([clean_line(name) for name in names]),
        regulations=regulations,
        years=[g["year"] for g in areas[0]["grades"]] if areas else [],
        both_regulations=len(regulations) == 2,
        issuer=clean_line(settings.GRANSKA_REPORT_ISSUER),
        draft=report_is_draft(review),
        status=str(review.get_status_display()),
        summary=SummaryData(
            strengths=_lines(review.strengths),
            weaknesses=_lines(review.weaknesses),
            improvements=_lines(review.improvements),
        ),
        groups=groups,
        plan=_plan_data(review),
        public_copy=False,
        issue=None if report_is_draft(review) else _issue_data(review),
    )


def issue_data(report: FinalReport, *, replaces: int) -> IssueData:
    """What the report says about its issued version `report`."""
    replaced_by = report.replaced_by
    return issue_make(
        version=report.version,
        date=timezone.localdate(report.issued_at).isoformat(),
        replaces=replaces,
        reason=report.reason,
        replaced_by=replaced_by.version if replaced_by else 0,
        replaced_date=(
            timezone.localdate(report.replaced_at).isoformat() if report.replaced_at else ""
        ),
    )


def issue_make(
    *,
    version: int,
    date: str,
    replaces: int,
    reason: str,
    replaced_by: int = 0,
    replaced_date: str = "",
) -> IssueData:
    """An issued version's facts with the sentences every format writes of them: "Version 2,
    utfärdad 2026-12-01; ersätter version 1. Skäl: …", and on a replaced version "ERSATT: …"."""
    reason = clean_text(reason)
    sentence = f"Version {version}, utfärdad {date}"
    if replaces:
        sentence += f"; ersätter version {replaces}."
        if reason:
            sentence += f" Skäl: {reason}"
    else:
        sentence += "."
    replaced = ""
    if replaced_by:
        when = f" {replaced_date}" if replaced_date else ""
        replaced = (
            f"ERSATT: version {version} är ersatt av version {replaced_by}, utfärdad{when}, "
            "och gäller inte längre."
            if when
            else f"ERSATT: version {version} är ersatt av version {replaced_by} och gäller inte "
            "längre."
        )
    return IssueData(
        version=version,
        date=date,
        replaces=replaces,
        reason=reason,
        replaced_by=replaced_by,
        replaced_date=replaced_date,
        sentence=sentence,
        replaced=replaced,
    )


def _issue_data(review: Review) -> IssueData | None:
    """The version in force of a final review's report; None before one is issued."""
    current = (
        FinalReport.objects.filter(review=review, replaced_at__isnull=True)
        .order_by("-version")
        .first()
    )
    if current is None:
        return None
    earlier = FinalReport.objects.filter(review=review, version__lt=current.version)
    replaces = earlier.order_by("-version").values_list("version", flat=True).first()
    return issue_data(current, replaces=replaces or 0)


def report_data_public(data: ReportData) -> ReportData:
    """The report as published on the public list: the people named responsible for the
    handlingsplan's actions are left out (SPEC: what Granska gives out becomes a public
    document); the inspectors, who act in an official role, stay named on the cover."""
    public = data.copy()
    public["plan"] = [
        PlanAreaData(
            code=area["code"],
            title=area["title"],
            items=[_names_left_out(item) for item in area["items"]],
        )
        for area in data["plan"]
    ]
    public["public_copy"] = True
    return public


def _names_left_out(item: PlanItemData) -> PlanItemData:
    public = item.copy()
    if item["responsible"]:
        public["responsible"] = NAME_LEFT_OUT
    if item["followup_responsible"]:
        public["followup_responsible"] = NAME_LEFT_OUT
    return public


def _plan_data(review: Review) -> list[PlanAreaData]:
    """The accepted handlingsplan's items, grouped by area in catalog order."""
    items = ActionItem.objects.filter(
        plan__review=review, plan__status=PlanStatus.GODKAND
    ).select_related("area", "criterion")
    areas: list[PlanAreaData] = []
    for item in items.order_by("area__position", "position"):
        if not areas or areas[-1]["code"] != item.area.code:
            areas.append(
                PlanAreaData(code=item.area.code, title=clean_line(item.area.title), items=[])
            )
        areas[-1]["items"].append(
            PlanItemData(
                code=item.criterion.code if item.criterion else item.area.code,
                criterion=clean_text(item.criterion.text) if item.criterion else "",
                action=clean_text(item.action),
                completion=clean_line(item.completion_text),
                responsible=clean_line(item.responsible),
                followup=clean_line(item.followup_text),
                followup_responsible=clean_line(item.followup_responsible),
            )
        )
    return areas


def _area_data(item: AreaView, regulations: list[str]) -> AreaData:
    levels: list[LevelData] = []
    for group in item.groups:
        # Criteria limited to one regulation keep their place; a run of them gets its own heading,
        # as the printed reports do ("Föreskrift (endast 2021)").
        heading = LEVEL_HEADINGS[Level(group.level)]
        for only, rows in itertools.groupby(group.rows, key=lambda r: r.only_for_year or ""):
            levels.append(
                LevelData(
                    level=group.level,
                    heading=f"{heading} (endast {only})" if only else heading,
                    criteria=[
                        CriterionData(
                            code=r.criterion.code, text=clean_text(r.criterion.text), only=only
                        )
                        for r in rows
                    ],
                )
            )
    set_grades = [g.grade.grade if g.grade else "" for g in item.grades]
    adjusted = [g.grade.adjusted_grade if g.grade else "" for g in item.grades]
    in_force = [new or old for old, new in zip(set_grades, adjusted, strict=True)]
    return AreaData(
        code=item.area.code,
        title=clean_line(item.area.title),
        group=item.area.group,
        narrative=_paragraphs(item.narrative),
        preamble=[clean_text(str(p)) for p in item.area.preamble],
        levels=levels,
        scale=[
            ScaleRow(
                grade=step["grade"],
                wording=clean_text(step["wording"]),
                marked=[grade == step["grade"] for grade in in_force],
                replaced=[
                    bool(new) and old == step["grade"]
                    for old, new in zip(set_grades, adjusted, strict=True)
                ],
            )
            for step in item.area.scale
        ],
        grades=[
            GradeData(regulation=g.regulation, year=g.year, grade=grade, adjusted=new)
            for g, grade, new in zip(item.grades, set_grades, adjusted, strict=True)
        ],
        adjustment_note=(
            ADJUSTMENT_NOTE.format(grade=next(a for a in adjusted if a)) if any(adjusted) else ""
        ),
    )


def _paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; single line breaks stay inside a paragraph."""
    return [p.strip() for p in re.split(r"\n\s*\n", clean_text(text)) if p.strip()]


def _lines(text: str) -> list[str]:
    """The summary lists hold one point a line."""
    return [line.strip() for line in clean_text(text).split("\n") if line.strip()]


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} och {names[-1]}"
