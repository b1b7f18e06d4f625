"""The survey's results of a review: the page, and the aggregated results as CSV and XLSX.

What may be shown is decided in `granska.surveys.results`; these views only find the round,
render what the selectors give, and refuse the exports while the round is open."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from granska.accounts.rules import require
from granska.reviews.models import Review
from granska.surveys.models import Round
from granska.surveys.results import (
    ExportRow,
    RoundResults,
    export_headers,
    export_rows,
    group_blocks,
    response_rate_sentence,
    round_results,
)
from granska.web.views.common import request_user, visible_review
from granska.web.views.plans import csv_cell


def _round_of(request: HttpRequest, pk: int) -> tuple[Review, Round | None]:
    review = visible_review(request, pk)
    require(request_user(request), "surveys.view_results", review)
    round_ = Round.objects.select_related("questionnaire").filter(review=review).first()
    if round_ is not None:
        round_.review = review
    return review, round_


@require_GET
@login_required
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    review, round_ = _round_of(request, pk)
    if round_ is None:
        return render(request, "surveys/results.html", {"review": review, "round": None})
    results = round_results(by=request_user(request), round_=round_)
    return render(
        request,
        "surveys/results.html",
        results_context(review, round_, results, response_rate_sentence(round_)),
    )


def results_context(
    review: object, round_: object, results: RoundResults, sentence: str
) -> dict[str, object]:
    """The page's context: what the selector gave, grouped per area and group."""
    return {
        "review": review,
        "round": round_,
        "results": results,
        "sentence": sentence,
        "areas": [
            (area, group_blocks(area.statements, results.shown_groups)) for area in results.areas
        ],
    }


def _rows_or_refusal(
    request: HttpRequest, pk: int
) -> tuple[Review, list[ExportRow]] | HttpResponse:
    review, round_ = _round_of(request, pk)
    if round_ is None:
        raise Http404
    try:
        return review, export_rows(by=request_user(request), round_=round_)
    except ValidationError as error:
        for texts in error.message_dict.values():
            for text in texts:
                messages.error(request, text)
        return redirect("surveys:results", pk=review.pk)


def export_cells(row: ExportRow) -> list[object]:
    return [
        row.area,
        row.statement,
        row.text,
        row.group,
        *row.counts,
        *(round(share * 100) for share in row.shares),
        row.not_relevant,
        row.answered,
    ]


@require_GET
@login_required
def results_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The aggregated results, a row per statement and group shown, for a spreadsheet."""
    found = _rows_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    review, rows = found
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enkat-{review.pk}.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([csv_cell(h) for h in export_headers()])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in export_cells(row)])
    return response


@require_GET
@login_required
def results_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same as an Excel workbook; text cells are written as text, never as formulas."""
    from openpyxl import Workbook

    found = _rows_or_refusal(request, pk)
    if isinstance(found, HttpResponse):
        return found
    review, rows = found
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Results")[:31]
    sheet.append(list(export_headers()))
    for row in rows:
        sheet.append(export_cells(row))
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                # A text is a string cell, even one starting with "=".
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="enkat-{review.pk}.xlsx"'
    return response
