"""The original file of an imported review, for those who read the review."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from granska.imports.models import ImportedReview
from granska.web.views.common import visible_review


@require_GET
@login_required
def source_view(request: HttpRequest, pk: int) -> FileResponse:
    """The file the review was imported from, exactly the bytes imported, as an attachment
    (never shown inline: it is whatever was uploaded) and never kept by a browser or a proxy.
    404 for a review the person may not read, or one made in Granska."""
    review = visible_review(request, pk)
    imported = ImportedReview.objects.filter(review=review).select_related("source").first()
    if imported is None:
        raise Http404
    source = imported.source
    try:
        stored = source.content.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    pdf = source.name.lower().endswith(".pdf")
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=source.name,
        content_type="application/pdf" if pdf else "application/octet-stream",
    )
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
