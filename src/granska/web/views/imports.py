"""The kansli's *Importera rapporter* page: files (or a zip) uploaded as a batch, their reading
followed while the worker reads them, a preview of what each holds, and the confirmation of all
or some. The rules live in `granska.imports.batches`; only the kansli reaches these pages."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from granska.accounts.rules import holds
from granska.imports.batches import batch_confirm, batch_create
from granska.imports.models import BatchItem, BatchItemState, ImportBatch
from granska.imports.parsed import AREA_CODES
from granska.uploads import MAX_IMPORT_BYTES
from granska.web.views.common import request_user

# htmx stops polling when the answer has this status (and still shows it).
STOP_POLLING = 286
RECENT_BATCHES = 10


def _require_import(request: HttpRequest) -> None:
    if not holds(request_user(request), "imports.import"):
        raise PermissionDenied


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    _require_import(request)
    return get_object_or_404(ImportBatch, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def upload_view(request: HttpRequest) -> HttpResponse:
    """The files to import, and the batches uploaded lately."""
    _require_import(request)
    errors: list[str] = []
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        try:
            batch = batch_create(
                by=request_user(request),
                files=[(upload.name or "", upload.read()) for upload in uploads],
            )
        except ValidationError as error:
            errors = error.message_dict.get("files", error.messages)
        else:
            return redirect("imports:batch", batch.pk)
    batches = ImportBatch.objects.annotate(
        files=Count("items"),
        imported=Count("items", filter=Q(items__state=BatchItemState.IMPORTED)),
    )[:RECENT_BATCHES]
    context = {
        "errors": errors,
        "batches": batches,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "max_mb": MAX_IMPORT_BYTES // 2**20,
    }
    return render(request, "imports/upload.html", context, status=422 if errors else 200)


@dataclass(frozen=True)
class Area:
    """One area of a file's preview: its code, what the JSON holds, and its grades per regulation
    with where each was read."""

    code: str
    reading: dict[str, Any]
    grades: list[tuple[str, str | None, str | None]]  # regulation, grade, source


def _areas(reading: dict[str, Any]) -> list[Area]:
    areas = reading.get("areas") or {}
    shown = []
    for code in AREA_CODES:
        area = areas.get(code) or {}
        grades = area.get("grades") or {}
        sources = area.get("grade_source") or {}
        shown.append(
            Area(
                code=code,
                reading=area,
                grades=[
                    (regulation, grade, sources.get(regulation))
                    for regulation, grade in grades.items()
                ],
            )
        )
    return shown


@dataclass(frozen=True)
class Preview:
    """A file of the batch and its areas as the page shows them."""

    item: BatchItem
    areas: list[Area]


def _context(batch: ImportBatch) -> dict[str, Any]:
    items = list(batch.items.select_related("review", "review__unit"))
    done = sum(item.state != BatchItemState.QUEUED for item in items)
    return {
        "batch": batch,
        "items": items,
        "previews": [Preview(item, _areas(item.reading or {})) for item in items],
        "total": len(items),
        "done": done,
        "reading": done < len(items),
        "readable": [item for item in items if item.state == BatchItemState.READ],
        "imported": [item for item in items if item.state == BatchItemState.IMPORTED],
        "states": BatchItemState,
    }


@require_GET
@login_required
def batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch: its progress while the files are read, then each file's preview and the
    confirmation; after it, the reviews made."""
    return render(request, "imports/batch.html", _context(_batch(request, pk)))


@require_GET
@login_required
def batch_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress, polled by the page every 2 s; once every file is read, the previews with it
    (swapped in out of band) and the polling stopped (status 286)."""
    context = _context(_batch(request, pk))
    if not request.headers.get("HX-Request"):
        # Opened directly (without the page's script): the batch's whole page.
        return render(request, "imports/batch.html", context)
    status = 200 if context["reading"] else STOP_POLLING
    return render(request, "imports/batch.html#status", context, status=status)


@require_POST
@login_required
def confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Imports the files ticked, leaves the others out, and shows the batch with its reviews."""
    batch = _batch(request, pk)
    values = request.POST.getlist("items")
    item_ids = [int(value) for value in values if value.isascii() and value.isdigit()]
    try:
        imported = batch_confirm(by=request_user(request), batch=batch, item_ids=item_ids)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d report was imported.", "%(count)d reports were imported.", len(imported)
            )
            % {"count": len(imported)},
        )
    return redirect("imports:batch", batch.pk)
