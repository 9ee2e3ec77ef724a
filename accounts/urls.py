from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("associations/<slug:slug>/", views.association_detail, name="association_detail"),
]
