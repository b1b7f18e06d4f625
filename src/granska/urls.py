from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from granska.web.views import invitations

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reviews:home", permanent=False), name="home"),
    path("granskningar/", include("granska.web.urls.reviews")),
    path("granskningar/", include("granska.web.urls.reports")),
    path("rapporter/", include("granska.web.urls.published")),
    path("om/", include("granska.web.urls.about")),
    path("register/", include("granska.web.urls.registers")),
    path("import/", include("granska.web.urls.imports")),
    path("", include("granska.web.urls.plans")),
    path("", include("granska.web.urls.surveys")),
    # django-allauth: login, logout, password reset and change, TOTP and recovery codes.
    path("konto/inbjudan/", invitations.invitation_password_view, name="invitation_password"),
    path(
        "konto/inbjudan/<str:token>/",
        invitations.invitation_accept_view,
        name="invitation_accept",
    ),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
