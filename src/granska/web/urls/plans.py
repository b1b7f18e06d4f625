from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import plans as views

app_name = "actionplans"

urlpatterns = [
    path("granskningar/<id:pk>/handlingsplan/", views.plan_view, name="plan"),
    path("granskningar/<id:pk>/handlingsplan/beslut/", views.plan_decide_view, name="decide"),
    path(
        "granskningar/<id:pk>/handlingsplan/atgard/<id:item_pk>/redovisning/",
        views.followup_report_view,
        name="report",
    ),
    path(
        "granskningar/<id:pk>/handlingsplan/redovisning/<id:report_pk>/svar/",
        views.followup_decide_view,
        name="confirm",
    ),
    path(
        "granskningar/<id:pk>/handlingsplan/redovisning/<id:report_pk>/bilaga/",
        views.attachment_view,
        name="attachment",
    ),
    path("granskningar/<id:pk>/kalender/", views.calendar_renew_view, name="calendar-renew"),
    path("kalender/<calendar_token:token>.ics", views.calendar_feed_view, name="calendar"),
    path("uppfoljning/", views.overview_view, name="overview"),
    path("uppfoljning.csv", views.overview_csv_view, name="overview-csv"),
]
