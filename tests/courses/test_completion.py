"""A course completes once every counted lesson is complete; the completion is recorded once and certified."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.models import CourseCompletion
from courses.selectors import course_progress
from courses.services import course_completion_refresh, enrolment_create, lesson_complete, quiz_attempt_submit
from tests.courses.factories import course_create, lesson_create, quiz_block
from tests.courses.test_quizzes import RIGHT, _token

pytestmark = pytest.mark.django_db


def _ours(callbacks):
    """The on-commit callbacks courses queued (certificates queues its own PDF and e-mail work)."""
    return [callback for callback in callbacks if callback.__module__ == "courses.services"]


def _finish(learner, reading_lesson, quiz_lesson):
    lesson_complete(learner=learner, lesson=reading_lesson)
    quiz_attempt_submit(
        learner=learner, lesson_id=quiz_lesson.pk, block_id="quiz-1", token=_token(learner, quiz_lesson), data=RIGHT
    )


def test_completing_every_lesson_completes_the_course_and_issues_a_certificate(
    enrolled, course, reading_lesson, quiz_lesson, django_capture_on_commit_callbacks
):
    """The certificate is issued after commit, by the issuing association, with the course's CPD hours."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _finish(enrolled, reading_lesson, quiz_lesson)
    assert len(_ours(callbacks)) == 1
    completion = CourseCompletion.objects.get(learner=enrolled, course=course)
    certificate = Certificate.objects.get(recipient=enrolled)
    assert certificate.kind == Certificate.Kind.COURSE
    assert certificate.issuer == course.issuer
    assert certificate.achievement_title == "Checking sources"
    assert certificate.cpd_hours == 4
    assert certificate.source_id == str(course.pk)
    assert course_progress(user=enrolled, course=course).percent == 100
    assert completion.completed_at is not None


def test_the_certificate_waits_for_the_commit(
    enrolled, reading_lesson, quiz_lesson, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _finish(enrolled, reading_lesson, quiz_lesson)
    assert len(_ours(callbacks)) == 1
    assert not Certificate.objects.exists()


def test_an_incomplete_course_is_not_completed(enrolled, course, reading_lesson):
    lesson_complete(learner=enrolled, lesson=reading_lesson)
    assert course_completion_refresh(learner=enrolled, course=course) is None
    assert not CourseCompletion.objects.exists()


def test_completion_is_recorded_once_under_double_submission(
    client, enrolled, course, reading_lesson, quiz_lesson, django_capture_on_commit_callbacks
):
    """Two identical quiz posts and repeated refreshes give one completion and one certificate."""
    lesson_complete(learner=enrolled, lesson=reading_lesson)
    client.force_login(enrolled)
    url = reverse("courses:quiz_submit", args=[quiz_lesson.pk, "quiz-1"])
    sheet = {**RIGHT, "attempt_token": _token(enrolled, quiz_lesson)}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(url, sheet)
        second = client.post(url, sheet, follow=True)
        course_completion_refresh(learner=enrolled, course=course)
        lesson_complete(learner=enrolled, lesson=reading_lesson)
    assert "already submitted" in second.content.decode()
    assert CourseCompletion.objects.filter(learner=enrolled, course=course).count() == 1
    assert Certificate.objects.filter(recipient=enrolled).count() == 1
    assert len(_ours(callbacks)) == 1


def test_optional_reading_lessons_do_not_hold_back_completion(learner, association):
    course = course_create(issuer=association)
    required = lesson_create(course)
    lesson_create(course, required=False)
    enrolment_create(learner=learner, course=course)
    assert lesson_complete(learner=learner, lesson=required) is not None


def test_an_optional_lesson_with_a_quiz_never_holds_back_completion(learner, association):
    """Issue 8, finding 3: an optional lesson's quiz is practice; the course completes without it."""
    course = course_create(issuer=association)
    required = lesson_create(course)
    graded = lesson_create(course, required=False, body=[quiz_block(block_id="q")])
    enrolment_create(learner=learner, course=course)
    assert lesson_complete(learner=learner, lesson=required) is not None
    assert CourseCompletion.objects.filter(learner=learner, course=course).count() == 1
    quiz_attempt_submit(
        learner=learner, lesson_id=graded.pk, block_id="q", token=_token(learner, graded, block_id="q"), data=RIGHT
    )
    assert CourseCompletion.objects.filter(learner=learner, course=course).count() == 1


def test_the_completed_course_page_shows_full_progress(client, enrolled, course, reading_lesson, quiz_lesson):
    _finish(enrolled, reading_lesson, quiz_lesson)
    client.force_login(enrolled)
    content = client.get(course.url).content.decode()
    assert 'value="100"' in content
    assert "Course complete on" in content
