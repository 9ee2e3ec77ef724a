from django.urls import path

from h5p import views

app_name = "h5p"

urlpatterns = [
    path("content/<str:content_hash>/<path:path>", views.content_file, name="content"),
    path("xapi/", views.xapi_statement, name="xapi"),
    path("state/<int:package_id>/", views.user_state, name="state"),
]
