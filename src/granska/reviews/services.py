"""Writes to reviews: each validates before it saves, and saves all or nothing."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from granska.accounts.models import Role, User
from granska.accounts.rules import require
from granska.catalog.models import Area, Criterion, ProtocolVersion
from granska.catalog.suggestions import area_suggestions
from granska.choices import REGULATION_FIELDS, status_label
from granska.grading.vocabulary import Outcome
from granska.lifecycle import ASSESSMENT_OPEN, REPORT_FINAL, Status
from granska.refusals import not_sent, not_versioned, too_long
from granska.reviews.inputs import AreaInput, finding_key, grade_key
from granska.reviews.limits import (
    NARRATIVE_MAX_CHARS,
    NOTE_MAX_CHARS,
    REASON_MAX_CHARS,
    SUMMARY_LIST_MAX_CHARS,
)
from granska.reviews.models import (
    Affiliation,
    AreaAssessment,
    AreaGrade,
    Assignment,
    Finding,
    Review,
    Source,
    Specialty,
    Unit,
    name_key,
)
from granska.text import clean_text


def imported_refusal() -> str:
    """Why an imported review is not changed: it is the record of an earlier report."""
    return _("The review was imported from an earlier report: it is kept as that report was.")


@transaction.atomic
def review_create(
    *,
    by: User,
    unit: Unit,
    protocol: ProtocolVersion,
    regulations: tuple[str, ...],
    visit_date: datetime.date | None = None,
    specialty: Specialty | None = None,
) -> Review:
    """Books a review of `unit` under the given regulations and protocol version. A review always
    starts booked: it reaches every later state through the lifecycle's moves."""
    require(by, "reviews.manage")
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
        visit_date=visit_date,
        status=Status.BOKAD,
    )
    for regulation, field in REGULATION_FIELDS.items():
        setattr(review, field, regulation in regulations)
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


def _assessment_open(review: Review, by: User, permission: str = "reviews.assess") -> Review:
    """The review, locked until the caller's transaction ends; refused to someone without
    `permission` on it (PermissionDenied: the findings, narratives and grades are its assigned
    inspectors'), and once the final report has made the assessment the report's
    (ValidationError on "status"). Locked first, so that no save slips in while the move to
    slutrapport reads the assessment."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    # Setting findings and grades is the assigned inspectors' alone, a superuser's too.
    require(by, permission, review, strict=permission == "reviews.assess")
    if review.status not in ASSESSMENT_OPEN:
        raise ValidationError(
            {
                "status": _("The review is at %(status)s: its assessment is closed.")
                % {"status": status_label(review.status)}
            }
        )
    return review


@transaction.atomic
def finding_record(
    *,
    by: User,
    review: Review,
    criterion: Criterion,
    outcome: str,
    note: str = "",
    source: str = "",
) -> Finding:
    """Records (or changes) the finding for one criterion of a review."""
    review = _assessment_open(review, by)
    _criterion_in_scope(review, criterion)
    if outcome and outcome not in Outcome:
        raise ValidationError({"outcome": _("Choose one of the findings offered.")})
    if source and source not in Source.values:
        raise ValidationError({"source": _("Choose one of the sources offered.")})
    note = _note_text(note)
    problem = too_long(
        note,
        NOTE_MAX_CHARS,
        _("The note on %(code)s may be at most %(limit)s characters; it is %(length)s."),
        code=criterion.code,
    )
    if problem:
        raise ValidationError({"note": problem})
    finding, _created = Finding.objects.update_or_create(
        review=review,
        criterion=criterion,
        defaults={"outcome": outcome, "note": note, "source": source},
    )
    return finding


def _note_text(note: str) -> str:
    """A finding's note as stored: invisible characters gone, no white space around it."""
    return clean_text(note).strip()


def _narrative_checked(area: Area, narrative: str) -> str:
    """The narrative as stored; ValidationError (on "narrative") when it is too long."""
    narrative = clean_text(narrative).strip()
    problem = too_long(
        narrative,
        NARRATIVE_MAX_CHARS,
        _("The narrative of area %(area)s may be at most %(limit)s characters; it is %(length)s."),
        area=area.code,
    )
    if problem:
        raise ValidationError({"narrative": problem})
    return narrative


@transaction.atomic
def assessment_write(*, by: User, review: Review, area: Area, narrative: str) -> AreaAssessment:
    """Saves the narrative of one area of a review."""
    review = _assessment_open(review, by)
    if area.protocol_id != review.protocol_id:
        raise ValidationError({"area": _("The area is not part of this review's protocol.")})
    assessment, _created = AreaAssessment.objects.update_or_create(
        review=review, area=area, defaults={"narrative": _narrative_checked(area, narrative)}
    )
    return assessment


@transaction.atomic
def area_grade_set(
    *, by: User, review: Review, area: Area, regulation: str, grade: str, reason: str = ""
) -> AreaGrade:
    """Sets the grade of one area under one regulation in scope.

    A grade other than the one the findings suggest needs the inspectors' reason.
    """
    review = _assessment_open(review, by)
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
                "grade": _("%(regulation)s: choose one of the grades %(grades)s for area %(area)s.")
                % {"regulation": regulation, "grades": ", ".join(area.grades), "area": area.code}
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
    reason = clean_text(reason).strip()
    problem = too_long(
        reason,
        REASON_MAX_CHARS,
        _(
            "The reason for the grade of area %(area)s under %(regulation)s may be at most "
            "%(limit)s characters; it is %(length)s."
        ),
        area=area.code,
        regulation=regulation,
    )
    if problem:
        raise ValidationError({"reason": problem})
    if grade != suggestion.grade and not reason:
        if suggestion.grade is None:
            message = _(
                "%(regulation)s: the findings give no suggestion yet (%(assessed)s of %(total)s "
                "assessed); give a reason for setting %(grade)s."
            ) % {
                "regulation": regulation,
                "assessed": suggestion.assessed,
                "total": suggestion.total,
                "grade": grade,
            }
        else:
            message = _(
                "%(regulation)s: the findings suggest %(suggested)s; give a reason for setting "
                "%(grade)s."
            ) % {"regulation": regulation, "suggested": suggestion.grade, "grade": grade}
        raise ValidationError({"reason": message})
    assessment, _created = AreaAssessment.objects.get_or_create(review=review, area=area)
    area_grade, _created = AreaGrade.objects.update_or_create(
        assessment=assessment,
        regulation=regulation,
        defaults={"grade": grade, "deviation_reason": reason if grade != suggestion.grade else ""},
    )
    return area_grade


@transaction.atomic
def review_booking_change(
    *, by: User, review: Review, visit_date: datetime.date | None, publish_report: bool
) -> Review:
    """Changes the visit date (until the final report, which states it) and whether the final
    report is published."""
    require(by, "reviews.manage")
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.is_imported:
        raise ValidationError({"status": imported_refusal()})
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


def _tie_words(affiliation: Affiliation, unit: Unit) -> list[str]:
    """The tie `affiliation` gives its inspector to `unit`, in words; empty when none. A care
    provider counts by its row and, should a second row ever hold the same name in another case
    or spacing (written around the services), by its name too."""
    ties = []
    if affiliation.unit_id == unit.pk:
        ties.append(_("works at %(unit)s") % {"unit": unit.name})
    provider = affiliation.care_provider
    if provider is not None and (
        provider.pk == unit.care_provider_id
        or name_key(provider.name) == name_key(unit.care_provider.name)
    ):
        ties.append(
            _("is employed by the unit's care provider %(provider)s")
            % {"provider": unit.care_provider.name}
        )
    return ties


def inspector_ties(inspector: User, unit: Unit) -> list[str]:
    """The inspector's recorded ties to the unit, in words; empty when there are none."""
    return [
        tie
        for affiliation in Affiliation.objects.filter(inspector=inspector).select_related(
            "care_provider", "unit"
        )
        for tie in _tie_words(affiliation, unit)
    ]


def inspectors_with_ties(unit: Unit) -> list[tuple[User, list[str]]]:
    """Every active inspector with their ties to `unit` in words (empty: free to review it), in
    two queries: for the assign form, which shows the tied ones as unavailable, with the reason."""
    inspectors = list(User.objects.filter(role=Role.INSPEKTOR, is_active=True))
    ties: dict[int, list[str]] = {inspector.pk: [] for inspector in inspectors}
    for affiliation in Affiliation.objects.filter(inspector__in=inspectors).select_related(
        "care_provider"
    ):
        ties[affiliation.inspector_id].extend(_tie_words(affiliation, unit))
    return [(inspector, ties[inspector.pk]) for inspector in inspectors]


def _inspectors_open(review: Review) -> None:
    if review.status in REPORT_FINAL:
        raise ValidationError(
            {"inspector": _("The final report names the inspectors; they stay as they are.")}
        )


@transaction.atomic
def inspector_assign(*, by: User, review: Review, inspector: User) -> Assignment:
    """Assigns an inspector to a review: never a third one, never one with ties to the unit, and
    not once the final report, which names the inspectors, is issued."""
    require(by, "reviews.manage")
    review = Review.objects.select_for_update().get(pk=review.pk)
    _inspectors_open(review)
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
def inspector_unassign(*, by: User, review: Review, inspector: User) -> None:
    """Takes an inspector off a review, until the final report names them."""
    require(by, "reviews.manage")
    _inspectors_open(Review.objects.select_for_update().get(pk=review.pk))
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
def area_save(*, by: User, review: Review, area: Area, data: AreaInput) -> AreaAssessment:
    """Saves one area's findings, grades and narrative together, or nothing.

    `data.version` is the area's version the form was built from; if someone has saved since,
    AreaConflict is raised and nothing is written. A part of the form that was not sent (None)
    is refused, never read as empty. A grade departing from the suggestion that the submitted
    findings give needs a reason (ValidationError naming the field).

    Errors are keyed by the domain: "findings.E4.outcome", "grades.HSLF-FS 2021:8", "narrative",
    "version"; the page maps them onto its fields.
    """
    review = _assessment_open(review, by)
    findings, grades, narrative, version = _area_sent(data)
    assessment, _created = AreaAssessment.objects.select_for_update().get_or_create(
        review=review, area=area
    )
    if assessment.version != version:
        raise AreaConflict(assessment)
    criteria = {c.code: c for c in area.criteria.all()}
    saved = {
        f.criterion.code: (f.outcome, f.note, f.source)
        for f in Finding.objects.filter(review=review, criterion__area=area).select_related(
            "criterion"
        )
    }
    errors: dict[str, list[str]] = {}
    try:
        narrative = _narrative_checked(area, narrative)
    except ValidationError as error:
        errors["narrative"] = error.messages
    for code, (outcome, note, source) in findings.items():
        if code not in criteria:
            errors[finding_key(code)] = [
                _("%(code)s is not a criterion of area %(area)s.")
                % {"code": code, "area": area.code}
            ]
            continue
        if (outcome, _note_text(note), source) == saved.get(code, ("", "", "")):
            continue
        try:
            finding_record(
                by=by,
                review=review,
                criterion=criteria[code],
                outcome=outcome,
                note=note,
                source=source,
            )
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                errors.setdefault(f"{finding_key(code)}.{key}", []).extend(texts)
    for regulation, (grade, reason) in grades.items():
        if not grade:
            AreaGrade.objects.filter(assessment=assessment, regulation=regulation).delete()
            continue
        try:
            area_grade_set(
                by=by, review=review, area=area, regulation=regulation, grade=grade, reason=reason
            )
        except ValidationError as error:
            errors.setdefault(grade_key(regulation), []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    assessment.narrative = narrative
    assessment.version += 1  # the row is locked: no one else can move the version meanwhile
    assessment.save()
    return assessment


def _area_sent(
    data: AreaInput,
) -> tuple[dict[str, tuple[str, str, str]], dict[str, tuple[str, str]], str, int]:
    """The area's input, every part of it sent; ValidationError naming each part that was not."""
    errors: dict[str, list[str]] = {}
    findings: dict[str, tuple[str, str, str]] = {}
    for code, (outcome, note, source) in data.findings.items():
        labels = (
            (outcome, _("Finding for %(code)s")),
            (note, _("Note for %(code)s")),
            (source, _("Source for %(code)s")),
        )
        missing = [not_sent(label % {"code": code}) for value, label in labels if value is None]
        if missing:
            errors[finding_key(code)] = missing
        else:
            findings[code] = (outcome or "", note or "", source or "")
    grades: dict[str, tuple[str, str]] = {}
    for regulation, (grade, reason) in data.grades.items():
        grade_labels = (
            (grade, _("Grade under %(regulation)s")),
            (reason, _("Reason under %(regulation)s")),
        )
        missing = [
            not_sent(label % {"regulation": regulation})
            for value, label in grade_labels
            if value is None
        ]
        if missing:
            errors[grade_key(regulation)] = missing
        else:
            grades[regulation] = (grade or "", reason or "")
    if data.narrative is None:
        errors["narrative"] = [not_sent(_("Narrative"))]
    if data.version is None:
        errors["version"] = [not_versioned()]
    if errors or data.narrative is None or data.version is None:
        raise ValidationError(errors)
    return findings, grades, data.narrative, data.version


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


def summary_labels() -> dict[str, str]:
    """The summary's three lists by field, as the page names them."""
    return {
        "strengths": _("Strengths"),
        "weaknesses": _("Weaknesses"),
        "improvements": _("Improvement potential"),
    }


@transaction.atomic
def summary_save(
    *,
    by: User,
    review: Review,
    strengths: str | None,
    weaknesses: str | None,
    improvements: str | None,
    fingerprint: str | None,
) -> Review:
    """Saves the three summary lists unless someone else saved them after `fingerprint`. A list
    or fingerprint the form did not send (None) is refused, never read as empty."""
    review = _assessment_open(review, by, "reviews.change_review")
    labels = summary_labels()
    sent = {"strengths": strengths, "weaknesses": weaknesses, "improvements": improvements}
    errors = {name: [not_sent(labels[name])] for name, value in sent.items() if value is None}
    if fingerprint is None:
        errors["fingerprint"] = [not_versioned()]
    if errors:
        raise ValidationError(errors)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if fingerprint != summary_fingerprint(review):
        raise SummaryConflict
    lists = {name: _lines(value or "") for name, value in sent.items()}
    for name, text in lists.items():
        problem = too_long(
            text,
            SUMMARY_LIST_MAX_CHARS,
            _("The list “%(list)s” may be at most %(limit)s characters; it is %(length)s."),
            list=labels[name],
        )
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationError(errors)
    review.strengths = lists["strengths"]
    review.weaknesses = lists["weaknesses"]
    review.improvements = lists["improvements"]
    review.save(update_fields=["strengths", "weaknesses", "improvements", "updated_at"])
    return review


def _lines(text: str) -> str:
    """One point a line, without blank lines, stray spaces or invisible characters."""
    return "\n".join(line.strip() for line in clean_text(text).split("\n") if line.strip())
