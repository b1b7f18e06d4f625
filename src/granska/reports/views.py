"""The report in the browser and as a PDF download, for those who may read it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from granska.reports.html import html_context
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data, report_filename
from granska.reviews.models import Review
from granska.reviews.views.common import request_user, visible_review


def _readable_report(request: HttpRequest, pk: int) -> Review:
    """The review whose report the person may read: 404 if they may not see the review, 403 if
    they may see it but not (yet) its report."""
    review = visible_review(request, pk)
    if not request_user(request).has_perm("reviews.view_report", review):
        raise PermissionDenied
    return review


@require_GET
@login_required
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = _readable_report(request, pk)
    context = html_context(report_data(review)) | {"review": review}
    return render(request, "reports/report.html", context)


@require_GET
@login_required
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = _readable_report(request, pk)
    response = HttpResponse(pdf_render(report_data(review)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_filename(review, "pdf")}"'
    return response
