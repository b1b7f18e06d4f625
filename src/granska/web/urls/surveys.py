"""The surveys' pages: the respondent's link (no account) and the review's survey pages."""

from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import self_assessment, survey_respond, survey_results, survey_round

app_name = "surveys"

urlpatterns = [
    # The respondent's personal link: no account; the token is cut from every log.
    path("enkat/<str:token>/", survey_respond.respond_view, name="respond"),
    # The review's round: its page for everyone who reads the review, and its acts.
    path("granskningar/<id:pk>/enkat/", survey_round.round_view, name="round"),
    path("granskningar/<id:pk>/enkat/oppna/", survey_round.round_open_view, name="round-open"),
    path("granskningar/<id:pk>/enkat/andra/", survey_round.round_change_view, name="round-change"),
    path("granskningar/<id:pk>/enkat/stang/", survey_round.round_close_view, name="round-close"),
    path("granskningar/<id:pk>/enkat/inbjudan/", survey_round.invite_view, name="invite"),
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

urlpatterns += [
    path(
        "granskningar/<id:pk>/enkat/resultat/",
        survey_results.results_view,
        name="results",
    ),
    path(
        "granskningar/<id:pk>/enkat/resultat.csv",
        survey_results.results_csv_view,
        name="results-csv",
    ),
    path(
        "granskningar/<id:pk>/enkat/resultat.xlsx",
        survey_results.results_xlsx_view,
        name="results-xlsx",
    ),
]
