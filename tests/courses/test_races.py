"""Races on a real database: two submissions of one answer sheet at the same moment record one attempt."""

import pytest

from accounts.refusals import Refusal
from certificates.models import Certificate
from courses.models import CourseCompletion, QuizAttempt
from courses.services import enrolment_create, lesson_complete, quiz_attempt_submit
from tests.courses.factories import course_create, lesson_create, quiz_block
from tests.courses.test_quizzes import RIGHT, _token
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_submission_at_the_same_moment_records_one_attempt_one_completion_one_certificate(
    learner, association
):
    course = course_create(issuer=association)
    reading = lesson_create(course)
    quiz = lesson_create(course, body=[quiz_block(block_id="quiz-1")])
    enrolment_create(learner=learner, course=course)
    lesson_complete(learner=learner, lesson=reading)
    sheet = _token(learner, quiz)

    def submit(_index):
        try:
            quiz_attempt_submit(learner=learner, lesson_id=quiz.pk, block_id="quiz-1", token=sheet, data=RIGHT)
        except Refusal:
            return "refused"
        return "recorded"

    outcomes, errors = race(2, submit)
    assert errors == []

    assert "recorded" in outcomes
    assert QuizAttempt.objects.count() == 1
    assert CourseCompletion.objects.filter(learner=learner, course=course).count() == 1
    assert Certificate.objects.filter(recipient=learner).count() == 1
