from django.urls import path

from granska.actionplans import views

app_name = "actionplans"

urlpatterns = [
    path("granskningar/<int:pk>/handlingsplan/", views.plan_view, name="plan"),
    path("granskningar/<int:pk>/handlingsplan/beslut/", views.plan_decide_view, name="decide"),
    path(
        "granskningar/<int:pk>/handlingsplan/atgard/<int:item_pk>/redovisning/",
        views.followup_report_view,
        name="report",
    ),
    path(
        "granskningar/<int:pk>/handlingsplan/redovisning/<int:report_pk>/svar/",
        views.followup_decide_view,
        name="confirm",
    ),
    path(
        "granskningar/<int:pk>/handlingsplan/redovisning/<int:report_pk>/bilaga/",
        views.attachment_view,
        name="attachment",
    ),
    path("granskningar/<int:pk>/kalender/", views.calendar_renew_view, name="calendar-renew"),
    path("kalender/<str:token>.ics", views.calendar_feed_view, name="calendar"),
    path("uppfoljning/", views.overview_view, name="overview"),
    path("uppfoljning.csv", views.overview_csv_view, name="overview-csv"),
]
