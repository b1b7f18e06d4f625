from django.urls import path

from granska.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/rapport/", views.report_view, name="html"),
    path("<int:pk>/rapport.pdf", views.report_pdf_view, name="pdf"),
    path("<int:pk>/rapport/version/<int:version>.pdf", views.report_version_view, name="version"),
    path("<int:pk>/rapport/nytt-utfardande/", views.report_reissue_view, name="reissue"),
    path("<int:pk>/rapport/kommentarer/", views.comment_add_view, name="comment-add"),
    path(
        "<int:pk>/rapport/kommentarer/<int:comment_pk>/svar/",
        views.comment_answer_view,
        name="comment-answer",
    ),
]
