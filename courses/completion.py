"""The completion rule of a course: one object decides completion (``is_met``) and states it in words (``describe``).

Pure: built from a course's lessons (tree order, any of its translations: they share translation keys) and
asked with the translation keys of the lessons a learner completed. Lessons are named by their number in the
outline, so the rule reads the same in every language. Only required lessons count; a required lesson with a
quiz or a graded H5P activity completes when they are passed. Optional lessons never hold completion back.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Step:
    number: int  # the lesson's number in the course outline
    key: object  # the lesson's translation key
    quizzes: int = 0
    activities: int = 0  # graded H5P activities

    @property
    def is_graded(self) -> bool:
        return bool(self.quizzes or self.activities)


@dataclass(frozen=True)
class CompletionRule:
    steps: tuple[Step, ...]
    optional: tuple[int, ...] = ()

    @property
    def keys(self) -> list:
        return [step.key for step in self.steps]

    def is_met(self, completed_keys) -> bool:
        """True when every required lesson is complete (a course without required lessons never completes)."""
        return bool(self.steps) and all(step.key in completed_keys for step in self.steps)

    def done(self, completed_keys) -> int:
        return sum(1 for step in self.steps if step.key in completed_keys)

    def describe(self) -> str:
        """The rule as a sentence in the active language: "Complete lessons 1-3 and pass the quiz in lesson 4." """
        if not self.steps:
            return _("This course has no required lessons yet, so it cannot be completed.")
        parts = []
        reading = [step.number for step in self.steps if not step.is_graded]
        if reading:
            parts.append(
                ngettext("complete lesson %(numbers)s", "complete lessons %(numbers)s", min(len(reading), 2))
                % {"numbers": numbers_text(reading)}
            )
        for step in self.steps:
            if step.is_graded:
                parts.append(_graded_phrase(step))
        sentence = capfirst(list_text(parts)) + "."
        if self.optional:
            sentence += " " + ngettext(
                "Lesson %(numbers)s is optional.", "Lessons %(numbers)s are optional.", min(len(self.optional), 2)
            ) % {"numbers": numbers_text(list(self.optional))}
        return sentence


def _graded_phrase(step: Step) -> str:
    if step.quizzes and step.activities:
        return _("pass the quizzes and activities in lesson %(number)s") % {"number": step.number}
    if step.quizzes:
        return ngettext(
            "pass the quiz in lesson %(number)s", "pass the quizzes in lesson %(number)s", min(step.quizzes, 2)
        ) % {"number": step.number}
    return ngettext(
        "pass the activity in lesson %(number)s", "pass the activities in lesson %(number)s", min(step.activities, 2)
    ) % {"number": step.number}


def list_text(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' in the active language."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def numbers_text(numbers: list[int]) -> str:
    """Lesson numbers with runs shortened: [1, 2, 3, 5] -> "1-3 and 5" (with an en dash)."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    items: list[str] = []
    for run in runs:
        items.extend([f"{run[0]}\u2013{run[-1]}"] if len(run) > 2 else map(str, run))
    return list_text(items)


def completion_rule(lessons) -> CompletionRule:
    """The rule of a course from its live lessons in tree order (no queries: the bodies are read raw)."""
    steps = []
    optional = []
    for number, lesson in enumerate(lessons, start=1):
        if not lesson.required:
            optional.append(number)
            continue
        quizzes = activities = 0
        for item in lesson.body.raw_data:
            if item["type"] == "quiz":
                quizzes += 1
            elif item["type"] == "h5p" and (item.get("value") or {}).get("graded"):
                activities += 1
        steps.append(Step(number=number, key=lesson.translation_key, quizzes=quizzes, activities=activities))
    return CompletionRule(steps=tuple(steps), optional=tuple(optional))
