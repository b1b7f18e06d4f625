from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reviews:home", permanent=False), name="home"),
    path("granskningar/", include("granska.reviews.urls")),
    path("granskningar/", include("granska.reports.urls")),
    path("rapporter/", include("granska.reports.public_urls")),
    path("", include("granska.actionplans.urls")),
    # django-allauth: login, logout, password reset and change, TOTP and recovery codes.
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
