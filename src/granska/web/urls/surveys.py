"""The surveys' pages: the respondent's link (no account) and the review's survey pages."""

from django.urls import path

from granska.web.views import self_assessment
from granska.web.views import surveys as views

app_name = "surveys"

urlpatterns = [
    # The respondent's personal link: no account; the token is cut from every log.
    path("enkat/<str:token>/", views.respond_view, name="respond"),
    # The unit's self-assessment and facts (selfassess).
    path(
        "granskningar/<id:pk>/sjalvvardering/",
        self_assessment.self_assessment_view,
        name="self",
    ),
    path(
        "granskningar/<id:pk>/sjalvvardering/lamna/",
        self_assessment.self_assessment_submit_view,
        name="self-submit",
    ),
]
