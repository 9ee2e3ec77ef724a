import pytest
from django.utils import translation

from courses.services import enrolment_create
from tests.courses.factories import course_create, lesson_create, quiz_block
from tests.factories import UserFactory


@pytest.fixture
def course(association, trainer):
    """An open course of `association`, taught by `trainer`: a reading lesson and a quiz lesson."""
    course = course_create(issuer=association, title="Checking sources", trainers=[trainer])
    lesson_create(course, title="Why sources matter")
    lesson_create(course, title="Quiz time", body=[quiz_block(block_id="quiz-1")])
    return course


@pytest.fixture
def reading_lesson(course):
    return course.get_children().specific().get(title="Why sources matter")


@pytest.fixture
def quiz_lesson(course):
    return course.get_children().specific().get(title="Quiz time")


@pytest.fixture
def enrolled(learner, course):
    enrolment_create(learner=learner, course=course)
    return learner


@pytest.fixture
def editor(db):
    """A site administrator, who edits any page in the Wagtail admin."""
    user = UserFactory(email="editor@example.org")
    user.is_superuser = True
    user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


@pytest.fixture(autouse=True)
def _english():
    """A /ru/ request leaves Russian active in the thread; messages asserted here are English."""
    translation.activate("en")
    yield
    translation.activate("en")
