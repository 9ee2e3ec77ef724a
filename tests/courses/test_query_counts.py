"""Pages cost the same number of queries with 3 and with 60 courses, lessons and enrolments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Skill
from courses.services import enrolment_create, lesson_complete, lesson_visit_record
from tests.courses.factories import catalogue, course_create, lesson_create, quiz_block
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm the site, content type and session caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_catalogue_costs_the_same_with_3_and_60_courses(client, association, learner):
    skills = list(Skill.objects.all()[:3])

    def add_courses(n):
        for _ in range(n):
            course = course_create(issuer=association, skills=skills)
            enrolment_create(learner=learner, course=course)

    client.force_login(learner)
    add_courses(3)
    small = _queries(client, catalogue().url)
    add_courses(57)
    assert _queries(client, catalogue().url) == small


def test_the_course_page_costs_the_same_with_3_and_60_lessons_and_enrolments(client, association, learner, trainer):
    course = course_create(issuer=association, trainers=[trainer], skills=list(Skill.objects.all()[:4]))
    enrolment_create(learner=learner, course=course)

    def add(n):
        for _ in range(n):
            lesson = lesson_create(course, section="Part")
            lesson_complete(learner=learner, lesson=lesson)
            enrolment_create(learner=UserFactory(), course=course)

    client.force_login(learner)
    add(3)
    small = _queries(client, course.url)
    add(57)
    assert _queries(client, course.url) == small


def test_the_lesson_page_costs_the_same_with_3_and_60_lessons(client, association, learner):
    course = course_create(issuer=association)
    enrolment_create(learner=learner, course=course)
    lesson = lesson_create(course, body=[quiz_block(block_id="q", attempt_limit=0)])

    def add(n):
        for _ in range(n):
            other = lesson_create(course)
            lesson_visit_record(learner=learner, lesson=other)
            enrolment_create(learner=UserFactory(), course=course)

    client.force_login(learner)
    add(2)
    small = _queries(client, lesson.url)
    add(57)
    assert _queries(client, lesson.url) == small


def test_my_learning_costs_the_same_with_3_and_60_enrolments(client, association, learner):
    def add(n):
        for _ in range(n):
            course = course_create(issuer=association)
            lesson = lesson_create(course)
            lesson_create(course)
            enrolment_create(learner=learner, course=course)
            lesson_visit_record(learner=learner, lesson=lesson)

    client.force_login(learner)
    add(3)
    url = reverse("courses:learning")
    small = _queries(client, url)
    add(57)
    assert _queries(client, url) == small
