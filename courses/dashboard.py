"""The trainer's course dashboard, as reads: the roster, one learner's attempts and the gradebook.

Every read of the dashboard is here, against ``Enrolment``, ``LessonProgress``, ``QuizAttempt`` and the h5p app's
attempts as they are keyed today (by course page and lesson page), so a change of how enrolment is keyed is made in
one module. Each function costs a fixed number of queries, whatever the number of learners or attempts.

Graded activities are read from the lessons' raw stream data (no block ``to_python``, so no snippet queries): a
quiz block, or an H5P block marked graded, in outline order.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _

from courses.h5p_activities import context_key
from courses.models import CourseCompletion, CoursePage, Enrolment, LessonPage, LessonProgress, QuizAttempt
from courses.selectors import course_lessons, progress_build
from h5p.selectors import attempt_totals, attempts_in_contexts, package_titles

QUIZ = "quiz"
H5P = "h5p"


@dataclass(frozen=True)
class Activity:
    """A graded activity of a course: a quiz block, or a graded H5P block, of one lesson."""

    lesson: LessonPage
    block_id: str
    kind: str
    title: str
    pass_mark: int
    raw: dict = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return context_key(lesson_id=self.lesson.pk, block_id=self.block_id)

    @property
    def label(self) -> str:
        return f"{self.lesson.title}: {self.title}"


@dataclass
class Grade:
    """A learner's standing in one activity: attempts made, best score in percent (None: not attempted)."""

    attempts: int = 0
    best: int | None = None
    passed: bool = False


def _raw_items(value) -> list[dict]:
    """A ListBlock's raw items, in either of Wagtail's stored forms (plain values, or ``{"type": "item", ...}``)."""
    items = []
    for item in value or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            item = item["value"]
        if isinstance(item, dict):
            items.append(item)
    return items


def graded_activities(*, lessons: list[LessonPage]) -> list[Activity]:
    """The course's graded activities in outline order; one query for untitled H5P blocks' package titles."""
    found = []
    for lesson in lessons:
        for item in lesson.body.raw_data:
            value = item.get("value") or {}
            if item["type"] == "quiz":
                found.append((lesson, item, QUIZ))
            elif item["type"] == "h5p" and value.get("graded"):
                found.append((lesson, item, H5P))
    titles = package_titles(package_ids=[item["value"].get("package") for _lesson, item, kind in found if kind == H5P])
    activities = []
    for lesson, item, kind in found:
        value = item["value"]
        title = value.get("title") or (titles.get(value.get("package")) if kind == H5P else "") or _("Activity")
        activities.append(
            Activity(
                lesson=lesson,
                block_id=item["id"],
                kind=kind,
                title=title,
                pass_mark=int(value.get("pass_mark") or 0),
                raw=value,
            )
        )
    return activities


def _learner_ids(course: CoursePage, *, active_only: bool):
    enrolments = Enrolment.objects.filter(course=course)
    if active_only:
        enrolments = enrolments.filter(status=Enrolment.Status.ACTIVE)
    return enrolments.values("learner_id")


def _grades(*, activities: list[Activity], learner_ids) -> dict[tuple[int, int], Grade]:
    """Grades by (learner id, activity index): one aggregate query for quizzes and one for H5P."""
    grades: dict[tuple[int, int], Grade] = {}
    index_of = {(activity.lesson.pk, activity.block_id): i for i, activity in enumerate(activities)}
    quizzes = [activity for activity in activities if activity.kind == QUIZ]
    if quizzes:
        rows = (
            QuizAttempt.objects.filter(
                learner_id__in=learner_ids,
                lesson_id__in={activity.lesson.pk for activity in quizzes},
                block_id__in={activity.block_id for activity in quizzes},
            )
            .order_by()
            .values("learner_id", "lesson_id", "block_id")
            .annotate(count=Count("pk"), best=Max("score"), passes=Count("pk", filter=Q(passed=True)))
        )
        for row in rows:
            index = index_of.get((row["lesson_id"], row["block_id"]))
            if index is not None:
                grades[row["learner_id"], index] = Grade(
                    attempts=row["count"], best=row["best"], passed=row["passes"] > 0
                )
    h5p = {activity.key: i for i, activity in enumerate(activities) if activity.kind == H5P}
    for (learner_id, key), totals in attempt_totals(context_keys=h5p, user_ids=learner_ids).items():
        index = h5p[key]
        best = round(totals.best_scaled * 100)
        grades[learner_id, index] = Grade(attempts=totals.count, best=best, passed=best >= activities[index].pass_mark)
    return grades


def course_roster(*, course: CoursePage) -> dict:
    """Every enrolment of a course with the learner's lessons completed, progress, last activity and completion.

    Last activity is the latest of a lesson opened or completed, a quiz submitted and an H5P attempt in the course.
    Seven queries at most, whatever the number of learners.
    """
    course = (
        course.canonical()
    )  # enrolments, progress and completions live on the original (one course in all languages)
    lessons = course_lessons(course=course)
    lesson_ids = [lesson.pk for lesson in lessons]
    counted_ids = [lesson.pk for lesson in lessons if lesson.counts_for_completion]
    enrolments = list(Enrolment.objects.filter(course=course).select_related("learner").order_by("learner__email"))
    learner_ids = _learner_ids(course, active_only=False)
    progress = {
        row["learner_id"]: row
        for row in LessonProgress.objects.filter(learner_id__in=learner_ids, lesson_id__in=lesson_ids)
        .order_by()
        .values("learner_id")
        .annotate(
            done=Count("pk", filter=Q(lesson_id__in=counted_ids, completed_at__isnull=False)),
            visited=Max("visited_at"),
            completed=Max("completed_at"),
        )
    }
    quizzed = dict(
        QuizAttempt.objects.filter(learner_id__in=learner_ids, lesson_id__in=lesson_ids)
        .order_by()
        .values("learner_id")
        .annotate(last=Max("submitted_at"))
        .values_list("learner_id", "last")
    )
    played: dict[int, datetime] = {}
    h5p_keys = [activity.key for activity in graded_activities(lessons=lessons) if activity.kind == H5P]
    for (learner_id, _key), totals in attempt_totals(context_keys=h5p_keys, user_ids=learner_ids).items():
        played[learner_id] = max(filter(None, [played.get(learner_id), totals.last_at]))
    completions = dict(CourseCompletion.objects.filter(course=course).values_list("learner_id", "completed_at"))
    total = len(counted_ids)
    rows = []
    for enrolment in enrolments:
        learner_id = enrolment.learner_id
        row = progress.get(learner_id, {})
        done = row.get("done", 0)
        moments = [row.get("visited"), row.get("completed"), quizzed.get(learner_id), played.get(learner_id)]
        rows.append(
            {
                "enrolment": enrolment,
                "learner": enrolment.learner,
                "done": done,
                "total": total,
                "percent": 100 if learner_id in completions else (round(100 * done / total) if total else 0),
                "last_activity": max(filter(None, moments), default=None),
                "completed_at": completions.get(learner_id),
            }
        )
    return {"rows": rows, "total": total}


def course_gradebook(*, course: CoursePage) -> dict:
    """Active learners by graded activities: attempts, best score and pass/fail per cell. Five queries at most."""
    course = (
        course.canonical()
    )  # enrolments, progress and completions live on the original (one course in all languages)
    lessons = course_lessons(course=course)
    activities = graded_activities(lessons=lessons)
    enrolments = list(
        Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE)
        .select_related("learner")
        .order_by("learner__email")
    )
    grades = _grades(activities=activities, learner_ids=_learner_ids(course, active_only=True))
    rows = []
    for enrolment in enrolments:
        cells = [grades.get((enrolment.learner_id, i), Grade()) for i in range(len(activities))]
        rows.append(
            {
                "enrolment": enrolment,
                "learner": enrolment.learner,
                "cells": cells,
                "passed": sum(1 for cell in cells if cell.passed),
            }
        )
    return {"activities": activities, "rows": rows}


def _quiz_answers(attempt: QuizAttempt, quiz: dict) -> list[dict]:
    """Each question of the quiz as it is now, with the options the learner chose and whether they were right."""
    questions = _raw_items(quiz.get("questions"))
    answered = []
    for index, result in enumerate(attempt.results or []):
        question = questions[index] if index < len(questions) else {}
        options = _raw_items(question.get("options"))
        chosen = attempt.answers.get(str(index), []) if isinstance(attempt.answers, dict) else []
        answered.append(
            {
                "number": index + 1,
                "text": question.get("text", ""),
                "chosen": [options[i].get("text", "") for i in chosen if isinstance(i, int) and 0 <= i < len(options)],
                "correct": bool(result.get("correct")) if isinstance(result, dict) else False,
            }
        )
    return answered


def learner_attempts(*, course: CoursePage, learner) -> dict:
    """One learner in one course: progress per lesson and every attempt at each graded activity (quiz answers,
    H5P scores). Seven queries at most, whatever the number of learners or attempts."""
    course = (
        course.canonical()
    )  # enrolments, progress and completions live on the original (one course in all languages)
    lessons = course_lessons(course=course)
    activities = graded_activities(lessons=lessons)
    enrolment = Enrolment.objects.filter(course=course, learner=learner).first()
    progress_rows = list(
        LessonProgress.objects.filter(learner=learner, lesson__in=[lesson.pk for lesson in lessons]).annotate(
            lesson_key=F("lesson__translation_key")
        )
    )
    completion = CourseCompletion.objects.filter(course=course, learner=learner).first()
    progress = progress_build(lessons=lessons, rows=progress_rows, completion=completion)
    quiz_attempts: dict[tuple[int, str], list[QuizAttempt]] = {}
    for attempt in QuizAttempt.objects.filter(learner=learner, lesson__in=[lesson.pk for lesson in lessons]).order_by(
        "number"
    ):
        quiz_attempts.setdefault((attempt.lesson_id, attempt.block_id), []).append(attempt)
    h5p_attempts: dict[str, list] = {}
    keys = [activity.key for activity in activities if activity.kind == H5P]
    for attempt in attempts_in_contexts(context_keys=keys, user_ids=[learner.pk]):
        h5p_attempts.setdefault(attempt.context_key, []).append(attempt)
    by_lesson = {row.lesson_id: row for row in progress_rows}
    outline = []
    for lesson in lessons:
        entries = []
        for activity in activities:
            if activity.lesson.pk != lesson.pk:
                continue
            if activity.kind == QUIZ:
                attempts = [
                    {
                        "attempt": attempt,
                        "score": attempt.score,
                        "passed": attempt.passed,
                        "at": attempt.submitted_at,
                        "answers": _quiz_answers(attempt, activity.raw),
                    }
                    for attempt in quiz_attempts.get((lesson.pk, activity.block_id), [])
                ]
            else:
                attempts = [
                    {
                        "attempt": attempt,
                        "score": attempt.percent,
                        "passed": attempt.percent >= activity.pass_mark,
                        "at": attempt.created_at,
                        "raw": attempt.raw_score,
                        "max": attempt.max_score,
                    }
                    for attempt in h5p_attempts.get(activity.key, [])
                ]
            entries.append({"activity": activity, "attempts": attempts})
        outline.append({"lesson": lesson, "progress": by_lesson.get(lesson.pk), "activities": entries})
    return {"enrolment": enrolment, "progress": progress, "completion": completion, "outline": outline}
