"""The surveys' pages: the respondent's link (no account) and the review's survey pages."""

from django.urls import path

from granska.web.views import survey_results
from granska.web.views import surveys as views

app_name = "surveys"

urlpatterns = [
    # The respondent's personal link: no account; the token is cut from every log.
    path("enkat/<str:token>/", views.respond_view, name="respond"),
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
