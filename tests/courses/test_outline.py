"""The course outline: one heading per section, lessons numbered through the whole course."""

import re

import pytest

from tests.courses.factories import course_create, lesson_create


@pytest.fixture
def sectioned_course(association):
    course = course_create(issuer=association, title="Research data services")
    lesson_create(course, title="What research data is", section="Foundations")
    lesson_create(course, title="Data management plans", section="Foundations")
    lesson_create(course, title="Repositories")
    lesson_create(course, title="Licensing data", section="Sharing")
    return course


@pytest.mark.django_db
def test_a_heading_repeated_on_the_lessons_of_a_section_is_shown_once(client, sectioned_course):
    html = client.get(sectioned_course.url).content.decode()
    assert html.count("<h3>Foundations</h3>") == 1
    assert html.count("<h3>Sharing</h3>") == 1


@pytest.mark.django_db
def test_lessons_are_numbered_through_the_course_not_from_one_in_each_section(client, sectioned_course):
    html = client.get(sectioned_course.url).content.decode()
    assert re.findall(r'<ol class="lesson-outline" start="(\d+)">', html) == ["1", "4"]
