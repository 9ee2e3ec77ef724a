"""Writes for courses: enrolment, progress, quiz attempts, completion and the certificate that follows."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.refusals import Refusal
from certificates.services import certificate_issue
from courses.certificate_sources import course_achievement
from courses.models import CourseCompletion, CoursePage, Enrolment, LessonPage, LessonProgress, QuizAttempt
from courses.permissions import is_course_staff, is_enrolled, self_enrolment_refusal
from courses.quizzes import quiz_answers_parse, quiz_grade, quiz_token_check

logger = logging.getLogger(__name__)

ALREADY_SUBMITTED = gettext_lazy("These answers were already submitted, or belong to another attempt.")


def enrolment_create(*, learner: User, course: CoursePage, actor: User | None = None) -> Enrolment:
    """Enrol a learner. Learners enrol themselves under the course's rules; course staff enrol anyone.

    Idempotent: an active enrolment is returned as it is; a learner who left is enrolled again. One enrolment
    covers every translation of the course: it is recorded on the course's original (``CoursePage.canonical``).
    """
    course = course.canonical()
    by_staff = actor is not None and actor.pk != learner.pk
    if by_staff:
        if not is_course_staff(user=actor, course=course):
            raise Refusal(
                _("Only trainers of the course and administrators of its association enrol others."),
                code="not_course_staff",
            )
    else:
        refusal = self_enrolment_refusal(user=learner, course=course)
        if refusal:
            raise Refusal(refusal, code="enrolment_refused")
    now = timezone.now()
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(learner=learner, course=course).first()
        if enrolment is None:
            try:
                with transaction.atomic():
                    return Enrolment.objects.create(
                        learner=learner, course=course, enrolled_by=actor if by_staff else None, enrolled_at=now
                    )
            except IntegrityError:  # a racing twin enrolled first
                return Enrolment.objects.get(learner=learner, course=course)
        if not enrolment.is_active:
            enrolment.status = Enrolment.Status.ACTIVE
            enrolment.left_at = None
            enrolment.enrolled_at = now
            enrolment.enrolled_by = actor if by_staff else None
            enrolment.left_by = None
            enrolment.save(update_fields=["status", "left_at", "left_by", "enrolled_at", "enrolled_by"])
        return enrolment


@transaction.atomic
def enrolment_leave(*, learner: User, course: CoursePage) -> Enrolment:
    """Leave a course. Progress and attempts are kept, so re-joining continues where the learner stopped."""
    course = course.canonical()
    enrolment = Enrolment.objects.select_for_update().filter(learner=learner, course=course).first()
    if enrolment is None or not enrolment.is_active:
        raise Refusal.conflict(_("You are not enrolled in this course."), code="not_enrolled")
    enrolment.status = Enrolment.Status.LEFT
    enrolment.left_at = timezone.now()
    enrolment.left_by = None
    enrolment.save(update_fields=["status", "left_at", "left_by"])
    return enrolment


@transaction.atomic
def enrolment_remove(*, actor: User, course: CoursePage, learner: User) -> Enrolment:
    """Course staff un-enrol a learner: the enrolment ends (who and when are kept on it); progress, attempts,
    completion and certificate are kept, so enrolling them again continues where they stopped.

    Refused (nothing changed): the actor does not run the course, or the learner is not enrolled.
    """
    course = course.canonical()  # the one enrolment of every translation is kept on the original
    if not is_course_staff(user=actor, course=course):
        raise Refusal(
            _("Only trainers of the course and officers of its association un-enrol participants."),
            code="not_course_staff",
        )
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(learner=learner, course=course).first()
        if enrolment is None or not enrolment.is_active:
            raise Refusal.conflict(
                _("%(person)s is not enrolled in this course.") % {"person": learner.get_full_name() or learner.email},
                code="not_enrolled",
            )
        enrolment.status = Enrolment.Status.LEFT
        enrolment.left_at = timezone.now()
        enrolment.left_by = actor
        enrolment.save(update_fields=["status", "left_at", "left_by"])
    logger.info("enrolment %s ended by %s", enrolment.pk, actor.pk)
    return enrolment


def lesson_visit_record(*, learner: User, lesson: LessonPage) -> LessonProgress:
    """Note that an enrolled learner opened a lesson now (for "continue where you left off"), in any translation."""
    lesson = lesson.canonical()
    now = timezone.now()
    updated = LessonProgress.objects.filter(learner=learner, lesson=lesson).update(visited_at=now)
    if updated:
        return LessonProgress(learner=learner, lesson=lesson, visited_at=now)
    try:
        with transaction.atomic():
            return LessonProgress.objects.create(learner=learner, lesson=lesson, visited_at=now)
    except IntegrityError:  # the same learner opened it twice at once
        LessonProgress.objects.filter(learner=learner, lesson=lesson).update(visited_at=now)
        return LessonProgress.objects.get(learner=learner, lesson=lesson)


def _lesson_mark_completed(*, learner: User, lesson: LessonPage) -> bool:
    """Set completed_at once (on the lesson's original). True when this call completed the lesson."""
    lesson = lesson.canonical()
    progress, _created = LessonProgress.objects.get_or_create(learner=learner, lesson=lesson)
    changed = LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    return bool(changed)


def lesson_complete(*, learner: User, lesson: LessonPage) -> CourseCompletion | None:
    """ "Mark complete" for a reading lesson. Lessons with graded activities complete by passing them."""
    course = lesson.course()
    if not is_enrolled(user=learner, course=course):
        raise Refusal(_("You are not enrolled in this course."), code="not_enrolled")
    if lesson.graded_block_ids():
        raise Refusal.conflict(_("This lesson completes when you pass its activities."), code="graded_lesson")
    with transaction.atomic():
        _lesson_mark_completed(learner=learner, lesson=lesson)
        return course_completion_refresh(learner=learner, course=course, language=lesson.locale.language_code)


def lesson_progress_refresh(*, learner: User, lesson: LessonPage) -> CourseCompletion | None:
    """Complete a lesson whose graded activities are all passed, then check the course. Safe to repeat."""
    from courses.selectors import lesson_graded_state

    course = lesson.course()
    if not is_enrolled(user=learner, course=course):
        return None
    state = lesson_graded_state(user=learner, lesson=lesson)
    with transaction.atomic():
        if state and all(state.values()):
            _lesson_mark_completed(learner=learner, lesson=lesson)
        return course_completion_refresh(learner=learner, course=course, language=lesson.locale.language_code)


def quiz_attempt_submit(
    *, learner: User, lesson_id: int, block_id: str, token: str, data: dict[str, list[str]]
) -> QuizAttempt:
    """Grade a quiz on the server against the live lesson, record the attempt and update progress.

    Refused (nothing written): not enrolled, an answer sheet of another learner, lesson, quiz or attempt,
    a quiz already passed, over the attempt limit, incomplete or malformed answers. A double submission of one
    sheet records one attempt.
    """
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise Refusal.not_found(_("This lesson is not available."), code="lesson_unavailable")
    block = next((child for child in lesson.body if child.block_type == "quiz" and child.id == block_id), None)
    if block is None:
        raise Refusal.conflict(_("This quiz is no longer part of the lesson."), code="quiz_gone")
    course = lesson.course()
    if not is_enrolled(user=learner, course=course):
        raise Refusal(_("Enrol in this course to take its quizzes."), code="not_enrolled")
    number = quiz_token_check(token=token, learner_id=learner.pk, lesson_id=lesson.pk, block_id=block_id)
    quiz = block.value
    earlier = QuizAttempt.objects.filter(learner=learner, lesson=lesson, block_id=block_id)
    used = earlier.count()
    if number != used + 1:
        raise Refusal.conflict(ALREADY_SUBMITTED, code="already_submitted")
    if earlier.filter(passed=True).exists():
        raise Refusal.conflict(_("You have already passed this quiz."), code="quiz_passed")
    if quiz["attempt_limit"] and used >= quiz["attempt_limit"]:
        raise Refusal.conflict(_("You have used all your attempts at this quiz."), code="no_attempts_left")
    grade = quiz_grade(quiz=quiz, answers=quiz_answers_parse(quiz=quiz, data=data))
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                learner=learner,
                lesson=lesson,
                block_id=block_id,
                number=number,
                answers=grade.answers,
                results=grade.results,
                score=grade.score,
                passed=grade.passed,
            )
    except IntegrityError as error:  # the same sheet submitted twice at once
        raise Refusal.conflict(ALREADY_SUBMITTED, code="already_submitted") from error
    lesson_progress_refresh(learner=learner, lesson=lesson)
    return attempt


def course_completion_refresh(*, learner: User, course: CoursePage, language: str = "") -> CourseCompletion | None:
    """Record the completion once the course's rule is met; the certificate follows on commit.

    Idempotent under retries and double clicks: one CourseCompletion per learner and course, whatever the
    translations used (it is recorded on the course's original). ``language`` is that of the translation the
    learner finished in (default: the course page's): the certificate is printed in it.
    """
    from courses.selectors import course_progress

    language = language or course.locale.language_code
    course = course.canonical()
    existing = CourseCompletion.objects.filter(learner=learner, course=course).first()
    if existing is not None:
        return existing
    if not course_progress(user=learner, course=course).is_complete:
        return None
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(learner=learner, course=course, language=language)
    except IntegrityError:
        return CourseCompletion.objects.get(learner=learner, course=course)
    from courses.tasks import course_certificate_issue_task

    transaction.on_commit(lambda: course_certificate_issue_task.delay(completion.pk))
    return completion


def course_certificate_issue(*, completion: CourseCompletion):
    """THE call site for course certificates: one per completion (certificate_issue is idempotent).

    None while the learner has no name to print: certificates holds the request and issues it when they give one.
    """
    course = completion.course  # the original: one certificate for the course in all its languages
    taken = course_in_language(course, completion.language)
    achievement = course_achievement(taken)
    return certificate_issue(
        recipient=completion.learner,
        achievement_title=achievement.title,
        kind=achievement.kind,
        cpd_hours=achievement.cpd_hours,
        issuer=achievement.issuer,
        source=course,
        language=taken.locale.language_code,
    )


def course_in_language(course: CoursePage, language: str) -> CoursePage:
    """The live translation of ``course`` in ``language``, else the course itself."""
    if not language or course.locale.language_code == language:
        return course
    translation = (
        CoursePage.objects.live()
        .filter(translation_key=course.translation_key, locale__language_code=language)
        .select_related("issuer", "locale")
        .first()
    )
    return translation or course
