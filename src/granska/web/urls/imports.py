from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import imports as views

app_name = "imports"

urlpatterns = [
    path("", views.upload_view, name="upload"),
    path("<id:pk>/", views.batch_view, name="batch"),
    path("<id:pk>/lage/", views.batch_status_view, name="batch-status"),
    path("<id:pk>/bekrafta/", views.confirm_view, name="confirm"),
]
