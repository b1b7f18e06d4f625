from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import reports as views

app_name = "reports"

urlpatterns = [
    path("<id:pk>/rapport/", views.report_view, name="html"),
    path("<id:pk>/rapport.pdf", views.report_pdf_view, name="pdf"),
    path("<id:pk>/rapport.docx", views.report_docx_view, name="docx"),
    path("<id:pk>/rapport.html", views.report_standalone_view, name="standalone"),
    path("<id:pk>/rapport/version/<id:version>.pdf", views.report_version_view, name="version"),
    path("<id:pk>/rapport/nytt-utfardande/", views.report_reissue_view, name="reissue"),
    path("<id:pk>/rapport/kommentarer/", views.comment_add_view, name="comment-add"),
    path(
        "<id:pk>/rapport/kommentarer/<id:comment_pk>/svar/",
        views.comment_answer_view,
        name="comment-answer",
    ),
]
