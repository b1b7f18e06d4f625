"""The surveys' pages."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "POST"])
def respond_view(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent's page (issue 12, point 4)."""
    raise NotImplementedError
