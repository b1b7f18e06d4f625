"""The service's own pages, open to everyone: personal data and accessibility."""

from django.urls import path

from granska.web.views import about as views

app_name = "about"

urlpatterns = [
    path("personuppgifter/", views.personal_data_view, name="personal-data"),
    path("tillganglighet/", views.accessibility_view, name="accessibility"),
]
