from django.urls import path

from webinars import views

app_name = "webinars"
urlpatterns = [
    path("", views.webinar_list, name="list"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<int:webinar_id>/", views.webinar_detail, name="detail"),
    path("<int:webinar_id>/register/", views.webinar_register, name="register"),
    path("<int:webinar_id>/cancel/", views.webinar_cancel, name="cancel"),
    path("<int:webinar_id>/join/", views.webinar_join, name="join"),
    path("<int:webinar_id>/call-off/", views.webinar_call_off, name="call_off"),
    path("<int:webinar_id>/status/", views.webinar_status, name="status"),
    path("<int:webinar_id>/attendance/", views.webinar_attendance, name="attendance"),
    path("<int:webinar_id>/recordings/<int:recording_id>/", views.recording_manage, name="recording"),
    path(
        "<int:webinar_id>/recordings/<int:recording_id>/watch/<int:index>/",
        views.recording_watch,
        name="recording_watch",
    ),
]
