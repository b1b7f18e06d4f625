"""Issuing the final report: for the workflow only, which issues it with the move to slutrapport
and again when a plan is accepted or the kansli corrects it (an import contract keeps the pages
and the demo from calling it directly)."""

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
from granska.reports.selectors import report_data, report_data_public, report_is_draft
from granska.reviews.models import Review

logger = logging.getLogger(__name__)


@transaction.atomic
def report_issue_final(*, review: Review, by: User) -> FinalReport:
    """Renders the review's final report, stores it as the next version with its SHA-256 and marks
    the version before it replaced. Two PDFs are stored: the document of record, read inside
    Granska, and the public copy for the list of published reports, which leaves out the names
    of the people responsible in the handlingsplan. A review whose report is still a draft is
    refused; a rendering that fails raises `ValidationError` (naming the place of a character the
    fonts cannot show), so that the caller's transaction (a move to slutrapport, the acceptance
    of a plan) fails with it."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if report_is_draft(review):
        raise ValidationError(
            {"status": _("The final report is issued when the review moves to the final report.")}
        )
    data = report_data(review)
    try:
        pdf = pdf_render(data)
        # The copy on the public list leaves out the people responsible in the handlingsplan.
        public_pdf = pdf_render(report_data_public(data))
    except ValidationError as error:
        # A character the fonts cannot show, named with its place: the writer can change it.
        raise ValidationError({"status": error.messages}) from error
    except Exception as error:
        logger.exception("Rendering the final report of review %s failed", review.pk)
        # The reason goes to the log for those who run Granska, not to the person issuing.
        raise ValidationError(
            {"status": _("The final report could not be typeset, so nothing changed.")}
        ) from error
    previous = (
        FinalReport.objects.filter(review=review)
        .filter(replaced_at__isnull=True)
        .order_by("-version")
        .first()
    )
    last = FinalReport.objects.filter(review=review).aggregate(last=Max("version"))["last"] or 0
    report = FinalReport(
        review=review,
        version=last + 1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        public_sha256=hashlib.sha256(public_pdf).hexdigest(),
        issued_by=by,
    )
    report.pdf.save(f"v{report.version}.pdf", ContentFile(pdf), save=False)
    report.public_pdf.save(f"v{report.version}-publik.pdf", ContentFile(public_pdf), save=False)
    report.save()
    if previous is not None:
        previous.replaced_by = report
        previous.replaced_at = timezone.now()
        previous.save(update_fields=["replaced_by", "replaced_at"])
    return report
