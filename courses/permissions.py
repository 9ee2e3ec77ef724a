"""Who may do what with a course. Reads only; the services and views enforce these rules."""

from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from courses.models import CourseCompletion, CoursePage, Enrolment, EnrolmentMode


def is_enrolled(*, user, course: CoursePage) -> bool:
    """True when the user has an active enrolment in the course, in any of its translations (left or never: False)."""
    return Enrolment.objects.filter(
        learner=user, course__translation_key=course.translation_key, status=Enrolment.Status.ACTIVE
    ).exists()


def is_course_staff(*, user, course: CoursePage) -> bool:
    """Trainers of the course, officers of its issuing association and site administrators run the course."""
    return roles.runs(user, course, course.issuer_id)


def self_enrolment_refusal(*, user, course: CoursePage) -> str | None:
    """Why this user may not enrol themselves, or None when they may."""
    if course.enrolment_mode == EnrolmentMode.CLOSED:
        return _("Enrolment in this course is by invitation: its trainers enrol participants.")
    if course.ends_on and course.ends_on < timezone.localdate():
        return _("This course has ended; it no longer takes new participants.")
    if course.enrolment_mode == EnrolmentMode.MEMBERS and not roles.is_current_member(user, course.issuer_id):
        return _("This course is for current members of %(association)s.") % {"association": course.issuer.name}
    # By ids: in a preview ``course.prerequisites`` is an in-memory FakeQuerySet that cannot follow relations.
    prerequisite_ids = [page.pk for page in course.prerequisites.all()]
    # Completions point at a course's original: a prerequisite completed in any language counts.
    completed = CourseCompletion.objects.filter(learner=user).values("course__translation_key")
    missing = list(
        CoursePage.objects.filter(pk__in=prerequisite_ids)
        .exclude(translation_key__in=completed)
        .values_list("title", flat=True)
    )
    if missing:
        return _("Complete the prerequisite courses first: %(titles)s.") % {"titles": ", ".join(sorted(missing))}
    return None


def enrolment_of(*, user, course: CoursePage) -> tuple[Enrolment | None, CourseCompletion | None]:
    """The learner's enrolment in the course (active or not; None when never enrolled) and their completion of it,
    in one query: the enrolment with the completion joined to it (both are recorded on the course's original,
    ``CoursePage.canonical``, whatever translation the learner used). A course that knows its original's id
    (routed: ``with_original_pk``) is matched by it, without joining pages."""
    original_pk = getattr(course, "original_pk", None)
    if original_pk is not None:
        enrolments = Enrolment.objects.filter(learner=user, course_id=original_pk)
    else:
        enrolments = Enrolment.objects.filter(learner=user, course__translation_key=course.translation_key)
    fields = ("id", "course_id", "completed_at", "language")
    enrolment = (
        enrolments.annotate(
            completion=FilteredRelation("course__completions", condition=Q(course__completions__learner=user)),
            **{f"completion_{field}": F(f"completion__{field}") for field in fields},
        )
        .order_by("-enrolled_at")
        .first()
    )
    if enrolment is None or enrolment.completion_id is None:
        return enrolment, None
    completion = CourseCompletion(
        learner_id=user.pk, **{field: getattr(enrolment, f"completion_{field}") for field in fields}
    )
    completion._state.adding = False
    completion._state.db = enrolments.db
    return enrolment, completion


def enrolment_with_completion(*, user, course: CoursePage) -> tuple[bool, CourseCompletion | None]:
    """``is_enrolled`` and, for an enrolled learner, their completion of the course (any translation: the one
    ``courses.selectors.course_progress`` reads) in one query (``enrolment_of``)."""
    enrolment, completion = enrolment_of(user=user, course=course)
    if enrolment is None or not enrolment.is_active:
        return False, None
    return True, completion


@dataclass(frozen=True)
class LessonAccess:
    allowed: bool
    enrolled: bool = False
    reason: str = ""
    completion: CourseCompletion | None = None  # the enrolled learner's, read with the enrolment


def lesson_can_open(*, user, course: CoursePage) -> LessonAccess:
    """Enrolled learners open lessons; course staff open them to check (their visits are not recorded)."""
    enrolled, completion = enrolment_with_completion(user=user, course=course)
    if enrolled:
        return LessonAccess(allowed=True, enrolled=True, completion=completion)
    if is_course_staff(user=user, course=course):
        return LessonAccess(allowed=True)
    return LessonAccess(allowed=False, reason=_("Enrol in this course to open its lessons."))
