"""The public list of published final reports: open to everyone, no login."""

from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import published, reports

app_name = "published"

urlpatterns = [
    path("", published.published_list_view, name="list"),
    path("<id:pk>.pdf", reports.published_pdf_view, name="pdf"),
]
