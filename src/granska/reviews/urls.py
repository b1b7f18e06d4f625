from django.urls import path

from granska.reviews.views import assessment, kansli, pages

app_name = "reviews"

urlpatterns = [
    path("", pages.review_list_view, name="list"),
    path("mina/", pages.home_view, name="home"),
    path("boka/", kansli.booking_view, name="book"),
    path("enheter/", kansli.unit_list_view, name="units"),
    path("<int:pk>/", pages.review_detail_view, name="detail"),
    path("<int:pk>/historik/", pages.history_view, name="history"),
    path("<int:pk>/sammanfattning/", assessment.summary_view, name="summary"),
    path("<int:pk>/omrade/<str:code>/", assessment.assessment_view, name="assessment"),
    path(
        "<int:pk>/omrade/<str:code>/forslag/",
        assessment.assessment_suggestion_view,
        name="assessment-suggestion",
    ),
    path("<int:pk>/inspektorer/", kansli.assign_view, name="assign"),
    path("<int:pk>/inspektorer/<int:user_pk>/ta-bort/", kansli.unassign_view, name="unassign"),
    path("<int:pk>/status/", kansli.move_view, name="move"),
    path("<int:pk>/bokning/", kansli.booking_change_view, name="booking-change"),
]
