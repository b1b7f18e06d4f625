"""Writes to reviews: each validates before it saves, and saves all or nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from granska.catalog.models import Area, Criterion, ProtocolVersion
from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Finding,
    Outcome,
    Review,
    Source,
    Specialty,
    Status,
    Unit,
)
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
