"""The report's part of a review's history: each version of the final report issued, and the
unit's comments on the draft with the inspectors' answers."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from granska.reports.models import CommentDecision, DraftComment, FinalReport
from granska.reports.services import SUMMARY
from granska.reviews.history import HistoryEntry, user_name
from granska.reviews.models import Review

KIND_REPORT = "report"
KIND_COMMENTS = "comments"
REPORT_KINDS: dict[str, StrOrPromise] = {
    KIND_COMMENTS: gettext_lazy("Comments on the draft"),
    KIND_REPORT: gettext_lazy("Final report"),
}


def _section(section: str) -> str:
    if section == SUMMARY:
        return _("Comment on the summary")
    return _("Comment on area %(code)s") % {"code": section}


def report_changes(review: Review) -> list[HistoryEntry]:
    """Each final report issued (the version, and the one it replaced), each comment the unit
    wrote on the draft and each answer to one; two queries."""
    entries = [
        HistoryEntry(
            at=report.issued_at,
            by=user_name(report.issued_by),
            subject=_("Final report"),
            field=_("version"),
            old=str(report.version - 1) if report.version > 1 else "",
            new=str(report.version),
            kind=KIND_REPORT,
            by_id=report.issued_by_id,
        )
        for report in FinalReport.objects.filter(review=review).select_related("issued_by")
    ]
    decisions = dict(CommentDecision.choices)
    for comment in DraftComment.objects.filter(review=review).select_related("by", "answered_by"):
        area = "" if comment.section == SUMMARY else comment.section
        entries.append(
            HistoryEntry(
                at=comment.at,
                by=user_name(comment.by),
                subject=_section(comment.section),
                field=_("comment"),
                old="",
                new=comment.text,
                kind=KIND_COMMENTS,
                area=area,
                by_id=comment.by_id,
            )
        )
        if comment.answered_at is not None:
            decision = decisions.get(comment.decision, "")
            entries.append(
                HistoryEntry(
                    at=comment.answered_at,
                    by=user_name(comment.answered_by),
                    subject=_section(comment.section),
                    field=_("answer"),
                    old="",
                    new=f"{comment.answer}\n({decision})" if decision else comment.answer,
                    kind=KIND_COMMENTS,
                    area=area,
                    by_id=comment.answered_by_id,
                )
            )
    return entries
