"""Reads for courses, shaped so their query counts do not grow with courses, lessons or enrolments."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from wagtail.models import Locale, Page

from courses.h5p_activities import context_key
from courses.models import CourseCompletion, CoursePage, Enrolment, LessonPage, LessonProgress, QuizAttempt, Skill
from courses.permissions import is_course_staff, is_enrolled, self_enrolment_refusal
from courses.quizzes import quiz_token_make
from h5p.selectors import attempts_best_for


def course_catalogue(*, index, track="", level="", language="", skill=None, q=""):
    """Live, public courses of a catalogue, filtered; issuer and skills loaded with them."""
    courses = (
        CoursePage.objects.child_of(index)
        .live()
        .public()
        .select_related("issuer")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
        .order_by("title")
    )
    if track:
        courses = courses.filter(track=track)
    if level:
        courses = courses.filter(level=level)
    if language:
        courses = courses.filter(language=language)
    if skill:
        courses = courses.filter(skills=skill)
    if q:
        courses = courses.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return courses


def courses_for_track(*, track: str, locale_id: int) -> list[CoursePage]:
    """The live courses of a training track in the page's language, for its TrackPage (two queries at most).

    Until trainers translate a track's courses, a track page in another language lists the originals.
    """
    courses = list(CoursePage.objects.live().filter(track=track).select_related("issuer").order_by("title"))
    chosen = [course for course in courses if course.locale_id == locale_id] or courses
    prefetch_related_objects(chosen, Prefetch("skills", queryset=Skill.objects.order_by("name")))
    return chosen


def course_lessons(*, course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


@dataclass
class CourseProgress:
    """A learner's progress in one course: which lessons count, which are done, where to go next."""

    lessons: list
    completed_ids: set = field(default_factory=set)
    visited_ids: set = field(default_factory=set)
    resume: LessonPage | None = None
    completion: CourseCompletion | None = None

    @property
    def counted(self) -> list:
        return [lesson for lesson in self.lessons if lesson.counts_for_completion]

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.counted if lesson.pk in self.completed_ids)

    @property
    def percent(self) -> int:
        if self.completion is not None or not self.total:
            return 100 if self.completion is not None else 0
        return round(100 * self.done / self.total)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def progress_build(*, lessons, rows, completion=None) -> CourseProgress:
    """Progress from lessons (tree order) and the learner's LessonProgress rows for them."""
    progress = CourseProgress(lessons=lessons, completion=completion)
    latest = None
    for row in rows:
        if row.completed_at:
            progress.completed_ids.add(row.lesson_id)
        if row.visited_at:
            progress.visited_ids.add(row.lesson_id)
            if row.completed_at is None and (latest is None or row.visited_at > latest.visited_at):
                latest = row
    by_id = {lesson.pk: lesson for lesson in lessons}
    if latest is not None and latest.lesson_id in by_id:
        progress.resume = by_id[latest.lesson_id]
    else:
        progress.resume = next((lesson for lesson in lessons if lesson.pk not in progress.completed_ids), None)
    return progress


def course_progress(*, user, course: CoursePage, lessons=None) -> CourseProgress:
    lessons = course_lessons(course=course) if lessons is None else lessons
    rows = LessonProgress.objects.filter(learner=user, lesson__in=[lesson.pk for lesson in lessons])
    completion = CourseCompletion.objects.filter(learner=user, course=course).first()
    return progress_build(lessons=lessons, rows=rows, completion=completion)


def outline_sections(lessons) -> list[dict]:
    """Lessons grouped under their section headings, in order, numbered through the whole course.

    A lesson starts a section when it names a heading other than the current one (editors often repeat the
    heading on each lesson of a section); ``start`` is the number of the section's first lesson.
    """
    sections: list[dict] = []
    for number, lesson in enumerate(lessons, start=1):
        if not sections or (lesson.section and lesson.section != sections[-1]["heading"]):
            sections.append({"heading": lesson.section, "lessons": [], "start": number})
        sections[-1]["lessons"].append(lesson)
    return sections


def course_overview(*, course: CoursePage, user) -> dict:
    """Everything the course page shows: outline, the viewer's enrolment, progress and what they may do."""
    lessons = course_lessons(course=course)
    context = {
        "lessons": lessons,
        "sections": outline_sections(lessons),
        "trainers": list(course.trainers.all()),
        "skills": list(course.skills.order_by("name")),
        # In a preview the relation is modelcluster's in-memory FakeQuerySet: filter in Python, which both accept.
        "prerequisites": [page for page in course.prerequisites.all() if page.live],
        "enrolment": None,
        "progress": None,
        "is_staff": False,
        "enrol_refusal": None,
    }
    if not user.is_authenticated:
        return context
    enrolment = Enrolment.objects.filter(learner=user, course=course).first()
    context["enrolment"] = enrolment
    context["is_staff"] = is_course_staff(user=user, course=course)
    if enrolment is not None and enrolment.is_active:
        context["progress"] = course_progress(user=user, course=course, lessons=lessons)
    else:
        context["enrol_refusal"] = self_enrolment_refusal(user=user, course=course)
    return context


def lesson_graded_state(*, user, lesson: LessonPage) -> dict[str, bool]:
    """For each graded activity of a lesson (by block id): has the learner passed it?"""
    graded = lesson.graded_block_ids()
    if not graded:
        return {}
    passed_quizzes = set(
        QuizAttempt.objects.filter(learner=user, lesson=lesson, block_id__in=graded, passed=True).values_list(
            "block_id", flat=True
        )
    )
    h5p_blocks = {
        item["id"]: item["value"] for item in lesson.body.raw_data if item["type"] == "h5p" and item["id"] in graded
    }
    best = attempts_best_for(
        user=user, context_keys=[context_key(lesson_id=lesson.pk, block_id=block_id) for block_id in h5p_blocks]
    )
    state = {}
    for block_id in graded:
        if block_id in h5p_blocks:
            attempt = best.get(context_key(lesson_id=lesson.pk, block_id=block_id))
            pass_mark = h5p_blocks[block_id].get("pass_mark") or 0
            state[block_id] = attempt is not None and attempt.scaled_score * 100 >= pass_mark
        else:
            state[block_id] = block_id in passed_quizzes
    return state


def lesson_view_context(*, lesson: LessonPage, course: CoursePage, user) -> dict:
    """The lesson page: its blocks with per-block state (quiz sheets, H5P keys), navigation and progress."""
    lessons = course_lessons(course=course)
    enrolled = user.is_authenticated and is_enrolled(user=user, course=course)
    progress = course_progress(user=user, course=course, lessons=lessons) if enrolled else None
    attempts: dict[str, list] = {}
    if enrolled:
        for attempt in QuizAttempt.objects.filter(learner=user, lesson=lesson).order_by("number"):
            attempts.setdefault(attempt.block_id, []).append(attempt)
    h5p_keys = [
        context_key(lesson_id=lesson.pk, block_id=item["id"]) for item in lesson.body.raw_data if item["type"] == "h5p"
    ]
    best = attempts_best_for(user=user, context_keys=h5p_keys) if enrolled else {}
    items = []
    for block in lesson.body:
        item = {"block": block, "quiz": None, "h5p_context": None, "h5p_best": None}
        if block.block_type == "quiz":
            item["quiz"] = quiz_state(
                user=user, lesson=lesson, block=block, attempts=attempts.get(block.id, []), enrolled=enrolled
            )
        elif block.block_type == "h5p":
            item["h5p_context"] = context_key(lesson_id=lesson.pk, block_id=block.id)
            item["h5p_best"] = best.get(item["h5p_context"])
        items.append(item)
    if all(candidate.pk != lesson.pk for candidate in lessons):  # the preview of a lesson not published yet
        lessons = sorted([*lessons, lesson], key=lambda candidate: candidate.path)
    position = next(i for i, candidate in enumerate(lessons) if candidate.pk == lesson.pk)
    graded = lesson.graded_block_ids()
    return {
        "course": course,
        "items": items,
        "lessons": lessons,
        "enrolled": enrolled,
        "progress": progress,
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "next_lesson": lessons[position + 1] if position + 1 < len(lessons) else None,
        "lesson_number": position + 1,
        "has_graded": bool(graded),
        "lesson_completed": bool(progress and lesson.pk in progress.completed_ids),
    }


def quiz_state(*, user, lesson, block, attempts, enrolled) -> dict:
    """What a quiz shows: the answer sheet (with its attempt token) or why not, and the last result."""
    value = block.value
    used = len(attempts)
    limit = value["attempt_limit"]
    last = attempts[-1] if attempts else None
    feedback = []
    if last is not None:
        for index, question in enumerate(value["questions"]):
            result = last.results[index] if index < len(last.results) else {"correct": False}
            feedback.append({"text": question["text"], "correct": result["correct"], "feedback": question["feedback"]})
    can_attempt = enrolled and (limit == 0 or used < limit)
    return {
        "block_id": block.id,
        "action": reverse("courses:quiz_submit", kwargs={"lesson_id": lesson.pk, "block_id": block.id}),
        "token": (
            quiz_token_make(learner_id=user.pk, lesson_id=lesson.pk, block_id=block.id, number=used + 1)
            if can_attempt
            else ""
        ),
        "can_attempt": can_attempt,
        "enrolled": enrolled,
        "used": used,
        "limit": limit,
        "remaining": (limit - used) if limit else None,
        "last": last,
        "passed": any(attempt.passed for attempt in attempts),
        "feedback": feedback,
    }


def learning_dashboard(*, user) -> dict:
    """My learning: courses in progress (with progress and where to resume), completed courses, skills earned."""
    enrolments = list(
        Enrolment.objects.filter(learner=user, status=Enrolment.Status.ACTIVE)
        .select_related("course", "course__issuer")
        .order_by("course__title")
    )
    courses = [enrolment.course for enrolment in enrolments]
    completions = {
        completion.course_id: completion
        for completion in CourseCompletion.objects.filter(learner=user).select_related("course")
    }
    lessons_by_course = _lessons_by_course(courses)
    rows_by_lesson = {}
    lesson_ids = [lesson.pk for lessons in lessons_by_course.values() for lesson in lessons]
    rows = list(LessonProgress.objects.filter(learner=user, lesson_id__in=lesson_ids)) if lesson_ids else []
    for row in rows:
        rows_by_lesson[row.lesson_id] = row
    in_progress = []
    for course in courses:
        if course.pk in completions:
            continue
        lessons = lessons_by_course.get(course.pk, [])
        progress = progress_build(
            lessons=lessons, rows=[rows_by_lesson[lesson.pk] for lesson in lessons if lesson.pk in rows_by_lesson]
        )
        in_progress.append({"course": course, "progress": progress})
    completed = sorted(completions.values(), key=lambda completion: completion.completed_at, reverse=True)
    return {"in_progress": in_progress, "completed": completed, "skills": skills_earned(learner=user)}


def _lessons_by_course(courses) -> dict[int, list[LessonPage]]:
    """Live lessons of many courses in one query, in tree order, keyed by course id."""
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    condition = reduce(or_, (Q(path__startswith=course.path, depth=course.depth + 1) for course in courses))
    grouped: dict[int, list[LessonPage]] = {course.pk: [] for course in courses}
    for lesson in LessonPage.objects.live().filter(condition).order_by("path"):
        grouped[by_path[lesson.path[: -Page.steplen]]].append(lesson)
    return grouped


def skills_earned(*, learner) -> list[Skill]:
    """Skills taught by the courses the learner completed, in the active language where translated."""
    keys = set(Skill.objects.filter(courses__completions__learner=learner).values_list("translation_key", flat=True))
    if not keys:
        return []
    locale = Locale.get_active()
    chosen: dict = {}
    for skill in Skill.objects.filter(translation_key__in=keys).select_related("locale"):
        current = chosen.get(skill.translation_key)
        if current is None or skill.locale_id == locale.pk:
            chosen[skill.translation_key] = skill
    return sorted(chosen.values(), key=lambda skill: (skill.category, skill.name))
