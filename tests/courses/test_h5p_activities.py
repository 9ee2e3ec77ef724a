"""H5P activities in lessons: context keys, who may play, and results that complete lessons."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from courses.h5p_activities import can_play, context_key, context_key_parse, on_attempt
from courses.models import CourseCompletion
from courses.services import enrolment_create, enrolment_leave
from tests.courses.factories import course_create, lesson_create

H5P_FIXTURE = Path(settings.BASE_DIR).parent / "shared/fixtures/h5p/true-false.h5p"


def test_context_keys_round_trip():
    key = context_key(lesson_id=12, block_id="abc-123")
    assert key == "courses.lesson:12:abc-123"
    assert context_key_parse(key) == (12, "abc-123")


@pytest.mark.parametrize("key", ["", "courses.lesson", "courses.lesson:x:abc", "webinars.x:1:abc", "courses.lesson:1:"])
def test_foreign_or_malformed_keys_are_not_ours(key):
    assert context_key_parse(key) is None


@pytest.mark.django_db
def test_nobody_plays_an_activity_that_is_not_in_the_lesson(learner, association):
    course = course_create(issuer=association)
    lesson = lesson_create(course)
    enrolment_create(learner=learner, course=course)
    assert not can_play(learner, context_key(lesson_id=lesson.pk, block_id="missing"))
    assert not can_play(learner, "courses.lesson:999999:abc")


@pytest.fixture
def h5p_lesson(association):
    """A course whose only lesson holds a graded H5P activity (needs the h5p app)."""
    pytest.importorskip("h5p.blocks")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from h5p.services import package_upload

    upload = SimpleUploadedFile("true-false.h5p", H5P_FIXTURE.read_bytes(), content_type="application/zip")
    package = package_upload(uploaded_file=upload, title="Is this false?")
    course = course_create(issuer=association)
    block_id = str(uuid.uuid4())
    value = {"package": package.pk, "title": "Is this false?", "graded": True, "pass_mark": 100}
    lesson = lesson_create(course, body=[{"type": "h5p", "value": value, "id": block_id}])
    return lesson, course, context_key(lesson_id=lesson.pk, block_id=block_id)


@pytest.mark.django_db
def test_only_enrolled_learners_play(learner, outsider, h5p_lesson):
    _lesson, course, key = h5p_lesson
    enrolment_create(learner=learner, course=course)
    assert can_play(learner, key)
    assert not can_play(outsider, key)
    enrolment_leave(learner=learner, course=course)
    assert not can_play(learner, key)


@pytest.mark.django_db
def test_a_passing_attempt_completes_the_lesson_and_the_course(learner, h5p_lesson, monkeypatch):
    lesson, course, key = h5p_lesson
    enrolment_create(learner=learner, course=course)

    class Attempt:
        scaled_score, success, raw_score, max_score = 1.0, True, 1, 1

    monkeypatch.setattr("courses.h5p_activities.h5p_best_attempts", lambda **kw: {key: Attempt()})
    monkeypatch.setattr("courses.selectors.h5p_best_attempts", lambda **kw: {key: Attempt()})
    on_attempt(learner, key, Attempt())
    assert lesson.progress.get(learner=learner).completed_at is not None
    assert CourseCompletion.objects.filter(learner=learner, course=course).exists()
