"""Opening lessons, visits, "mark complete" and "continue where you left off"."""

import pytest
from django.urls import reverse

from courses.models import LessonProgress
from courses.selectors import course_progress
from courses.services import enrolment_leave

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client, reading_lesson):
    response = client.get(reading_lesson.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_learner_who_is_not_enrolled_cannot_open_lesson_content(client, learner, reading_lesson):
    """The lesson answers 403 with a way to the course, and none of its body."""
    client.force_login(learner)
    response = client.get(reading_lesson.url)
    assert response.status_code == 403
    content = response.content.decode()
    assert "Enrol in this course to open its lessons." in content
    assert "checking sources" not in content  # the paragraph of the lesson body
    assert not LessonProgress.objects.exists()


def test_a_learner_who_left_cannot_open_lessons(client, enrolled, course, reading_lesson):
    enrolment_leave(learner=enrolled, course=course)
    client.force_login(enrolled)
    assert client.get(reading_lesson.url).status_code == 403


def test_an_enrolled_learner_reads_a_lesson_and_the_visit_is_recorded(client, enrolled, reading_lesson):
    client.force_login(enrolled)
    response = client.get(reading_lesson.url)
    assert response.status_code == 200
    assert "A paragraph about checking sources." in response.content.decode()
    progress = LessonProgress.objects.get(learner=enrolled, lesson=reading_lesson)
    assert progress.visited_at is not None
    assert progress.completed_at is None


def test_the_trainer_opens_lessons_without_being_recorded(client, trainer, reading_lesson):
    client.force_login(trainer)
    assert client.get(reading_lesson.url).status_code == 200
    assert not LessonProgress.objects.exists()


def test_an_enrolled_learner_marks_a_reading_lesson_complete(client, enrolled, course, reading_lesson):
    client.force_login(enrolled)
    response = client.post(reverse("courses:lesson_complete", args=[reading_lesson.pk]))
    assert response.status_code == 302
    assert LessonProgress.objects.get(learner=enrolled, lesson=reading_lesson).completed_at is not None
    progress = course_progress(user=enrolled, course=course)
    assert (progress.done, progress.total, progress.percent) == (1, 2, 50)


def test_marking_complete_is_refused_when_not_enrolled(client, learner, reading_lesson):
    client.force_login(learner)
    response = client.post(reverse("courses:lesson_complete", args=[reading_lesson.pk]), follow=True)
    assert "You are not enrolled in this course." in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_marking_complete_requires_login_and_post(client, enrolled, reading_lesson):
    url = reverse("courses:lesson_complete", args=[reading_lesson.pk])
    assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(enrolled)
    assert client.get(url).status_code == 405


def test_a_lesson_with_a_quiz_cannot_be_marked_complete(client, enrolled, quiz_lesson):
    """Lessons with graded activities complete by passing them."""
    client.force_login(enrolled)
    response = client.post(reverse("courses:lesson_complete", args=[quiz_lesson.pk]), follow=True)
    assert "This lesson completes when you pass its activities." in response.content.decode()
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_the_course_page_offers_to_continue_where_the_learner_left_off(client, enrolled, course, quiz_lesson):
    client.force_login(enrolled)
    client.get(quiz_lesson.url)
    response = client.get(course.url)
    content = response.content.decode()
    assert "Continue where you left off" in content
    assert quiz_lesson.url in content
    assert '<progress id="progress-course" max="100" value="0">' in content


def test_the_course_page_shows_the_enrol_button_to_a_learner(client, learner, course):
    client.force_login(learner)
    content = client.get(course.url).content.decode()
    assert reverse("courses:enrol", args=[course.pk]) in content


def test_enrol_and_leave_views(client, learner, course):
    """The buttons on the course page enrol and un-enrol the learner."""
    client.force_login(learner)
    client.post(reverse("courses:enrol", args=[course.pk]))
    assert course.enrolments.get(learner=learner).is_active
    client.post(reverse("courses:leave", args=[course.pk]))
    assert not course.enrolments.get(learner=learner).is_active


def test_enrol_view_shows_the_refusal(client, learner, association):
    from courses.models import EnrolmentMode
    from tests.courses.factories import course_create

    closed = course_create(issuer=association, enrolment_mode=EnrolmentMode.CLOSED)
    client.force_login(learner)
    response = client.post(reverse("courses:enrol", args=[closed.pk]), follow=True)
    assert "by invitation" in response.content.decode()
    assert not closed.enrolments.exists()


def test_enrol_view_requires_login(client, course):
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert "/accounts/login/" in response["Location"]


def test_the_enrolment_and_the_completion_are_read_in_one_query_as_course_progress_reads_them(
    outsider, enrolled, course, reading_lesson, django_assert_num_queries
):
    from courses.models import CourseCompletion
    from courses.permissions import enrolment_with_completion

    with django_assert_num_queries(1):
        assert enrolment_with_completion(user=outsider, course=course) == (False, None)
    assert enrolment_with_completion(user=enrolled, course=course) == (True, None)
    completion = CourseCompletion.objects.create(learner=enrolled, course=course, language="en")
    with django_assert_num_queries(1):
        is_enrolled, read = enrolment_with_completion(user=enrolled, course=course)
    assert is_enrolled
    assert (read.pk, read.learner_id, read.course_id, read.completed_at, read.language) == (
        completion.pk,
        enrolled.pk,
        course.pk,
        completion.completed_at,
        "en",
    )
    assert course_progress(user=enrolled, course=course, completion=read).percent == 100
    assert course_progress(user=enrolled, course=course).completion == completion
    enrolment_leave(learner=enrolled, course=course)
    assert enrolment_with_completion(user=enrolled, course=course) == (False, None)


def test_a_completed_course_shows_as_completed_on_its_lesson(client, enrolled, course, reading_lesson):
    from courses.models import CourseCompletion

    client.force_login(enrolled)
    assert client.get(reading_lesson.url).context["progress"].completion is None
    CourseCompletion.objects.create(learner=enrolled, course=course, language="en")

    progress = client.get(reading_lesson.url).context["progress"]

    assert progress.completion is not None and progress.percent == 100
