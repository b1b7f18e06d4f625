"""The surveys' pages: the respondent's link (no account) and the review's survey pages."""

from django.urls import path

from granska.web.views import survey_respond

app_name = "surveys"

urlpatterns = [
    # The respondent's personal link: no account; the token is cut from every log.
    path("enkat/<str:token>/", survey_respond.respond_view, name="respond"),
]
