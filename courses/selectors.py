"""Reads for courses, shaped so their query counts do not grow with courses, lessons or enrolments."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.paginator import Page as PaginatorPage
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.translation import get_language, gettext
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page
from wagtail.query import PageQuerySet

from accounts import compiled
from certificates.transcripts import cpd_hours_per_year
from cms.visibility import not_view_restricted
from courses.blocks import QUIZ_DEFAULT_TITLE
from courses.completion import CompletionRule, completion_rule
from courses.h5p_activities import context_key, lesson_playable_keys
from courses.models import (
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    Language,
    LessonPage,
    LessonProgress,
    Level,
    QuizAttempt,
    Skill,
    Track,
)
from courses.pagination import page_with_count
from courses.permissions import enrolment_of, is_course_staff, is_enrolled, self_enrolment_refusal
from courses.quizzes import quiz_sheet, quiz_token_make
from h5p.player import players_build
from h5p.selectors import attempts_best_for


def public_courses():
    """Live courses no view restriction hides (Wagtail's ``public()`` without its query: cms.visibility)."""
    return CoursePage.objects.live().filter(not_view_restricted())


def course_catalogue(*, index, track="", level="", language="", skill=None, q="") -> PageQuerySet:
    """Live, public courses, each ONCE however many translations it has, by title: a query not yet run (with the
    issuer, locale and cover), to be paged (``courses.pagination``) and given its cards' details.

    A course is shown in the catalogue's language where it has a translation, else in its original. Filtered by
    ``language``: the courses one can take in that language (a translation in it, or taught in it), shown in it.
    The translation shown is chosen inside the query (a correlated subquery per translation key), not by loading
    every course: the catalogue's cost does not grow with the number of courses.
    """
    courses = public_courses()
    if track:
        courses = courses.filter(track=track)
    if level:
        courses = courses.filter(level=level)
    if language:
        courses = courses.filter(Q(locale__language_code=language) | Q(language=language))
    if skill:
        taught = CoursePage.skills.through.objects.filter(
            coursepage_id=OuterRef("pk"), skill__translation_key=skill.translation_key
        )
        courses = courses.filter(Exists(taught))
    if q:
        courses = courses.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    # The translation shown of each course: the one in the preferred language (the filter's, else the catalogue's),
    # else one taught in it, else the first made. The catalogue's language is read inside the query (its locale).
    if language:
        in_preferred, preferred = Q(locale__language_code=language), Value(language)
    else:
        in_preferred = Q(locale_id=index.locale_id)
        preferred = Subquery(Locale.objects.filter(pk=index.locale_id).values("language_code")[:1])
    shown = (
        courses.filter(translation_key=OuterRef("translation_key"))
        .annotate(preferred_language=preferred)
        .order_by(
            Case(When(in_preferred, then=Value(0)), default=Value(1)),
            Case(When(language=F("preferred_language"), then=Value(0)), default=Value(1)),
            "pk",
        )
        .values("pk")[:1]
    )
    return courses.filter(pk=Subquery(shown)).select_related("issuer", "locale", "cover").order_by(Lower("title"), "pk")


def catalogue_languages() -> set[str]:
    """The languages some live course can be taken in (a translation in it, or taught in it): one query."""
    rows = public_courses().values_list("locale__language_code", "language").distinct()
    return {code for row in rows for code in row if code}


TRACK_PAGE_SIZE = 12  # cards a page on a track page (a full row at one, two, three and four columns)


def courses_for_track(*, track: str, locale_id: int, page=1, per_page: int = TRACK_PAGE_SIZE) -> PaginatorPage:
    """One page of the live, public courses of a training track in the page's language, by title, for its TrackPage.

    Until trainers translate a track's courses, a track page in another language lists the originals. Two queries
    (the page's courses with the total, their skills; cover renditions when some have a cover), whatever the number
    of courses: the choice of language is made inside the query, not by loading every course first.
    """
    courses = public_courses().filter(track=track)
    in_language = courses.filter(locale_id=locale_id)
    listed = (
        courses.filter(Q(locale_id=locale_id) | ~Exists(in_language))
        .select_related("issuer", "locale", "cover")
        .order_by("title", "pk")
    )
    shown = page_with_count(listed, number=page, per_page=per_page)
    card_details_load(shown.object_list)
    return shown


def card_details_load(courses) -> None:
    """What each course card (courses/includes/course_card.html) shows beyond the course's row, for all the cards
    at once: skills (one query), cover renditions (one more when some course has a cover) and the labels of its
    track, level and language (``card_labels``: ``get_FOO_display`` per card hashes every lazy choice label, a
    fifth of a page of cards)."""
    courses = list(courses)
    prefetch_related_objects(courses, Prefetch("skills", queryset=Skill.objects.order_by("name")), "cover__renditions")
    choices = {name: {value: str(label) for value, label in enum.choices} for name, enum in _CARD_CHOICES.items()}
    for course in courses:
        course.card_labels = {name: labels.get(getattr(course, name), "") for name, labels in choices.items()}


_CARD_CHOICES = {"track": Track, "level": Level, "language": Language}


def courses_with_progress(*, user, courses) -> list[CoursePage]:
    """The courses, each with ``viewer_progress``: the viewer's CourseProgress where actively enrolled, else None.

    For course cards. At most four queries whatever the number of courses (none for an anonymous visitor).
    """
    courses = list(courses)
    for course in courses:
        course.viewer_progress = None
    if not user.is_authenticated or not courses:
        return courses
    enrolled_keys = set(
        Enrolment.objects.filter(
            learner=user,
            status=Enrolment.Status.ACTIVE,
            course__translation_key__in=[course.translation_key for course in courses],
        ).values_list("course__translation_key", flat=True)
    )
    enrolled = [course for course in courses if course.translation_key in enrolled_keys]
    if not enrolled:
        return courses
    for course, progress in zip(enrolled, progress_of_many(user=user, courses=enrolled), strict=True):
        course.viewer_progress = progress
    return courses


def progress_of_many(*, user, courses) -> list[CourseProgress]:
    """A learner's progress in each of ``courses`` (in order), in three queries whatever their number.

    Any translation of a course may be given: records point at its original, so they are matched by translation key.
    """
    completions = {
        completion.course_key: completion
        for completion in CourseCompletion.objects.filter(
            learner=user, course__translation_key__in=[course.translation_key for course in courses]
        ).annotate(course_key=F("course__translation_key"))
    }
    lessons_by_course = _lessons_by_course(courses)
    keys = {lesson.translation_key for lessons in lessons_by_course.values() for lesson in lessons}
    rows_by_key = {row.lesson_key: row for row in progress_rows(user=user, keys=keys)} if keys else {}
    result = []
    for course in courses:
        lessons = lessons_by_course.get(course.pk, [])
        rows = [rows_by_key[lesson.translation_key] for lesson in lessons if lesson.translation_key in rows_by_key]
        result.append(progress_build(lessons=lessons, rows=rows, completion=completions.get(course.translation_key)))
    return result


def course_lessons(*, course: CoursePage) -> list[LessonPage]:
    """The course's live lessons in outline order (remembered on the course for the request)."""
    return course.live_lessons()


@dataclass
class CourseProgress:
    """A learner's progress in one course (in any of its translations): which lessons are done, where to go next.

    Records point at the canonical lessons; ``completed_ids`` and ``visited_ids`` hold the ids of the lessons
    shown (``lessons``, of the translation being read), matched by translation key. ``rule`` decides completion.
    """

    lessons: list
    rule: CompletionRule
    completed_keys: set = field(default_factory=set)
    completed_ids: set = field(default_factory=set)
    visited_ids: set = field(default_factory=set)
    resume: LessonPage | None = None
    completion: CourseCompletion | None = None

    @property
    def total(self) -> int:
        return len(self.rule.steps)

    @property
    def done(self) -> int:
        return self.rule.done(self.completed_keys)

    @property
    def percent(self) -> int:
        if self.completion is not None or not self.total:
            return 100 if self.completion is not None else 0
        return round(100 * self.done / self.total)

    @property
    def is_complete(self) -> bool:
        return self.rule.is_met(self.completed_keys)


def progress_rows(*, user, keys):
    """The learner's LessonProgress rows for these lesson translation keys, with ``lesson_key`` annotated."""
    return LessonProgress.objects.filter(learner=user, lesson__translation_key__in=list(keys)).annotate(
        lesson_key=F("lesson__translation_key")
    )


def progress_build(*, lessons, rows, completion=None, rule=None) -> CourseProgress:
    """Progress from lessons (tree order) and the learner's LessonProgress rows (``progress_rows``) for them."""
    progress = CourseProgress(lessons=lessons, rule=rule or completion_rule(lessons), completion=completion)
    by_key = {lesson.translation_key: lesson for lesson in lessons}
    latest = None
    for row in rows:
        lesson = by_key.get(row.lesson_key)
        if row.completed_at:
            progress.completed_keys.add(row.lesson_key)
            if lesson is not None:
                progress.completed_ids.add(lesson.pk)
        if row.visited_at and lesson is not None:
            progress.visited_ids.add(lesson.pk)
            if row.completed_at is None and (latest is None or row.visited_at > latest.visited_at):
                latest = row
    if latest is not None:
        progress.resume = by_key[latest.lesson_key]
    else:
        progress.resume = next((lesson for lesson in lessons if lesson.pk not in progress.completed_ids), None)
    return progress


_UNREAD = object()


def course_progress(*, user, course: CoursePage, lessons=None, completion=_UNREAD) -> CourseProgress:
    """Progress in a course, shown with the lessons of ``course`` (any translation), decided by its original.

    ``completion``: the learner's CourseCompletion of the course (or None), when the caller read it already
    (``courses.permissions.enrolment_with_completion``); read here otherwise."""
    lessons = course_lessons(course=course) if lessons is None else lessons
    rule = course_rule(course=course, lessons=lessons)
    keys = {lesson.translation_key for lesson in lessons} | set(rule.keys)
    if completion is _UNREAD:
        completion = CourseCompletion.objects.filter(
            learner=user, course__translation_key=course.translation_key
        ).first()
    return progress_build(lessons=lessons, rows=progress_rows(user=user, keys=keys), completion=completion, rule=rule)


def course_rule(*, course: CoursePage, lessons=None) -> CompletionRule:
    """The completion rule of a course, from the lessons of its original (the one every translation follows)."""
    canonical = course.canonical()
    if canonical.pk == course.pk and lessons is not None:
        return completion_rule(lessons)
    return completion_rule(course_lessons(course=canonical))


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
    if course.pk is not None:
        # Loaded once for the page: the staff check and the enrolment rules read them again.
        prefetch_related_objects([course], "trainers", "prerequisites")
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
        "completion_rule": course_rule(course=course, lessons=lessons),
    }
    if not user.is_authenticated:
        return context
    enrolment, completion = enrolment_of(user=user, course=course)
    context["enrolment"] = enrolment
    context["is_staff"] = is_course_staff(user=user, course=course)
    if enrolment is not None and enrolment.is_active:
        context["progress"] = course_progress(user=user, course=course, lessons=lessons, completion=completion)
        context["completion_rule"] = context["progress"].rule
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


def lesson_view_context(
    *, lesson: LessonPage, course: CoursePage, user, request=None, enrolled: bool | None = None, completion=_UNREAD
) -> dict:
    """The lesson page: its blocks with per-block state (quiz sheets, H5P players), navigation and progress.

    ``enrolled``: whether ``user`` is enrolled in the course, when the caller has asked already (None: asked here);
    ``completion``: their completion of it, when the caller read it with the enrolment (``course_progress``).
    The H5P players are built once for the lesson (``h5p.player.players_build``): the same queries with one H5P
    block or ten.
    """
    lessons = course_lessons(course=course)
    if enrolled is None:
        enrolled = user.is_authenticated and is_enrolled(user=user, course=course)
    progress = course_progress(user=user, course=course, lessons=lessons, completion=completion) if enrolled else None
    raw = lesson.body.raw_data
    attempts: dict[str, list] = {}
    if enrolled and any(item["type"] == "quiz" for item in raw):
        for attempt in QuizAttempt.objects.filter(learner=user, lesson=lesson).order_by("number"):
            attempts.setdefault(attempt.block_id, []).append(attempt)
    h5p_keys = [context_key(lesson_id=lesson.pk, block_id=item["id"]) for item in raw if item["type"] == "h5p"]
    best = attempts_best_for(user=user, context_keys=h5p_keys) if enrolled else {}
    untranslated = untranslated_blocks(lesson=lesson)
    items = []
    placements = []
    for block in lesson.body:
        item = {
            "block": block,
            "quiz": None,
            "h5p_context": None,
            "h5p_best": None,
            "h5p_player": None,
            "lang": untranslated.get(block.id),
        }
        if block.block_type == "quiz":
            item["quiz"] = quiz_state(
                user=user, lesson=lesson, block=block, attempts=attempts.get(block.id, []), enrolled=enrolled
            )
        elif block.block_type == "h5p":
            item["h5p_context"] = context_key(lesson_id=lesson.pk, block_id=block.id)
            item["h5p_best"] = best.get(item["h5p_context"])
            placements.append((item["h5p_context"], block.value["package"]))
        items.append(item)
    if placements and request is not None:
        playable = lesson_playable_keys(
            user=user, lesson=lesson, enrolled=enrolled, preview=getattr(request, "is_preview", False)
        )
        players = players_build(request=request, placements=placements, playable=playable)
        for item in items:
            if item["h5p_context"]:
                item["h5p_player"] = players[item["h5p_context"]]
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


def untranslated_blocks(*, lesson: LessonPage) -> dict[str, str]:
    """Blocks of a translated lesson still as the original has them: block id -> the original's language.

    The lesson page marks them with that ``lang``, so a screen reader reads English text as English.
    """
    original = lesson.canonical()
    if original.pk == lesson.pk or original.locale_id == lesson.locale_id:
        return {}
    values = {item["id"]: item.get("value") for item in original.body.raw_data}
    language = original.locale.language_code
    return {item["id"]: language for item in lesson.body.raw_data if values.get(item["id"]) == item.get("value")}


def quiz_title(value) -> str:
    """The quiz's heading; the block's default heading, left as it was, in the reader's language."""
    title = value["title"]
    return gettext(QUIZ_DEFAULT_TITLE) if not title or title == QUIZ_DEFAULT_TITLE else title


def quiz_state(*, user, lesson, block, attempts, enrolled) -> dict:
    """What a quiz shows: the answer sheet (with its attempt token and the last selections kept) or why not.

    After a failed attempt: which answers were wrong and their explanations. Once passed: no sheet, a review of
    the passing attempt instead.
    """
    value = block.value
    used = len(attempts)
    limit = value["attempt_limit"]
    last = attempts[-1] if attempts else None
    passed_attempt = next((attempt for attempt in reversed(attempts) if attempt.passed), None)
    can_attempt = enrolled and passed_attempt is None and (limit == 0 or used < limit)
    if passed_attempt is not None:
        questions = quiz_sheet(quiz=value, attempt=passed_attempt, explain_all=True)
    else:
        questions = quiz_sheet(quiz=value, attempt=last)
    return {
        "title": quiz_title(value),
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
        "passed": passed_attempt is not None,
        "passed_attempt": passed_attempt,
        "questions": questions,
    }


def _enrolments_query():
    return (
        Enrolment.objects.filter(learner_id=compiled.STAND_IN_1, status=Enrolment.Status.ACTIVE)
        .select_related("course", "course__issuer", "course__locale")
        .order_by("course__title")
    )


def _completions_query():
    return (
        CourseCompletion.objects.filter(learner_id=compiled.STAND_IN_1)
        .select_related("course", "course__locale")
        .order_by("-completed_at")
    )


def learning_dashboard(*, user) -> dict:
    """My learning: courses in progress (with progress and where to resume), completed courses, skills earned.

    Records are kept on each course's original; each course is shown in the reader's language where it has a live
    translation in it (title, link, lessons to resume), else as it is.
    """
    # Both compiled once (accounts.compiled): building these joins cost more than running them.
    ids = {compiled.STAND_IN_1: user.pk}
    enrolments = compiled.rows("learning_enrolments", _enrolments_query, ids)
    completions = compiled.rows("learning_completions", _completions_query, ids)
    shown = courses_in_active_language([enrolment.course for enrolment in enrolments] + [c.course for c in completions])
    completed_ids = {completion.course_id for completion in completions}
    courses = [shown[enrolment.course.pk] for enrolment in enrolments if enrolment.course.pk not in completed_ids]
    lessons_by_course = _lessons_by_course(courses)
    keys = {lesson.translation_key for lessons in lessons_by_course.values() for lesson in lessons}
    rows = list(progress_rows(user=user, keys=keys)) if keys else []
    in_progress = []
    for course in courses:
        lessons = lessons_by_course.get(course.pk, [])
        lesson_keys = {lesson.translation_key for lesson in lessons}
        progress = progress_build(lessons=lessons, rows=[row for row in rows if row.lesson_key in lesson_keys])
        in_progress.append({"course": course, "progress": progress})
    completed = [
        {"course": shown[completion.course.pk], "completed_at": completion.completed_at} for completion in completions
    ]
    return {
        "in_progress": in_progress,
        "completed": completed,
        # The skills of the completed courses (read above): none to look up when nothing is completed yet.
        "skills": skills_earned(learner=user, course_ids=sorted(completed_ids)),
        "cpd": cpd_chart(cpd_hours_per_year(user=user)),
    }


def courses_in_active_language(courses) -> dict[int, CoursePage]:
    """Each course's live translation in the active language (the course itself when it has none), keyed by the
    given course's id. One query, none when every course is already in that language (``locale`` loaded)."""
    language = get_supported_content_language_variant(get_language())
    others = [course for course in courses if course.locale.language_code != language]
    found = {}
    if others:
        found = {
            translation.translation_key: translation
            for translation in CoursePage.objects.live()
            .filter(translation_key__in={course.translation_key for course in others}, locale__language_code=language)
            .select_related("issuer", "locale")
        }
    return {course.pk: found.get(course.translation_key, course) for course in courses}


def _lessons_by_course(courses) -> dict[int, list[LessonPage]]:
    """Live lessons of many courses in one query, in tree order, keyed by course id."""
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    grouped: dict[int, list[LessonPage]] = {course.pk: [] for course in courses}
    for lesson in _live_children(courses):
        grouped[by_path[lesson.path[: -Page.steplen]]].append(lesson)
    return grouped


# Up to this many courses, the lessons' query is compiled once per number of courses (accounts.compiled): stand-in
# paths (never a real tree path, which is base-36 digits) and depths (far deeper than any tree; a negative one would
# make Django drop the condition) are swapped for the courses' own.
_PRECOMPILED_COURSES = 24


def _live_children(courses) -> list[LessonPage]:
    def query(pairs):
        condition = reduce(or_, (Q(path__startswith=path, depth=depth) for path, depth in pairs))
        return LessonPage.objects.live().filter(condition).order_by("path")

    pairs = [(course.path, course.depth + 1) for course in courses]
    if len(pairs) > _PRECOMPILED_COURSES:
        return list(query(pairs))
    stand_ins = [(f"standin{index:04d}", 7_341_000 + index) for index in range(len(pairs))]
    swaps = {}
    for (stand_in_path, stand_in_depth), (path, depth) in zip(stand_ins, pairs, strict=True):
        swaps[f"{stand_in_path}%"] = f"{path}%"  # the pattern ``startswith`` passes (paths need no escaping)
        swaps[stand_in_depth] = depth
    return compiled.rows("live_lessons_of_courses", lambda: query(stand_ins), swaps, (len(pairs),))


def skills_earned(*, learner, course_ids=None) -> list[Skill]:
    """Skills taught by the courses the learner completed, in the active language where translated. One query;
    none when ``course_ids`` (the completed courses, when the caller read them) is empty."""
    if course_ids is None:
        taught = Skill.objects.filter(courses__completions__learner=learner)
    elif course_ids:
        taught = Skill.objects.filter(courses__in=course_ids)
    else:
        return []
    locale = Locale.get_active()
    chosen: dict = {}
    keys = taught.order_by().values("translation_key")
    for skill in Skill.objects.filter(translation_key__in=keys).select_related("locale"):
        current = chosen.get(skill.translation_key)
        if current is None or skill.locale_id == locale.pk:
            chosen[skill.translation_key] = skill
    return sorted(chosen.values(), key=lambda skill: (skill.category, skill.name))


def catalogue_for(*, language_code: str) -> CourseIndexPage | None:
    """The live course catalogue in that language, else any live one: what the header's "Courses" opens. One query
    (the language is matched inside it, not looked up first: the header runs this on every page)."""
    catalogues = CourseIndexPage.objects.live().select_related("locale").order_by("path")
    return next(iter(sorted(catalogues, key=lambda page: page.locale.language_code != language_code)), None)


@dataclass(frozen=True)
class ChartBar:
    """One bar of the CPD chart: SVG geometry as strings (never localised: "12,5" is not a coordinate)."""

    year: int
    hours: Decimal
    y: str
    width: str
    label_x: str
    text_y: str


def cpd_chart(per_year, *, bar_max: int = 200) -> dict:
    """CPD hours per year as a horizontal bar chart drawn on the server (an SVG 320 wide) and the same data for the
    table beside it. The longest bar is ``bar_max`` units; a year with hours always shows a sliver."""
    rows = [(year, Decimal(hours)) for year, hours in per_year]
    top = max((hours for _, hours in rows), default=Decimal(0))
    bars = []
    row_height, left = 32, 56  # bars are 20 high (the template), 12 apart
    for index, (year, hours) in enumerate(rows):
        width = float(hours / top * bar_max) if top else 0.0
        width = max(width, 2.0) if hours > 0 else 0.0
        y = 6 + index * row_height
        bars.append(
            ChartBar(
                year=year,
                hours=hours,
                y=str(y),
                width=f"{width:.1f}",
                label_x=f"{left + width + 6:.1f}",
                text_y=str(y + 15),
            )
        )
    return {
        "bars": bars,
        "left": str(left),
        "height": str(12 + len(rows) * row_height),
        "total": sum((hours for _, hours in rows), Decimal(0)),
    }


def _count_per_course(queryset) -> Coalesce:
    """A correlated count of ``queryset``'s rows for the outer course (0 when none): no join, no duplicates."""
    counted = queryset.filter(course=OuterRef("pk")).order_by().values("course").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def association_course_figures(*, association) -> list[CoursePage]:
    """The courses an association issues, with ``enrolled`` (active enrolments) and ``completed`` counts, in one
    query whatever the number of courses and learners; by title."""
    return list(
        CoursePage.objects.filter(issuer=association)
        .select_related("locale")
        .annotate(
            enrolled=_count_per_course(Enrolment.objects.filter(status=Enrolment.Status.ACTIVE)),
            completed=_count_per_course(CourseCompletion.objects.all()),
        )
        .order_by("title", "pk")
    )
