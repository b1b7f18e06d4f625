"""Writes for reports: issuing a final report, stored once and never changed."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.lifecycle import Status
from granska.notices.models import NoticeKind
from granska.notices.services import notify_inspectors
from granska.refusals import too_long
from granska.reports.limits import ANSWER_MAX_CHARS, COMMENT_MAX_CHARS
from granska.reports.models import CommentDecision, DraftComment
from granska.reports.selectors import report_is_draft
from granska.reviews.models import Review
from granska.text import clean_text

logger = logging.getLogger(__name__)


SUMMARY = "summary"


def draft_sections(review: Review) -> list[str]:
    """The sections of the draft a comment may concern: the summary, then each area."""
    return [SUMMARY, *review.protocol.areas.order_by("position").values_list("code", flat=True)]


@transaction.atomic
def draft_comment_add(*, review: Review, by: User, section: str, text: str) -> DraftComment:
    """The unit points out what it sees as a factual error in one section of the draft."""
    # Locked: a comment never slips in while the move to slutrapport reads the open ones.
    review = Review.objects.select_for_update().get(pk=review.pk)
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
    comment = DraftComment.objects.create(review=review, section=section, text=text, by=by)
    # The inspectors are told once a day, however many comments the unit writes that day.
    notify_inspectors(
        kind=NoticeKind.DRAFT_COMMENTED,
        review=review,
        event=f"review{review.pk}:{timezone.localdate().isoformat()}",
        link=reverse("reports:html", args=[review.pk]),
    )
    return comment


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
