"""The public list of published final reports: open to everyone, no login."""

from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import reports as views

app_name = "published"

urlpatterns = [
    path("", views.published_list_view, name="list"),
    path("<id:pk>.pdf", views.published_pdf_view, name="pdf"),
]
