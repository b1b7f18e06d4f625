"""The report in the browser and as a PDF download, for those who may read it.

A draft's PDF is typeset when its content changes (kept in the cache until then); a final
report's is the stored file of its current version, and earlier versions stay downloadable by
their number. The public list serves each version's public copy, without the names of the people
responsible in the handlingsplan. What is read inside Granska (a draft, the names) is never kept
by a browser or a proxy: those answers say `Cache-Control: no-store`.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from granska.imports.selectors import imported_notice
from granska.reports.docx import DOCX_TYPE, docx_render
from granska.reports.html import html_context, html_render
from granska.reports.models import DraftComment, FinalReport
from granska.reports.pdf import pdf_render_cached
from granska.reports.selectors import (
    report_data,
    report_filename,
    report_is_draft,
    reports_published,
)
from granska.reports.services import (
    draft_comment_add,
    draft_comment_answer,
    draft_sections,
)
from granska.reviews.models import Review
from granska.web.views.common import request_user, visible_review
from granska.workflow.moves import final_report_correct

logger = logging.getLogger(__name__)


def _readable_report(request: HttpRequest, pk: int) -> Review:
    """The review whose report the person may read: 404 if they may not see the review, 403 if
    they may see it but not (yet) its report."""
    review = visible_review(request, pk, "imported__source")
    if not request_user(request).has_perm("reports.view_report", review):
        raise PermissionDenied
    return review


def _stored_pdf(
    review: Review, report: FinalReport, *, public: bool = False, replaced: bool = False
) -> HttpResponse:
    """A stored version's PDF (or its public copy, or its copy marked replaced), exactly the
    bytes stored (a report is some hundred kB). A file missing from the storage is logged for
    those who run Granska and answered as not found."""
    stored_file = report.public_pdf if public else report.replaced_pdf if replaced else report.pdf
    if not stored_file:
        raise Http404
    try:
        with stored_file.open("rb") as stored:
            response = HttpResponse(stored.read(), content_type="application/pdf")
    except FileNotFoundError:
        logger.error(
            "The stored %s of review %s version %s is missing",
            "public PDF" if public else "replaced PDF" if replaced else "PDF",
            review.pk,
            report.version,
        )
        raise Http404 from None
    name = report_filename(review, "pdf").removesuffix(".pdf") + f"-v{report.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _render_report(
    request: HttpRequest,
    review: Review,
    *,
    failed: str = "",
    form_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The report page. `failed` names a comment form that was refused ("comment-<section>",
    "answer-<comment>"): it is shown again with what was typed and the errors beside it."""
    user = request_user(request)
    comments: dict[str, list[DraftComment]] = {}
    for comment in DraftComment.objects.filter(review=review).select_related("by", "answered_by"):
        comments.setdefault(comment.section, []).append(comment)
    may_comment = user.has_perm("reports.comment_draft", review)
    may_answer = user.has_perm("reports.answer_comment", review)
    typed = request.POST.get("answer" if failed.startswith("answer-") else "text", "")
    context = html_context(report_data(review)) | {
        "review": review,
        "imported_notice": imported_notice(review),
        "versions": list(FinalReport.objects.filter(review=review).order_by("-version")),
        "may_reissue": user.has_perm("reviews.manage")
        and not report_is_draft(review)
        and not review.is_imported,
        # The faktagranskning's comments stay with the review and show wherever they were made.
        "comments": comments if comments or may_comment else None,
        "may_comment": may_comment,
        "may_answer": may_answer and report_is_draft(review),
        "failed": failed,
        "failed_typed": typed if failed else "",
        "failed_errors": [text for texts in (form_errors or {}).values() for text in texts],
    }
    response = render(request, "reports/report.html", context, status=status)
    # A draft, or the unit's comments on it: never kept by a browser or a proxy.
    add_never_cache_headers(response)
    return response


@require_GET
@login_required
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_report(request, _readable_report(request, pk))


@require_POST
@login_required
def comment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit comments on one section of the draft in faktagranskning."""
    review = _readable_report(request, pk)
    if not request_user(request).has_perm("reports.comment_draft", review):
        raise PermissionDenied
    section = request.POST.get("section", "")
    try:
        comment = draft_comment_add(
            review=review,
            by=request_user(request),
            section=section,
            text=request.POST.get("text", ""),
        )
    except ValidationError as error:
        if "text" in error.message_dict and section in draft_sections(review):
            # The section's form is on the page: show it again, with the text and why.
            return _render_report(
                request,
                review,
                failed=f"comment-{section}",
                form_errors=error.message_dict,
                status=422,
            )
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:html", pk=review.pk)
    messages.success(request, _("Your comment is sent to the inspectors."))
    return redirect(reverse("reports:html", args=[review.pk]) + f"#comment-{comment.pk}")


@require_POST
@login_required
def comment_answer_view(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """The inspectors answer a comment on the draft."""
    review = _readable_report(request, pk)
    if not request_user(request).has_perm("reports.answer_comment", review):
        raise PermissionDenied
    comment = get_object_or_404(DraftComment, pk=comment_pk, review=review)
    try:
        draft_comment_answer(
            comment=comment,
            by=request_user(request),
            answer=request.POST.get("answer", ""),
            decision=request.POST.get("decision", ""),
        )
    except ValidationError as error:
        comment.refresh_from_db()
        if comment.answered_at is None and report_is_draft(review):
            return _render_report(
                request,
                review,
                failed=f"answer-{comment.pk}",
                form_errors=error.message_dict,
                status=422,
            )
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The answer is saved."))
    return redirect(reverse("reports:html", args=[review.pk]) + f"#comment-{comment.pk}")


@require_GET
@never_cache
@login_required
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft, as typeset for its present content; or the final report's current version, as
    stored. A draft holding a character the PDF cannot show gets a page naming where it is."""
    review = _readable_report(request, pk)
    if not report_is_draft(review):
        current = FinalReport.objects.filter(review=review, replaced_at__isnull=True).first()
        if current is not None:
            return _stored_pdf(review, current)
    try:
        pdf = pdf_render_cached(report_data(review))
    except ValidationError as error:
        return render(
            request,
            "reports/pdf_refused.html",
            {"review": review, "problems": error.messages},
            status=422,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_filename(review, "pdf")}"'
    return response


@require_GET
@never_cache
@login_required
def report_version_view(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """One issued version of the final report: the one in force as issued, a replaced one as
    marked replaced on every page (or as issued, if it was replaced before such copies were
    made)."""
    review = _readable_report(request, pk)
    report = FinalReport.objects.filter(review=review, version=version).first()
    if report is None:
        raise Http404
    return _stored_pdf(review, report, replaced=bool(report.replaced_pdf))


@require_http_methods(["GET", "POST"])
@login_required
def report_reissue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The kansli issues a corrected final report: the next version, replacing the current one.
    GET is the confirmation: what will change, and the reason the correction needs; POST
    issues it. A refused reason is shown beside its field, with what was typed."""
    user = request_user(request)
    if not user.has_perm("reviews.manage"):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.select_related("unit"), pk=pk)
    if report_is_draft(review):
        messages.error(
            request, _("The final report is issued when the review moves to the final report.")
        )
        return redirect("reports:html", pk=review.pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            report = final_report_correct(review=review, by=user, reason=request.POST.get("reason"))
        except ValidationError as error:
            errors = error.message_dict
            if "reason" not in errors:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("reports:html", pk=review.pk)
        else:
            if report.version > 1:
                done = _(
                    "Version %(version)s of the final report is issued and replaces version "
                    "%(previous)s."
                ) % {"version": report.version, "previous": report.version - 1}
            else:
                done = _("Version %(version)s of the final report is issued.") % {
                    "version": report.version
                }
            messages.success(request, done)
            return redirect("reports:html", pk=review.pk)
    current = FinalReport.objects.filter(review=review, replaced_at__isnull=True).first()
    response = render(
        request,
        "reports/reissue.html",
        {
            "review": review,
            "current": current,
            "next_version": (current.version + 1) if current else 1,
            "published": review.publish_report and current is not None,
            "reason": request.POST.get("reason", ""),
            "reason_errors": errors.get("reason", []),
        },
        status=422 if errors else 200,
    )
    add_never_cache_headers(response)
    return response


@require_GET
@never_cache
@login_required
def report_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a Word file, made from its present content for those who may read it."""
    review = _readable_report(request, pk)
    response = HttpResponse(docx_render(report_data(review)), content_type=DOCX_TYPE)
    name = report_filename(review, "docx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@never_cache
@login_required
def report_standalone_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as one self-contained HTML file, to keep or send on."""
    review = _readable_report(request, pk)
    response = HttpResponse(html_render(report_data(review)), content_type="text/html")
    name = report_filename(review, "html")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def published_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The public copy of the current version of a published final report, as issued."""
    review = get_object_or_404(reports_published(), pk=pk)
    current = FinalReport.objects.get(review=review, replaced_at__isnull=True)
    return _stored_pdf(review, current, public=True)
