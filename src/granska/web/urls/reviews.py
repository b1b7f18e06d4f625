from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import assessment, imported, kansli
from granska.web.views import reviews as pages

app_name = "reviews"

urlpatterns = [
    path("", pages.review_list_view, name="list"),
    path("mina/", pages.home_view, name="home"),
    path("boka/", kansli.booking_view, name="book"),
    path("enheter/", kansli.unit_list_view, name="units"),
    path("<id:pk>/", pages.review_detail_view, name="detail"),
    path("<id:pk>/historik/", pages.history_view, name="history"),
    path("<id:pk>/bedomning/", pages.assessment_read_view, name="recorded"),
    path("<id:pk>/bedomning/<area:code>/", pages.assessment_read_view, name="recorded-area"),
    path("<id:pk>/sammanfattning/", assessment.summary_view, name="summary"),
    path("<id:pk>/omrade/<area:code>/", assessment.assessment_view, name="assessment"),
    path(
        "<id:pk>/omrade/<area:code>/forslag/",
        assessment.assessment_suggestion_view,
        name="assessment-suggestion",
    ),
    path("<id:pk>/inspektorer/", kansli.assign_view, name="assign"),
    path("<id:pk>/inspektorer/<id:user_pk>/ta-bort/", kansli.unassign_view, name="unassign"),
    path("<id:pk>/status/", kansli.move_view, name="move"),
    path("<id:pk>/bokning/", kansli.booking_change_view, name="booking-change"),
    path("<id:pk>/kalla/", imported.source_view, name="source"),
]
