"""Writes for reports: issuing a final report, stored once and never changed."""

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
from granska.reports.selectors import report_data, report_is_draft
from granska.reviews.models import Review

logger = logging.getLogger(__name__)


@transaction.atomic
def report_issue_final(*, review: Review, by: User) -> FinalReport:
    """Renders the review's final report, stores it as the next version with its SHA-256 and marks
    the version before it replaced. A review whose report is still a draft is refused; a rendering
    that fails raises `ValidationError`, so that the caller's transaction (a move to slutrapport)
    fails with it."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if report_is_draft(review):
        raise ValidationError(
            {"status": _("The final report is issued when the review moves to the final report.")}
        )
    try:
        pdf = pdf_render(report_data(review))
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
        issued_by=by,
    )
    report.pdf.save(f"v{report.version}.pdf", ContentFile(pdf), save=False)
    report.save()
    if previous is not None:
        previous.replaced_by = report
        previous.replaced_at = timezone.now()
        previous.save(update_fields=["replaced_by", "replaced_at"])
    return report
