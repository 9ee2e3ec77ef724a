"""Issue 8, finding 3: the course page states the completion rule, in words made by the object that decides it."""

import uuid
from types import SimpleNamespace

import pytest
from django.utils import translation

from courses.completion import completion_rule, numbers_text
from courses.models import CourseCompletion
from courses.selectors import course_lessons
from courses.services import enrolment_create, lesson_complete
from tests.courses.factories import course_create, lesson_create, quiz_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(association):
    """Lessons 1-3 to read, a quiz in lesson 4, an optional lesson 5 with a quiz of its own."""
    course = course_create(issuer=association)
    for _ in range(3):
        lesson_create(course)
    lesson_create(course, body=[quiz_block(block_id="q4")])
    lesson_create(course, required=False, body=[quiz_block(block_id="q5")])
    course.refresh_from_db()
    return course


def test_the_rule_reads_as_the_issue_asks(course):
    rule = completion_rule(course_lessons(course=course))
    assert rule.describe() == "Complete lessons 1\u20133 and pass the quiz in lesson 4. Lesson 5 is optional."


def test_the_rule_reads_in_russian(course):
    rule = completion_rule(course_lessons(course=course))
    with translation.override("ru"):
        text = rule.describe()
    assert text == "Пройдите уроки 1\u20133 и сдайте тест в уроке 4. Урок 5 необязательный."


def test_the_rule_that_is_described_is_the_rule_that_decides(course, learner):
    """Reading lessons 1-3 done: not met; the optional lesson's quiz is never needed."""
    lessons = course_lessons(course=course)
    rule = completion_rule(lessons)
    enrolment_create(learner=learner, course=course)
    for lesson in lessons[:3]:
        assert lesson_complete(learner=learner, lesson=lesson) is None
    assert not rule.is_met({lesson.translation_key for lesson in lessons[:3]})
    assert rule.is_met({lesson.translation_key for lesson in lessons[:4]})
    assert not CourseCompletion.objects.exists()


def _lesson(*types, required=True, graded=True):
    """A stand-in with what the rule reads: the flag, the raw body and the translation key."""
    raw = [{"type": kind, "id": str(n), "value": {"graded": graded}} for n, kind in enumerate(types)]
    return SimpleNamespace(required=required, body=SimpleNamespace(raw_data=raw), translation_key=uuid.uuid4())


def test_graded_activities_and_lists_of_lessons():
    lessons = [_lesson("paragraph"), _lesson("h5p"), _lesson("h5p", graded=False), _lesson("quiz", "quiz")]
    text = completion_rule(lessons).describe()
    assert text == ("Complete lessons 1 and 3, pass the activity in lesson 2 and pass the quizzes in lesson 4.")


def test_a_course_without_required_lessons_says_it_cannot_be_completed(association):
    course = course_create(issuer=association)
    lesson_create(course, required=False)
    course.refresh_from_db()
    assert "cannot be completed" in completion_rule(course_lessons(course=course)).describe()


def test_numbers_are_shortened_to_runs():
    assert numbers_text([1, 2, 3, 5, 7, 8]) == "1\u20133, 5, 7 and 8"


def test_the_course_page_states_the_rule_to_everyone(client, course, learner):
    content = client.get(course.url).content.decode()
    assert "Complete lessons 1\u20133 and pass the quiz in lesson 4." in content
    client.force_login(learner)
    enrolment_create(learner=learner, course=course)
    assert "pass the quiz in lesson 4" in client.get(course.url).content.decode()
