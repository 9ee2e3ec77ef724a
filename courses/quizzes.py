"""Quizzes: question kinds and their options, the per-attempt answer sheet token, grading against the live
block value, and what a learner is shown of an attempt (which answers were wrong, never the key of the others)."""

from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.refusals import Refusal

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
KIND_CHOICES = [
    (SINGLE, gettext_lazy("Single choice")),
    (MULTIPLE, gettext_lazy("Multiple choice")),
    (TRUE_FALSE, gettext_lazy("True or false")),
]
TRUE, FALSE = "true", "false"

TOKEN_SALT = "courses.quiz-attempt"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 7 * 24 * 3600


def quiz_token_make(*, learner_id: int, lesson_id: int, block_id: str, number: int) -> str:
    """Binds an answer sheet to one learner, lesson, quiz block and attempt number."""
    return signing.dumps({"u": learner_id, "l": lesson_id, "b": block_id, "n": number}, salt=TOKEN_SALT)


def quiz_token_check(*, token: str, learner_id: int, lesson_id: int, block_id: str) -> int:
    """The attempt number the token was issued for; refuses tokens of other learners, lessons or quizzes."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise Refusal.invalid(_("This answer sheet has expired. Reload the lesson and answer again.")) from error
    except signing.BadSignature as error:
        raise Refusal.invalid(_("This answer sheet is not valid. Reload the lesson and answer again.")) from error
    if payload.get("u") != learner_id or payload.get("l") != lesson_id or payload.get("b") != block_id:
        raise Refusal.invalid(_("These answers belong to another quiz or another person."))
    number = payload.get("n")
    if not isinstance(number, int) or number < 1:
        raise Refusal.invalid(_("This answer sheet is not valid. Reload the lesson and answer again."))
    return number


def question_options(question) -> list[dict]:
    """The options a question offers, in order: ``{"text", "correct"}``.

    A true-or-false question has the two fixed options True and False (in the active language), the correct one
    chosen by its ``answer``; one saved before ``answer`` existed keeps the two options typed by hand.
    """
    if question["kind"] == TRUE_FALSE and question.get("answer") in (TRUE, FALSE):
        return [
            {"text": _("True"), "correct": question["answer"] == TRUE},
            {"text": _("False"), "correct": question["answer"] == FALSE},
        ]
    return [{"text": option["text"], "correct": bool(option["correct"])} for option in question["options"]]


@dataclass(frozen=True)
class Grade:
    answers: dict[str, list[int]]
    results: list[dict]
    score: int
    passed: bool


def quiz_answers_parse(*, quiz, data: dict[str, list[str]]) -> dict[str, list[int]]:
    """Option indices per question index; refuses unanswered single-answer questions and unknown options."""
    answers: dict[str, list[int]] = {}
    for index, question in enumerate(quiz["questions"]):
        raw = data.get(f"q{index}", [])
        try:
            chosen = sorted({int(value) for value in raw})
        except (TypeError, ValueError) as error:
            raise Refusal.invalid(_("An answer does not match the options of the question.")) from error
        if any(choice < 0 or choice >= len(question_options(question)) for choice in chosen):
            raise Refusal.invalid(_("An answer does not match the options of the question."))
        if not chosen:
            raise Refusal.invalid(_("Answer question %(number)d.") % {"number": index + 1})
        if question["kind"] != MULTIPLE and len(chosen) != 1:
            raise Refusal.invalid(_("Choose one answer for question %(number)d.") % {"number": index + 1})
        answers[str(index)] = chosen
    return answers


def quiz_grade(*, quiz, answers: dict[str, list[int]]) -> Grade:
    """A question is right when the chosen options are exactly the correct ones. Score in whole percent."""
    results = []
    for index, question in enumerate(quiz["questions"]):
        key = sorted(i for i, option in enumerate(question_options(question)) if option["correct"])
        results.append({"correct": answers.get(str(index), []) == key})
    total = len(results)
    right = sum(1 for result in results if result["correct"])
    score = round(100 * right / total) if total else 0
    return Grade(answers=answers, results=results, score=score, passed=score >= quiz["pass_mark"])


def quiz_sheet(*, quiz, attempt=None, explain_all: bool = False) -> list[dict]:
    """The questions as a learner sees them, with their selections in ``attempt`` (a QuizAttempt) kept.

    After an attempt each question says whether the learner's answer was right; the explanation is shown for the
    wrong ones only (all of them with ``explain_all``, for the review of a passed quiz). Never which option is
    correct: a learner who failed learns what to rethink, not the key.
    """
    answers = attempt.answers if attempt is not None else {}
    results = attempt.results if attempt is not None else []
    sheet = []
    for index, question in enumerate(quiz["questions"]):
        chosen = set(answers.get(str(index), []))
        right = results[index]["correct"] if attempt is not None and index < len(results) else None
        explained = right is not None and (explain_all or not right)
        sheet.append(
            {
                "index": index,
                "number": index + 1,
                "text": question["text"],
                "multiple": question["kind"] == MULTIPLE,
                "options": [
                    {"index": number, "text": option["text"], "checked": number in chosen}
                    for number, option in enumerate(question_options(question))
                ],
                "right": right,
                "explanation": (question.get("feedback") or "") if explained else "",
            }
        )
    return sheet
