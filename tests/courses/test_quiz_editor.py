"""The quiz editor: single choice, multiple choice and true or false (two fixed options, not typed by hand).

A new choice question starts with two options; bad input is refused with a message that says what to fix, and
nothing is saved.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.blocks import QuestionBlock, QuizBlock
from courses.quizzes import question_options, quiz_answers_parse, quiz_grade
from courses.services import enrolment_create
from tests.courses.admin_posts import edit_url, form_data, publish
from tests.courses.factories import lesson_create, question, quiz_block

pytestmark = pytest.mark.django_db


def _clean(**fields):
    block = QuestionBlock()
    value = {"kind": "single", "text": "A question", "answer": "", "options": [], "feedback": "", **fields}
    return block.clean(block.to_python(value))


def _errors(**fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        _clean(**fields)
    return {name: " ".join(error.messages) for name, error in caught.value.block_errors.items()}


def test_a_new_question_starts_with_two_empty_options():
    default = QuestionBlock().get_default()
    assert [option["text"] for option in default["options"]] == ["", ""]


def test_the_three_kinds_are_offered():
    assert [value for value, _label in QuestionBlock().child_blocks["kind"].field.choices if value] == [
        "single",
        "multiple",
        "true_false",
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"options": [{"text": "Only one", "correct": True}]}, "options", "at least two options"),
        ({"options": [{"text": "A", "correct": True}, {"text": "", "correct": False}]}, "options", "needs a text"),
        ({"options": [{"text": "A", "correct": True}, {"text": "B", "correct": True}]}, "options", "exactly one"),
        ({"kind": "multiple", "options": [{"text": "A", "correct": False}, {"text": "B"}]}, "options", "at least one"),
        ({"kind": "true_false", "answer": ""}, "answer", "true or false"),
    ],
    ids=["one-option", "empty-option", "two-correct-single", "no-correct-multiple", "true-false-without-answer"],
)
def test_bad_questions_are_refused_with_a_message_on_the_field_to_fix(fields, field, message):
    errors = _errors(**fields)
    assert list(errors) == [field]
    assert message in errors[field]


def test_a_true_or_false_question_needs_no_typed_options():
    """The two empty options a new question starts with are ignored once the kind is true or false."""
    value = _clean(kind="true_false", answer="false", options=[{"text": ""}, {"text": ""}])
    assert [(option["text"], option["correct"]) for option in question_options(value)] == [
        ("True", False),
        ("False", True),
    ]


def test_true_or_false_options_are_in_the_learners_language():
    value = question("Библиотеки хранят книги.", [], kind="true_false") | {"answer": "true"}
    with translation.override("ru"):
        assert [option["text"] for option in question_options(value)] == ["Истина", "Ложь"]


def test_a_true_or_false_question_is_graded_by_its_answer():
    quiz = quiz_block(questions=[question("Stated", [], kind="true_false") | {"answer": "false"}])["value"]
    assert quiz_grade(quiz=quiz, answers=quiz_answers_parse(quiz=quiz, data={"q0": ["1"]})).passed
    assert not quiz_grade(quiz=quiz, answers=quiz_answers_parse(quiz=quiz, data={"q0": ["0"]})).passed


def test_a_true_or_false_question_typed_by_hand_before_still_grades_as_written():
    quiz = quiz_block(questions=[question("Old", [("Yes", False), ("No", True)], kind="true_false")])["value"]
    assert [option["text"] for option in question_options(quiz["questions"][0])] == ["Yes", "No"]
    assert quiz_grade(quiz=quiz, answers={"0": [1]}).passed


def test_the_learner_sees_true_and_false_for_a_true_or_false_question(client, learner, course):
    quiz = quiz_block(block_id="tf", questions=[question("Shares prove accuracy.", [], kind="true_false")])
    quiz["value"]["questions"][0]["answer"] = "false"
    lesson = lesson_create(course, body=[quiz])
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    content = client.get(lesson.url).content.decode()
    assert '<label for="quiz-tf-0-0">True</label>' in content
    assert '<label for="quiz-tf-0-1">False</label>' in content


def test_the_quiz_preview_value_is_valid():
    block = QuizBlock()
    block.clean(block.to_python(block.meta.preview_value))


# The admin, as an editor posts it


def _list(items) -> dict:
    data = {"count": len(items)}
    for index, item in enumerate(items):
        data[str(index)] = {"value": item, "deleted": "", "order": index, "id": ""}
    return data


def _option(text, correct=False) -> dict:
    return {"text": text, "correct": "on"} if correct else {"text": text}


def _question(text, *, kind="single", answer="", options=()) -> dict:
    return {"kind": kind, "text": text, "answer": answer, "options": _list(list(options)), "feedback": ""}


def _post_quiz(client, lesson, *questions):
    data = form_data(client, edit_url(lesson), type(lesson.specific))
    body = streamfield(
        [
            (
                "quiz",
                {
                    "title": "",
                    "introduction": "",
                    "questions": _list(list(questions)),
                    "pass_mark": "70",
                    "attempt_limit": "3",
                },
            )
        ]
    )
    data.update(nested_form_data({"body": body}))
    return client.post(edit_url(lesson), publish(data))


def test_the_admin_saves_a_true_or_false_question_without_typed_options(client, editor, course):
    lesson = lesson_create(course)
    client.force_login(editor)
    response = _post_quiz(
        client,
        lesson,
        _question("Libraries lend books.", kind="true_false", answer="true", options=[_option(""), _option("")]),
        _question("Pick one", options=[_option("A", correct=True), _option("B")]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson.refresh_from_db()
    questions = lesson.body[0].value["questions"]
    assert [(q["kind"], q["answer"]) for q in questions] == [("true_false", "true"), ("single", "")]


def test_the_admin_refuses_a_choice_question_with_one_option_and_saves_nothing(client, editor, course):
    lesson = lesson_create(course)
    revisions = lesson.revisions.count()
    client.force_login(editor)
    response = _post_quiz(client, lesson, _question("Pick one", options=[_option("Only", correct=True)]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "A choice question needs at least two options." in content
    assert lesson.revisions.count() == revisions
    lesson.refresh_from_db()
    assert [block.block_type for block in lesson.body] == ["paragraph"]
