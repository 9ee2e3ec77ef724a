"""Trainers author in Wagtail: the page types sit where they belong, edit forms open, drafts preview."""

import pytest
from django.urls import reverse

from cms.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.courses.factories import catalogue, home_page, lesson_create, quiz_block

pytestmark = pytest.mark.django_db


def test_page_types_declare_where_they_live():
    assert CourseIndexPage.parent_page_types == ["cms.HomePage"]
    assert CoursePage.can_create_at(CourseIndexPage())
    assert not CoursePage.can_create_at(HomePage())
    assert LessonPage.can_create_at(CoursePage())
    assert not LessonPage.can_create_at(CourseIndexPage())
    assert LessonPage.subpage_types == []


def test_the_admin_opens_the_add_forms_for_courses_and_lessons(client, editor, course):
    client.force_login(editor)
    add_course = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue().pk])
    add_lesson = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])
    assert client.get(add_course).status_code == 200
    response = client.get(add_lesson)
    assert response.status_code == 200
    assert "Quiz" in response.content.decode()


def test_a_draft_lesson_is_previewed_without_enrolment(editor, course):
    """Preview (Wagtail's) shows the draft body; the quiz shows its questions but no answer sheet."""
    lesson = lesson_create(course, body=[quiz_block(block_id="q")])
    lesson.title = "Draft title"
    revision = lesson.save_revision(user=editor)
    draft = revision.as_object()
    response = draft.make_preview_request()
    assert response.status_code == 200
    content = response.content.decode()
    assert "Draft title" in content
    assert "Which source is primary?" in content
    assert "attempt_token" not in content


def test_the_admin_edits_and_publishes_a_course_revision(client, editor, course):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code == 200
    course.title = "Checking sources, second edition"
    course.save_revision(user=editor).publish()
    course.refresh_from_db()
    assert course.title == "Checking sources, second edition"
    assert course.revisions.count() >= 1


def test_the_catalogue_home_is_the_home_page(course):
    assert catalogue().get_parent().specific == home_page()


def test_the_skills_framework_is_edited_as_snippets(client, editor):
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_courses_skill:list"))
    assert response.status_code == 200
    assert "Fact-checking and verification" in response.content.decode()
    assert client.get(reverse("wagtailsnippets_courses_skill:add")).status_code == 200


def test_a_lesson_never_published_is_previewed(editor, course):
    """A new lesson is not in the live outline yet; its preview still renders, in its place in the outline."""
    lesson_create(course, title="Published lesson")
    lesson = lesson_create(course, title="Unpublished lesson")
    lesson.unpublish()
    response = lesson.make_preview_request()
    assert response.status_code == 200
    assert "Unpublished lesson" in response.content.decode()
