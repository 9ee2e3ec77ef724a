from django.urls import path

from h5p import views

app_name = "h5p"

urlpatterns = [
    path("player/<str:content_hash>/<int:expires>/<str:signature>/", views.player_document, name="player"),
    path("content/<str:content_hash>/<int:expires>/<str:signature>/<path:path>", views.content_file, name="content"),
    path("xapi/", views.xapi_statement, name="xapi"),
    path("state/<int:package_id>/", views.user_state, name="state"),
]
