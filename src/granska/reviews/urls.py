from django.urls import path

from granska.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list_view, name="list"),
    path("<int:pk>/", views.review_detail_view, name="detail"),
]
