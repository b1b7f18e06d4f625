"""The pages every Swedish public service publishes: how it processes personal data, and its
accessibility statement. Their prose is written per language (`about/<page>.<language>.html`),
since a statement is read whole, not assembled from translated phrases."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

LANGUAGES = ("sv", "en")


def _page(request: HttpRequest, name: str) -> HttpResponse:
    language = (get_language() or "sv")[:2]
    if language not in LANGUAGES:
        language = "sv"
    return render(request, f"about/{name}.{language}.html")


@require_GET
def personal_data_view(request: HttpRequest) -> HttpResponse:
    return _page(request, "personal_data")


@require_GET
def accessibility_view(request: HttpRequest) -> HttpResponse:
    return _page(request, "accessibility")
