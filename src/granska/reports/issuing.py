"""Issuing the final report: for the workflow only, which issues it with the move to slutrapport
and again when a plan is accepted or the kansli corrects it (an import contract keeps the pages
and the demo from calling it directly)."""

import datetime
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.reports.models import FinalReport
from granska.reports.pdf import pdf_render
from granska.reports.selectors import (
    ReportData,
    issue_make,
    report_data,
    report_data_public,
    report_is_draft,
)
from granska.reviews.models import Review

logger = logging.getLogger(__name__)

# Why the report is issued again when the handlingsplan is accepted. The report is a Swedish
# document, so this is written in Swedish whatever the language of the person accepting.
PLAN_ACCEPTED_REASON = "Handlingsplanen är godkänd och graderingen justerad."


@transaction.atomic
def report_issue_final(*, review: Review, by: User, reason: str = "") -> FinalReport:
    """Renders the review's final report, stores it as the next version with its SHA-256 and marks
    the version before it replaced. Two PDFs are stored: the document of record, read inside
    Granska, and the public copy for the list of published reports, which leaves out the names
    of the people responsible in the handlingsplan. A review whose report is still a draft is
    refused; a rendering that fails raises `ValidationError` (naming the place of a character the
    fonts cannot show), so that the caller's transaction (a move to slutrapport, the acceptance
    of a plan) fails with it.

    The new version states its number, its day and, when it replaces one, which and why
    (`reason`, shown as the caller gives it; a correction's caller requires one). The version it
    replaces is typeset again from the data it was issued with, marked replaced on every page,
    and that copy is what its download serves; the PDF as issued stays unchanged."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if report_is_draft(review):
        raise ValidationError(
            {"status": _("The final report is issued when the review moves to the final report.")}
        )
    previous = (
        FinalReport.objects.filter(review=review)
        .filter(replaced_at__isnull=True)
        .order_by("-version")
        .first()
    )
    last = FinalReport.objects.filter(review=review).aggregate(last=Max("version"))["last"] or 0
    now = timezone.now()
    data = report_data(review)
    issue = issue_make(
        version=last + 1,
        date=timezone.localdate(now).isoformat(),
        replaces=previous.version if previous else 0,
        reason=reason,
    )
    data["issue"] = issue
    pdf = _typeset(review, data)
    # The copy on the public list leaves out the people responsible in the handlingsplan.
    public_pdf = _typeset(review, report_data_public(data))
    report = FinalReport(
        review=review,
        version=last + 1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        public_sha256=hashlib.sha256(public_pdf).hexdigest(),
        issued_by=by,
        reason=issue["reason"],
        data=data,
    )
    report.pdf.save(f"v{report.version}.pdf", ContentFile(pdf), save=False)
    report.public_pdf.save(f"v{report.version}-publik.pdf", ContentFile(public_pdf), save=False)
    report.save()
    if previous is not None:
        previous.replaced_by = report
        previous.replaced_at = now
        fields = ["replaced_by", "replaced_at"]
        if previous.data is not None:
            replaced = _marked_replaced(previous.data, version=report.version, date=now)
            marked = _typeset(review, replaced, timestamp=previous.issued_at)
            previous.replaced_sha256 = hashlib.sha256(marked).hexdigest()
            previous.replaced_pdf.save(
                f"v{previous.version}-ersatt.pdf", ContentFile(marked), save=False
            )
            fields += ["replaced_pdf", "replaced_sha256"]
        previous.save(update_fields=fields)
    return report


def _marked_replaced(stored: ReportData, *, version: int, date: datetime.datetime) -> ReportData:
    """The data a version was issued with, now saying on every page which version replaced it."""
    data = stored.copy()
    issue = stored["issue"]
    assert issue is not None
    data["issue"] = issue_make(
        version=issue["version"],
        date=issue["date"],
        replaces=issue["replaces"],
        reason=issue["reason"],
        replaced_by=version,
        replaced_date=timezone.localdate(date).isoformat(),
    )
    return data


def _typeset(
    review: Review, data: ReportData, *, timestamp: datetime.datetime | None = None
) -> bytes:
    """The PDF of `data`; a failure is a `ValidationError` on the status, so that the caller's
    transaction (a move to slutrapport, the acceptance of a plan) fails with it."""
    try:
        return pdf_render(data, timestamp=timestamp)
    except ValidationError as error:
        # A character the fonts cannot show, named with its place: the writer can change it.
        raise ValidationError({"status": error.messages}) from error
    except Exception as error:
        logger.exception("Rendering the final report of review %s failed", review.pk)
        # The reason goes to the log for those who run Granska, not to the person issuing.
        raise ValidationError(
            {"status": _("The final report could not be typeset, so nothing changed.")}
        ) from error
