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
from granska.accounts.rules import require
from granska.lifecycle import Status
from granska.refusals import too_long
from granska.reports.limits import ANSWER_MAX_CHARS, COMMENT_MAX_CHARS
from granska.reports.models import CommentDecision, DraftComment, FinalReport
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data, report_data_public, report_is_draft
from granska.reviews.models import Review
from granska.text import clean_text

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


SUMMARY = "summary"


def draft_sections(review: Review) -> list[str]:
    """The sections of the draft a comment may concern: the summary, then each area."""
    return [SUMMARY, *review.protocol.areas.order_by("position").values_list("code", flat=True)]


@transaction.atomic
def draft_comment_add(*, review: Review, by: User, section: str, text: str) -> DraftComment:
    """The unit points out what it sees as a factual error in one section of the draft."""
    if review.status != Status.FAKTAGRANSKNING:
        raise ValidationError(
            {
                "text": _(
                    "Comments on the draft are made while it is with the unit for its fact check."
                )
            }
        )
    require(by, "reports.comment_draft", review)
    if section not in draft_sections(review):
        raise ValidationError({"section": _("Choose a section of the report.")})
    text = clean_text(text).strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    problem = too_long(
        text,
        COMMENT_MAX_CHARS,
        _("The comment may be at most %(limit)s characters; it is %(length)s."),
    )
    if problem:
        raise ValidationError({"text": problem})
    return DraftComment.objects.create(review=review, section=section, text=text, by=by)


@transaction.atomic
def draft_comment_answer(
    *, comment: DraftComment, by: User, answer: str, decision: str
) -> DraftComment:
    """The inspectors answer a comment and say whether the report was changed for it."""
    comment = DraftComment.objects.select_for_update().select_related("review").get(pk=comment.pk)
    require(by, "reports.answer_comment", comment.review)
    if not report_is_draft(comment.review):
        raise ValidationError(
            {"answer": _("The final report is issued; its comments can no longer be answered.")}
        )
    if comment.answered_at is not None:
        raise ValidationError({"answer": _("The comment is already answered.")})
    if decision not in CommentDecision.values:
        raise ValidationError({"decision": _("Say whether the report is changed.")})
    answer = clean_text(answer).strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    problem = too_long(
        answer,
        ANSWER_MAX_CHARS,
        _("The answer may be at most %(limit)s characters; it is %(length)s."),
    )
    if problem:
        raise ValidationError({"answer": problem})
    comment.answer, comment.decision = answer, decision
    comment.answered_by, comment.answered_at = by, timezone.now()
    comment.save(update_fields=["answer", "decision", "answered_by", "answered_at"])
    return comment
