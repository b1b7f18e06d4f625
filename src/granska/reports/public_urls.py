"""The public list of published final reports: open to everyone, no login."""

from django.urls import path

from granska.reports import views

app_name = "published"

urlpatterns = [
    path("", views.published_list_view, name="list"),
    path("<int:pk>.pdf", views.published_pdf_view, name="pdf"),
]
