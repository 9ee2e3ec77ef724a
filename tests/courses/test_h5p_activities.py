"""H5P activities in lessons: context keys, who may play, and results that complete lessons."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from courses.h5p_activities import can_play, context_key, context_key_parse
from courses.models import CourseCompletion
from courses.services import enrolment_create, enrolment_leave
from tests.courses.factories import course_create, lesson_create

H5P_FIXTURE = Path(settings.BASE_DIR) / "lms/demo/h5p/true-false.h5p"


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


def _post_answer(client, lesson_key, raw):
    """Post the statement the player sends after Check, to the h5p app's endpoint."""
    import json

    from django.urls import reverse

    from h5p.models import H5PPackage
    from tests.courses.factories import h5p_answered

    package = H5PPackage.objects.get()
    statement = h5p_answered(package_id=package.pk, context_key=lesson_key, raw=raw)
    body = json.dumps({"package": package.pk, "context": lesson_key, "statement": statement})
    return client.post(reverse("h5p:xapi"), body, content_type="application/json")


@pytest.mark.django_db
def test_a_passing_xapi_answer_completes_the_course_and_issues_the_certificate(
    client, learner, h5p_lesson, django_capture_on_commit_callbacks
):
    """Through the real endpoint: the attempt completes the lesson, the course, and the certificate follows."""
    from certificates.models import Certificate

    lesson, course, key = h5p_lesson
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_answer(client, key, raw=1)
    assert response.status_code == 200
    assert lesson.progress.get(learner=learner).completed_at is not None
    assert CourseCompletion.objects.filter(learner=learner, course=course).count() == 1
    assert Certificate.objects.filter(recipient=learner).count() == 1


@pytest.mark.django_db
def test_a_failed_xapi_answer_does_not_complete_the_lesson(client, learner, h5p_lesson):
    lesson, course, key = h5p_lesson
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    assert _post_answer(client, key, raw=0).status_code == 200
    assert not lesson.progress.filter(completed_at__isnull=False).exists()
    assert not CourseCompletion.objects.exists()


@pytest.mark.django_db
def test_a_learner_who_is_not_enrolled_cannot_post_results(client, outsider, h5p_lesson):
    """The h5p app asks courses who may play: an outsider's statement is refused and nothing is recorded."""
    from h5p.models import H5PAttempt

    _lesson, _course, key = h5p_lesson
    client.force_login(outsider)
    assert _post_answer(client, key, raw=1).status_code == 403
    assert not H5PAttempt.objects.exists()
    assert not CourseCompletion.objects.exists()


# --- Course staff play too (trainers, officers of the issuer, site administrators); their results count for nothing


@pytest.fixture
def staffed_h5p_lesson(h5p_lesson, trainer):
    lesson, course, key = h5p_lesson
    course.trainers.add(trainer)
    course.save()  # a ParentalManyToManyField is written when the page is saved
    return lesson, course, key


@pytest.mark.django_db
def test_the_course_staff_play_without_enrolling(staffed_h5p_lesson, trainer, association_admin, board_member):
    from tests.factories import UserFactory

    _lesson, _course, key = staffed_h5p_lesson
    site_admin = UserFactory(email="root@example.org")
    site_admin.is_superuser = True
    site_admin.save(update_fields=["is_superuser"])
    for user in (trainer, association_admin, board_member, site_admin):
        assert can_play(user, key), user


@pytest.mark.django_db
def test_a_trainer_of_another_course_or_a_plain_member_does_not_play(h5p_lesson, association, member):
    from tests.factories import UserFactory

    _lesson, _course, key = h5p_lesson
    other_trainer = UserFactory(email="otto@example.org")
    course_create(issuer=association, trainers=[other_trainer])
    assert not can_play(other_trainer, key)
    assert not can_play(member, key)


@pytest.mark.django_db
def test_staff_play_an_activity_only_a_draft_holds_but_learners_do_not(staffed_h5p_lesson, trainer, learner):
    """Previewing a draft plays its new activity for the trainer; learners play what is published."""
    lesson, course, _key = staffed_h5p_lesson
    enrolment_create(learner=learner, course=course)
    draft_key = context_key(lesson_id=lesson.pk, block_id=str(uuid.uuid4()))
    assert can_play(trainer, draft_key)
    assert not can_play(learner, draft_key)


@pytest.mark.django_db
def test_staff_play_the_activity_of_a_lesson_never_published(staffed_h5p_lesson, trainer, learner):
    lesson, course, key = staffed_h5p_lesson
    enrolment_create(learner=learner, course=course)
    lesson.unpublish()
    assert can_play(trainer, key)
    assert not can_play(learner, key)


@pytest.mark.django_db
def test_a_staff_attempt_is_recorded_for_them_but_completes_nothing(client, trainer, staffed_h5p_lesson):
    """A trainer trying their activity sees it score (their own H5PAttempt); no progress, completion or certificate."""
    from certificates.models import Certificate
    from courses.models import LessonProgress
    from h5p.models import H5PAttempt

    _lesson, _course, key = staffed_h5p_lesson
    client.force_login(trainer)
    response = _post_answer(client, key, raw=1)
    assert response.status_code == 200
    assert response.json()["attempt"]["raw"] == 1
    attempt = H5PAttempt.objects.get()
    assert (attempt.user, attempt.context_key, attempt.raw_score) == (trainer, key, 1)
    assert not LessonProgress.objects.exists()
    assert not CourseCompletion.objects.exists()
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_a_trainer_previewing_a_draft_lesson_gets_the_sandboxed_player(client, rf, trainer, staffed_h5p_lesson):
    """Wagtail's preview of a lesson whose draft adds an activity: the trainer can play it, in the sandbox."""
    from h5p.models import H5PPackage

    lesson, _course, _key = staffed_h5p_lesson
    value = {"package": H5PPackage.objects.get().pk, "title": "New in the draft", "graded": True, "pass_mark": 50}
    lesson.body = [{"type": "h5p", "value": value, "id": str(uuid.uuid4())}]
    draft = lesson.save_revision(user=trainer).as_object()
    client.force_login(trainer)
    # Wagtail runs the preview through the middleware with the editor's cookies, as the admin's preview does.
    request = rf.get("/admin/pages/preview/", HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}")
    response = draft.make_preview_request(original_request=request)
    html = response.content.decode()
    assert response.status_code == 200
    assert "New in the draft" in html
    assert "cannot play this interactive activity" not in html
    assert 'sandbox="allow-scripts"' in html
    assert "/h5p/player/" in html
