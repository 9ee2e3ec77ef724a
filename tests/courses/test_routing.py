"""Courses and lessons are routed in one query per level: the same pages, refusals and 404s as Wagtail's routing,
with what the page needs next (the course's issuer, its live lessons, whether a page is its own original)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from courses.models import LessonProgress
from tests.courses.factories import course_create, lesson_create, translate

pytestmark = pytest.mark.django_db


def test_an_unknown_lesson_or_course_is_not_found(client, enrolled, course):
    client.force_login(enrolled)
    assert client.get(f"{course.url}no-such-lesson/").status_code == 404
    assert client.get(f"{course.url.rstrip('/')}-nope/").status_code == 404


def test_an_unpublished_lesson_is_not_found_and_is_not_in_the_outline(client, enrolled, course, reading_lesson):
    draft = lesson_create(course, title="Not ready yet")
    draft.unpublish()
    client.force_login(enrolled)
    assert client.get(f"{course.url}{draft.slug}/").status_code == 404
    html = client.get(reading_lesson.url).content.decode()
    assert "Not ready yet" not in html
    assert "Lesson 1 of 2" in html  # the two published lessons of the course fixture


def test_the_next_lesson_link_follows_the_outline(client, enrolled, reading_lesson, quiz_lesson):
    client.force_login(enrolled)
    html = client.get(reading_lesson.url).content.decode()
    assert f'rel="next" href="{quiz_lesson.url}"' in html


def test_a_translated_lesson_records_the_visit_on_its_original(client, enrolled, course, reading_lesson):
    russian_course = translate(course)
    russian_lesson = translate(reading_lesson)
    assert russian_course.canonical().pk == course.pk
    client.force_login(enrolled)
    assert client.get(russian_lesson.url).status_code == 200
    assert LessonProgress.objects.filter(learner=enrolled, lesson=reading_lesson).exists()
    assert not LessonProgress.objects.filter(lesson=russian_lesson).exists()


def test_prefetched_trainers_are_read_without_a_query(association, trainer, outsider):
    from django.db.models import prefetch_related_objects

    course = course_create(issuer=association, trainers=[trainer])
    prefetch_related_objects([course], "trainers")
    with CaptureQueriesContext(connection) as queries:
        assert roles.is_trainer_of(trainer, course)
        assert not roles.is_trainer_of(outsider, course)
    assert len(queries) == 0


def test_a_lesson_published_after_the_route_was_kept_joins_the_outline_at_once(
    client, enrolled, course, reading_lesson
):
    """Routes are kept (cms.routing) with the course's live lessons: publishing a page renews them."""
    client.force_login(enrolled)
    assert "Lesson 1 of 2" in client.get(reading_lesson.url).content.decode()

    lesson_create(course, title="Published later")

    html = client.get(reading_lesson.url).content.decode()
    assert "Lesson 1 of 3" in html
    assert "Published later" in client.get(course.url).content.decode()


def test_a_lesson_page_served_again_reads_no_page_to_route(client, enrolled, reading_lesson):
    client.force_login(enrolled)
    client.get(reading_lesson.url)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reading_lesson.url).status_code == 200

    assert not [query for query in queries.captured_queries if 'FROM "wagtailcore_page"' in query["sql"]]


def test_an_issuer_renamed_shows_on_the_kept_course_page_at_once(client, course):
    assert client.get(course.url).status_code == 200
    course.issuer.name = "Renamed Association"
    course.issuer.save()

    assert "Renamed Association" in client.get(course.url).content.decode()
