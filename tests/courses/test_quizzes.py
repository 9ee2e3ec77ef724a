"""Quizzes are graded on the server; the browser never sees the answer key; refusals write nothing."""

import pytest
from django.urls import reverse

from accounts.refusals import Refusal
from courses.blocks import QuizBlock
from courses.models import QuizAttempt
from courses.quizzes import quiz_token_make
from courses.services import quiz_attempt_submit
from tests.courses.factories import course_create, lesson_create, question, quiz_block
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = {"q0": ["0"], "q1": ["0"]}
WRONG = {"q0": ["1"], "q1": ["1"]}


def _token(user, lesson, number=1, block_id="quiz-1"):
    return quiz_token_make(learner_id=user.pk, lesson_id=lesson.pk, block_id=block_id, number=number)


def _submit(user, lesson, data, *, number=1, block_id="quiz-1", token=None):
    return quiz_attempt_submit(
        learner=user,
        lesson_id=lesson.pk,
        block_id=block_id,
        token=token or _token(user, lesson, number, block_id),
        data=data,
    )


def _quiz_html(correct_first: bool) -> str:
    block = QuizBlock()
    value = block.to_python(
        quiz_block(
            questions=[
                question("Pick one", [("Alpha", correct_first), ("Beta", not correct_first)]),
                question("Pick all", [("Gamma", True), ("Delta", correct_first)], kind="multiple"),
            ]
        )["value"]
    )
    state = {"block_id": "b", "action": "/x/", "token": "t", "can_attempt": True, "enrolled": True, "used": 0}
    return block.render(value, context={"quiz": state})


def test_the_rendered_quiz_does_not_depend_on_the_answer_key():
    """Two quizzes that differ only in which options are correct render to the same HTML."""
    first, second = _quiz_html(True), _quiz_html(False)
    assert first == second
    assert "Gamma" in first
    assert "correct" not in first.lower()


def test_the_lesson_page_shows_the_questions_but_not_the_key(client, enrolled, quiz_lesson):
    client.force_login(enrolled)
    content = client.get(quiz_lesson.url).content.decode()
    assert "Which source is primary?" in content
    assert "The original dataset" in content
    assert "correct" not in content.lower()
    assert 'name="attempt_token"' in content


def test_right_answers_pass_and_complete_the_lesson(enrolled, quiz_lesson):
    attempt = _submit(enrolled, quiz_lesson, RIGHT)
    assert (attempt.number, attempt.score, attempt.passed) == (1, 100, True)
    assert attempt.results == [{"correct": True}, {"correct": True}]
    assert quiz_lesson.progress.get(learner=enrolled).completed_at is not None


def test_a_partly_right_sheet_is_scored_in_percent(enrolled, quiz_lesson):
    attempt = _submit(enrolled, quiz_lesson, {"q0": ["0"], "q1": ["1"]})
    assert (attempt.score, attempt.passed) == (50, True)  # the pass mark is 50%


def test_wrong_answers_do_not_pass(enrolled, quiz_lesson):
    attempt = _submit(enrolled, quiz_lesson, WRONG)
    assert (attempt.score, attempt.passed) == (0, False)
    assert not quiz_lesson.progress.filter(completed_at__isnull=False).exists()


def test_feedback_is_shown_after_submission(client, enrolled, quiz_lesson):
    client.force_login(enrolled)
    url = reverse("courses:quiz_submit", args=[quiz_lesson.pk, "quiz-1"])
    response = client.post(url, {**WRONG, "attempt_token": _token(enrolled, quiz_lesson)}, follow=True)
    content = response.content.decode()
    assert "You scored 0%: not passed yet." in content
    assert "Attempt 1: 0% — not passed." in content
    assert "The dataset is the source itself." in content
    assert "Attempts used: 1 of 2." in content


def test_the_attempt_limit_refuses_further_attempts(enrolled, quiz_lesson):
    _submit(enrolled, quiz_lesson, WRONG, number=1)
    _submit(enrolled, quiz_lesson, WRONG, number=2)
    with pytest.raises(Refusal, match="all your attempts"):
        _submit(enrolled, quiz_lesson, RIGHT, number=3)
    assert QuizAttempt.objects.count() == 2


def test_a_zero_attempt_limit_allows_unlimited_attempts(enrolled, course):
    lesson = lesson_create(course, body=[quiz_block(block_id="free", attempt_limit=0)])
    for number in range(1, 5):
        _submit(enrolled, lesson, WRONG, number=number, block_id="free")
    assert QuizAttempt.objects.filter(block_id="free").count() == 4


def test_answers_for_another_attempt_are_refused(enrolled, quiz_lesson):
    """A sheet issued for attempt 1 cannot be replayed as attempt 2, nor a future sheet used early."""
    sheet = _token(enrolled, quiz_lesson, 1)
    _submit(enrolled, quiz_lesson, WRONG, token=sheet)
    with pytest.raises(Refusal, match="already submitted"):
        _submit(enrolled, quiz_lesson, RIGHT, token=sheet)
    with pytest.raises(Refusal, match="another attempt"):
        _submit(enrolled, quiz_lesson, RIGHT, number=5)
    assert QuizAttempt.objects.count() == 1


def test_answers_on_another_learners_sheet_are_refused(enrolled, course, quiz_lesson):
    other = UserFactory()
    from courses.services import enrolment_create

    enrolment_create(learner=other, course=course)
    with pytest.raises(Refusal, match="another quiz or another person"):
        _submit(enrolled, quiz_lesson, RIGHT, token=_token(other, quiz_lesson))
    assert not QuizAttempt.objects.exists()


def test_answers_for_another_lesson_or_quiz_are_refused(enrolled, course, quiz_lesson, reading_lesson):
    with pytest.raises(Refusal):
        _submit(enrolled, quiz_lesson, RIGHT, token=_token(enrolled, reading_lesson))
    with pytest.raises(Refusal):
        _submit(enrolled, quiz_lesson, RIGHT, token=_token(enrolled, quiz_lesson, block_id="quiz-2"))
    with pytest.raises(Refusal, match="no longer part"):
        _submit(enrolled, quiz_lesson, RIGHT, block_id="not-a-block")
    with pytest.raises(Refusal, match="not valid"):
        _submit(enrolled, quiz_lesson, RIGHT, token="forged:token")
    assert not QuizAttempt.objects.exists()


def test_a_learner_who_is_not_enrolled_cannot_submit(client, learner, quiz_lesson):
    client.force_login(learner)
    url = reverse("courses:quiz_submit", args=[quiz_lesson.pk, "quiz-1"])
    response = client.post(url, {**RIGHT, "attempt_token": _token(learner, quiz_lesson)}, follow=True)
    assert "Enrol in this course to take its quizzes." in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_quiz_submission_requires_login(client, quiz_lesson):
    url = reverse("courses:quiz_submit", args=[quiz_lesson.pk, "quiz-1"])
    assert "/accounts/login/" in client.post(url, RIGHT)["Location"]


@pytest.mark.parametrize(
    "data",
    [{"q0": ["0"]}, {"q0": ["0", "1"], "q1": ["0"]}, {"q0": ["7"], "q1": ["0"]}, {"q0": ["x"], "q1": ["0"]}],
    ids=["unanswered", "two-answers-to-single-choice", "unknown-option", "not-a-number"],
)
def test_incomplete_or_malformed_answers_are_refused_without_using_an_attempt(enrolled, quiz_lesson, data):
    with pytest.raises(Refusal):
        _submit(enrolled, quiz_lesson, data)
    assert not QuizAttempt.objects.exists()


def test_multiple_choice_needs_exactly_the_correct_options(enrolled, association):
    from courses.services import enrolment_create

    course = course_create(issuer=association)
    lesson = lesson_create(
        course,
        body=[
            quiz_block(
                block_id="multi",
                pass_mark=100,
                questions=[
                    question(
                        "Open licences", [("CC BY", True), ("CC BY-SA", True), ("All rights", False)], kind="multiple"
                    )
                ],
            )
        ],
    )
    enrolment_create(learner=enrolled, course=course)
    assert not _submit(enrolled, lesson, {"q0": ["0"]}, block_id="multi").passed
    assert _submit(enrolled, lesson, {"q0": ["0", "1"]}, number=2, block_id="multi").passed


def test_grading_uses_the_live_lesson_not_a_draft(enrolled, quiz_lesson):
    """An unpublished edit of the answer key does not change grading."""
    draft = quiz_lesson.specific
    raw = list(draft.body.raw_data)
    raw[0]["value"]["questions"][0]["options"][0]["correct"] = False
    raw[0]["value"]["questions"][0]["options"][1]["correct"] = True
    draft.body = raw
    draft.save_revision()  # saved as a draft, not published
    assert _submit(enrolled, quiz_lesson, RIGHT).score == 100


def test_question_validation_requires_a_correct_option():
    from django.core.exceptions import ValidationError

    from courses.blocks import QuestionBlock

    block = QuestionBlock()
    value = block.to_python(question("No key", [("A", False), ("B", False)]))
    with pytest.raises(ValidationError):
        block.clean(value)
    tf = block.to_python(question("Three", [("True", True), ("False", False), ("Maybe", False)], kind="true_false"))
    with pytest.raises(ValidationError):
        block.clean(tf)


def _lesson_html(client, user, lesson) -> str:
    client.force_login(user)
    return client.get(lesson.url).content.decode()


def _checked(content: str) -> set[str]:
    """The ids of the inputs rendered as checked."""
    import re

    return set(re.findall(r'<input [^>]*id="([^"]+)"[^>]*\bchecked\b', content))


def test_a_failed_attempt_marks_only_the_wrong_answers_and_explains_only_those(client, enrolled, course):
    lesson = lesson_create(
        course,
        body=[
            quiz_block(
                block_id="teach",
                pass_mark=100,
                questions=[
                    question("First", [("A", True), ("B", False)], feedback="Explains the first."),
                    question("Second", [("C", False), ("D", True)], feedback="Explains the second."),
                ],
            )
        ],
    )
    _submit(enrolled, lesson, {"q0": ["0"], "q1": ["0"]}, block_id="teach")  # first right, second wrong
    content = _lesson_html(client, enrolled, lesson)
    assert "Attempt 1: 50% — not passed." in content
    assert content.count("Not correct") == 2  # the second question's mark, and the hint that names the mark
    assert "Explains the second." in content
    assert "Explains the first." not in content
    assert _checked(content) == {"quiz-teach-0-0", "quiz-teach-1-0"}  # the learner's selections are kept
    assert "Submit answers" in content


def test_what_a_failed_attempt_shows_does_not_depend_on_the_key_of_the_other_options():
    """A wrong answer says it is wrong; which of the other options is right is not in the page."""
    from types import SimpleNamespace

    from courses.quizzes import quiz_sheet

    def html(correct_index):
        options = [("A", False), ("B", correct_index == 1), ("C", correct_index == 2)]
        raw = quiz_block(questions=[question("Pick", options, feedback="Think again.")])["value"]
        value = QuizBlock().to_python(raw)
        attempt = SimpleNamespace(number=1, score=0, passed=False, answers={"0": [0]}, results=[{"correct": False}])
        state = {"block_id": "b", "can_attempt": True, "enrolled": True, "used": 1, "limit": 2, "last": attempt}
        state["questions"] = quiz_sheet(quiz=value, attempt=attempt)
        return QuizBlock().render(value, context={"quiz": state})

    assert html(1) == html(2)
    assert "Think again." in html(1)


def test_once_passed_the_quiz_offers_a_review_and_no_submit(client, enrolled, quiz_lesson):
    _submit(enrolled, quiz_lesson, WRONG, number=1)
    _submit(enrolled, quiz_lesson, RIGHT, number=2)
    content = _lesson_html(client, enrolled, quiz_lesson)
    assert "Submit answers" not in content
    assert 'name="attempt_token"' not in content
    assert "Review your answers" in content
    assert "Attempt 2: 100% — passed." in content
    assert "The dataset is the source itself." in content  # the review explains every question
    assert _checked(content) == {"quiz-quiz-1-0-0", "quiz-quiz-1-1-0"}  # the passing attempt's selections
    review = content[content.index("Review your answers") :]
    assert review.count("<fieldset") == review.count('<fieldset class="quiz__question" disabled')


def test_a_passed_quiz_refuses_another_attempt_and_writes_nothing(client, enrolled, quiz_lesson):
    _submit(enrolled, quiz_lesson, RIGHT, number=1)
    with pytest.raises(Refusal, match="already passed"):
        _submit(enrolled, quiz_lesson, WRONG, number=2)
    client.force_login(enrolled)
    url = reverse("courses:quiz_submit", args=[quiz_lesson.pk, "quiz-1"])
    response = client.post(url, {**WRONG, "attempt_token": _token(enrolled, quiz_lesson, 2)}, follow=True)
    assert "You have already passed this quiz." in response.content.decode()
    assert list(QuizAttempt.objects.values_list("number", "passed")) == [(1, True)]


def test_when_the_attempts_are_used_up_the_last_answers_stay_visible_read_only(client, enrolled, quiz_lesson):
    _submit(enrolled, quiz_lesson, WRONG, number=1)
    _submit(enrolled, quiz_lesson, {"q0": ["1"], "q1": ["0"]}, number=2)  # 50% of a 50% pass mark passes
    QuizAttempt.objects.filter(number=2).update(passed=False, score=40)  # as if the pass mark had been higher
    content = _lesson_html(client, enrolled, quiz_lesson)
    assert "You have used all your attempts at this quiz." in content
    assert "Submit answers" not in content
    assert _checked(content) == {"quiz-quiz-1-0-1", "quiz-quiz-1-1-0"}


def test_a_quiz_without_a_title_is_headed_in_the_lessons_language():
    from django.utils import translation

    value = QuizBlock().to_python({**quiz_block()["value"], "title": ""})
    with translation.override("ru"):
        html = QuizBlock().render(value, context={"quiz": {"block_id": "b"}})
    assert "Проверьте себя" in html
    assert "Check your understanding" not in html
