"""Writes to reviews: each validates before it saves, and saves all or nothing."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from granska.accounts.models import Role, User
from granska.catalog.models import Area, Criterion, ProtocolVersion, Regulation
from granska.reports.services import report_issue_final
from granska.reviews.forms import AreaInput
from granska.reviews.lifecycle import REPORT_FINAL, move_problems
from granska.reviews.models import (
    Affiliation,
    AreaAssessment,
    AreaGrade,
    Assignment,
    Finding,
    Outcome,
    Review,
    Source,
    Specialty,
    Status,
    StatusChange,
    Unit,
)
from granska.reviews.selectors import review_facts
from granska.reviews.suggestions import area_suggestions


@transaction.atomic
def review_create(
    *,
    unit: Unit,
    protocol: ProtocolVersion,
    regulations: tuple[str, ...],
    visit_date: datetime.date | None = None,
    specialty: Specialty | None = None,
    status: str = Status.BOKAD,
) -> Review:
    """Books a review of `unit` under the given regulations and protocol version."""
    if not regulations:
        raise ValidationError({"regulations": _("Choose at least one regulation.")})
    unknown = [r for r in regulations if r not in protocol.regulations]
    if unknown:
        raise ValidationError(
            {
                "regulations": _("%(regulation)s is not part of the protocol %(protocol)s.")
                % {"regulation": unknown[0], "protocol": protocol.title}
            }
        )
    review = Review(
        unit=unit,
        specialty=specialty or unit.specialty,
        protocol=protocol,
        under_2015="SOSFS 2015:8" in regulations,
        under_2021="HSLF-FS 2021:8" in regulations,
        visit_date=visit_date,
        status=status,
    )
    review.full_clean()
    review.save()
    return review


def _criterion_in_scope(review: Review, criterion: Criterion) -> None:
    if criterion.protocol_id != review.protocol_id:
        raise ValidationError(
            {
                "criterion": _("The criterion %(code)s is not part of this review's protocol.")
                % {"code": criterion.code}
            }
        )
    if not any(criterion.applies_to(r) for r in review.regulations):
        raise ValidationError(
            {
                "criterion": _(
                    "The criterion %(code)s does not apply to the regulations of this review."
                )
                % {"code": criterion.code}
            }
        )


@transaction.atomic
def finding_record(
    *,
    review: Review,
    criterion: Criterion,
    outcome: str,
    note: str = "",
    source: str = "",
) -> Finding:
    """Records (or changes) the finding for one criterion of a review."""
    _criterion_in_scope(review, criterion)
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose one of the findings offered.")})
    if source and source not in Source.values:
        raise ValidationError({"source": _("Choose one of the sources offered.")})
    finding, _created = Finding.objects.update_or_create(
        review=review,
        criterion=criterion,
        defaults={"outcome": outcome, "note": note.strip(), "source": source},
    )
    return finding


@transaction.atomic
def assessment_write(*, review: Review, area: Area, narrative: str) -> AreaAssessment:
    """Saves the narrative of one area of a review."""
    if area.protocol_id != review.protocol_id:
        raise ValidationError({"area": _("The area is not part of this review's protocol.")})
    assessment, _created = AreaAssessment.objects.update_or_create(
        review=review, area=area, defaults={"narrative": narrative.strip()}
    )
    return assessment


@transaction.atomic
def area_grade_set(
    *, review: Review, area: Area, regulation: str, grade: str, reason: str = ""
) -> AreaGrade:
    """Sets the grade of one area under one regulation in scope.

    A grade other than the one the findings suggest needs the inspectors' reason.
    """
    if area.protocol_id != review.protocol_id:
        raise ValidationError({"area": _("The area is not part of this review's protocol.")})
    if regulation not in review.regulations:
        raise ValidationError(
            {
                "regulation": _("%(regulation)s is not in scope for this review.")
                % {"regulation": regulation}
            }
        )
    if grade not in area.grades:
        raise ValidationError(
            {
                "grade": _("The grade must be one of %(grades)s for area %(area)s.")
                % {"grades": ", ".join(area.grades), "area": area.code}
            }
        )
    criteria = list(area.criteria.order_by("position"))
    outcomes = dict(
        Finding.objects.filter(review=review, criterion__area=area).values_list(
            "criterion__code", "outcome"
        )
    )
    suggestion = area_suggestions(
        area, criteria, outcomes, [regulation], max_ki_exceptions=review.protocol.max_ki_exceptions
    )[regulation]
    reason = reason.strip()
    if grade != suggestion.grade and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "The findings suggest %(suggested)s; give a reason for setting %(grade)s."
                )
                % {"suggested": suggestion.grade, "grade": grade}
            }
        )
    assessment, _created = AreaAssessment.objects.get_or_create(review=review, area=area)
    area_grade, _created = AreaGrade.objects.update_or_create(
        assessment=assessment,
        regulation=regulation,
        defaults={"grade": grade, "deviation_reason": reason if grade != suggestion.grade else ""},
    )
    return area_grade


@transaction.atomic
def review_move(*, review: Review, target: str, by: User) -> Review:
    """Moves a review to `target` in its lifecycle when the rules allow, recording who and when.

    The final report is issued with the move to slutrapport, in its transaction: no move without
    it. A final report with a D goes on at once to the handlingsplan, which the unit then owes."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    facts = review_facts(review)
    problems = move_problems(facts, target)
    if problems:
        raise ValidationError({"status": problems})
    status_record(review=review, target=target, by=by)
    if target == Status.SLUTRAPPORT:
        report_issue_final(review=review, by=by)
        if facts.has_d:
            status_record(review=review, target=Status.HANDLINGSPLAN, by=by)
    if review.status == Status.HANDLINGSPLAN:
        # The plan's app builds on reviews, so it is reached here at call time, not import time.
        from granska.actionplans.services import plan_open

        plan_open(review=review)
    return review


def status_record(*, review: Review, target: str, by: User) -> None:
    """Sets the review's status and records the move (who, when). The caller has checked it: a
    lifecycle move (`review_move`), or a step the handlingsplan takes (accepted, followed up)."""
    StatusChange.objects.create(review=review, from_status=review.status, to_status=target, by=by)
    review.status = target
    review.save(update_fields=["status", "updated_at"])


@transaction.atomic
def review_booking_change(
    *, review: Review, visit_date: datetime.date | None, publish_report: bool
) -> Review:
    """Changes the visit date (until the final report, which states it) and whether the final
    report is published."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if visit_date != review.visit_date and review.status in REPORT_FINAL:
        raise ValidationError(
            {"visit_date": _("The visit date is part of the issued final report and stays.")}
        )
    if visit_date is None and review.status not in (Status.BOKAD, Status.FORBEREDELSE):
        raise ValidationError(
            {"visit_date": _("A review that has reached the visit keeps a visit date.")}
        )
    review.visit_date = visit_date
    review.publish_report = publish_report
    review.save(update_fields=["visit_date", "publish_report", "updated_at"])
    return review


def inspector_ties(inspector: User, unit: Unit) -> list[str]:
    """The inspector's recorded ties to the unit, in words; empty when there are none."""
    ties = []
    for affiliation in Affiliation.objects.filter(inspector=inspector).select_related(
        "care_provider", "unit"
    ):
        if affiliation.unit_id == unit.pk:
            ties.append(_("works at %(unit)s") % {"unit": unit.name})
        if affiliation.care_provider_id == unit.care_provider_id:
            ties.append(
                _("is employed by the unit's care provider %(provider)s")
                % {"provider": unit.care_provider.name}
            )
    return ties


@transaction.atomic
def inspector_assign(*, review: Review, inspector: User) -> Assignment:
    """Assigns an inspector to a review: never a third one, never one with ties to the unit."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if inspector.role != Role.INSPEKTOR:
        raise ValidationError(
            {"inspector": _("%(name)s is not an inspector.") % {"name": inspector}}
        )
    if review.assignments.filter(inspector=inspector).exists():
        raise ValidationError(
            {"inspector": _("%(name)s is already assigned.") % {"name": inspector}}
        )
    if review.assignments.count() >= 2:
        raise ValidationError({"inspector": _("A review has two inspectors; remove one first.")})
    ties = inspector_ties(inspector, review.unit)
    if ties:
        raise ValidationError(
            {
                "inspector": _(
                    "%(name)s cannot review %(unit)s: the reviewer must have no ties to the "
                    "unit, and %(name)s %(ties)s."
                )
                % {"name": inspector, "unit": review.unit.name, "ties": _(" and ").join(ties)}
            }
        )
    return Assignment.objects.create(review=review, inspector=inspector)


@transaction.atomic
def inspector_unassign(*, review: Review, inspector: User) -> None:
    deleted, _rows = Assignment.objects.filter(review=review, inspector=inspector).delete()
    if not deleted:
        raise ValidationError(
            {"inspector": _("%(name)s is not assigned to this review.") % {"name": inspector}}
        )


class AreaConflict(Exception):
    """Someone saved the area after the version the form was based on."""

    def __init__(self, current: AreaAssessment) -> None:
        self.current = current
        super().__init__(f"area {current.area_id} is at version {current.version}")


@transaction.atomic
def area_save(*, review: Review, area: Area, data: AreaInput) -> AreaAssessment:
    """Saves one area's findings, grades and narrative together, or nothing.

    `data.version` is the area's version the form was built from; if someone has saved since,
    AreaConflict is raised and nothing is written. A grade departing from the suggestion that
    the submitted findings give needs a reason (ValidationError naming the field).
    """
    assessment, _created = AreaAssessment.objects.select_for_update().get_or_create(
        review=review, area=area
    )
    if assessment.version != data.version:
        raise AreaConflict(assessment)
    criteria = {c.code: c for c in area.criteria.all()}
    saved = {
        f.criterion.code: (f.outcome, f.note, f.source)
        for f in Finding.objects.filter(review=review, criterion__area=area).select_related(
            "criterion"
        )
    }
    errors: dict[str, list[str]] = {}
    for code, (outcome, note, source) in data.findings.items():
        unchanged = saved.get(code, ("", "", ""))
        if (outcome, note.strip(), source) == unchanged:
            continue
        try:
            finding_record(
                review=review, criterion=criteria[code], outcome=outcome, note=note, source=source
            )
        except ValidationError as error:
            errors.setdefault(f"finding-{code}", []).extend(error.messages)
    for regulation, (grade, reason) in data.grades.items():
        if not grade:
            AreaGrade.objects.filter(assessment=assessment, regulation=regulation).delete()
            continue
        try:
            area_grade_set(
                review=review, area=area, regulation=regulation, grade=grade, reason=reason
            )
        except ValidationError as error:
            for message in error.messages:
                errors.setdefault(f"grade-{Regulation(regulation).year}", []).append(message)
    if errors:
        raise ValidationError(errors)
    assessment.narrative = data.narrative.strip()
    assessment.version += 1  # the row is locked: no one else can move the version meanwhile
    assessment.save()
    return assessment


class SummaryConflict(Exception):
    """Someone saved the summary after the version the form was based on."""


def summary_fingerprint(review: Review) -> str:
    """A short digest of the summary as saved, carried by the form to detect a later save."""
    text = "\x1f".join((review.strengths, review.weaknesses, review.improvements))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def summary_initial(review: Review) -> dict[str, str]:
    return {
        "strengths": review.strengths,
        "weaknesses": review.weaknesses,
        "improvements": review.improvements,
        "fingerprint": summary_fingerprint(review),
    }


@transaction.atomic
def summary_save(
    *, review: Review, strengths: str, weaknesses: str, improvements: str, fingerprint: str
) -> Review:
    """Saves the three summary lists unless someone else saved them after `fingerprint`."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if fingerprint != summary_fingerprint(review):
        raise SummaryConflict
    review.strengths = _lines(strengths)
    review.weaknesses = _lines(weaknesses)
    review.improvements = _lines(improvements)
    review.save(update_fields=["strengths", "weaknesses", "improvements", "updated_at"])
    return review


def _lines(text: str) -> str:
    """One point a line, without blank lines or stray spaces."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
