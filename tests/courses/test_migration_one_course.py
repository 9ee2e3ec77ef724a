"""Migration 0005: learners' records made in two languages before it become one, on the course's original."""

from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from courses.models import CourseCompletion, Enrolment, LessonProgress
from tests.courses.factories import translate

pytestmark = pytest.mark.django_db

migration = import_module("courses.migrations.0005_one_course_across_translations_completion_language")


def test_duplicates_in_two_languages_are_merged_onto_the_original(learner, outsider, course, reading_lesson):
    """Rows written the old way (straight onto the Russian pages), as the services did before."""
    russian = translate(course)
    lesson_ru = translate(reading_lesson)
    earlier = timezone.now() - timezone.timedelta(days=3)
    Enrolment.objects.create(learner=learner, course=course, status="left", left_at=earlier, enrolled_at=earlier)
    Enrolment.objects.create(learner=learner, course=russian, enrolled_at=timezone.now())
    Enrolment.objects.create(learner=outsider, course=russian, enrolled_at=timezone.now())
    LessonProgress.objects.create(learner=learner, lesson=reading_lesson, visited_at=earlier)
    LessonProgress.objects.create(learner=learner, lesson=lesson_ru, visited_at=timezone.now(), completed_at=earlier)
    CourseCompletion.objects.create(learner=learner, course=russian)
    CourseCompletion.objects.create(learner=learner, course=course)

    migration.records_to_originals(apps, None)

    enrolment = Enrolment.objects.get(learner=learner)
    assert (enrolment.course_id, enrolment.status, enrolment.left_at) == (course.pk, "active", None)
    assert enrolment.enrolled_at == earlier
    assert Enrolment.objects.get(learner=outsider).course_id == course.pk
    progress = LessonProgress.objects.get(learner=learner)
    assert (progress.lesson_id, progress.completed_at) == (reading_lesson.pk, earlier)
    assert progress.visited_at > earlier
    completion = CourseCompletion.objects.get(learner=learner)
    assert (completion.course_id, completion.language) == (course.pk, "ru")  # the earlier one, made in Russian
