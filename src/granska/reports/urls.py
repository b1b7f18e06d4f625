from django.urls import path

from granska.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/rapport/", views.report_view, name="html"),
    path("<int:pk>/rapport.pdf", views.report_pdf_view, name="pdf"),
]
