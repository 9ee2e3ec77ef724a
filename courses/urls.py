from django.urls import path

from courses import views

app_name = "courses"

# Catalogue, course and lesson pages are Wagtail pages; these are the actions around them.
urlpatterns = [
    path("learning/", views.my_learning, name="learning"),
    path("<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("<int:course_id>/leave/", views.leave, name="leave"),
    path("<int:course_id>/roster/", views.roster, name="roster"),
    path("<int:course_id>/roster/export/", views.roster_export, name="roster_export"),
    path("<int:course_id>/roster/<int:learner_id>/", views.participant, name="participant"),
    path("<int:course_id>/roster/<int:learner_id>/remove/", views.participant_remove, name="participant_remove"),
    path("<int:course_id>/gradebook/", views.gradebook, name="gradebook"),
    path("<int:course_id>/gradebook/export/", views.gradebook_export, name="gradebook_export"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_mark_complete, name="lesson_complete"),
    path("lessons/<int:lesson_id>/quiz/<str:block_id>/", views.quiz_submit, name="quiz_submit"),
]
