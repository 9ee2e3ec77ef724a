"""Quizzes: the per-attempt answer sheet token and grading against the live block value."""

from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from accounts.refusals import Refusal
from courses.blocks import QuestionBlock

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
        if any(choice < 0 or choice >= len(question["options"]) for choice in chosen):
            raise Refusal.invalid(_("An answer does not match the options of the question."))
        if not chosen:
            raise Refusal.invalid(_("Answer question %(number)d.") % {"number": index + 1})
        if question["kind"] != QuestionBlock.MULTIPLE and len(chosen) != 1:
            raise Refusal.invalid(_("Choose one answer for question %(number)d.") % {"number": index + 1})
        answers[str(index)] = chosen
    return answers


def quiz_grade(*, quiz, answers: dict[str, list[int]]) -> Grade:
    """A question is right when the chosen options are exactly the correct ones. Score in whole percent."""
    results = []
    for index, question in enumerate(quiz["questions"]):
        key = sorted(i for i, option in enumerate(question["options"]) if option["correct"])
        results.append({"correct": answers.get(str(index), []) == key})
    total = len(results)
    right = sum(1 for result in results if result["correct"])
    score = round(100 * right / total) if total else 0
    return Grade(answers=answers, results=results, score=score, passed=score >= quiz["pass_mark"])
