"""H5P activities in lessons: the one module where courses meet the h5p app.

The h5p app knows nothing of courses. Courses register the ``courses.lesson`` context with it: each H5P block
of a lesson is played under the key ``courses.lesson:<lesson id>:<block id>``; only the package placed in that block
is scored there. Learners enrolled in the lesson's course may play it, and so may the course's staff (its trainers,
officers of its issuing association and site administrators), in the live lesson and in the preview of a draft.
Every attempt at a live block is recorded under the player's own user, staff's too (they see that their activity
scores); only an enrolled learner's attempt refreshes lesson and course progress (``lesson_progress_refresh`` acts
for enrolled learners only).
"""

PREFIX = "courses.lesson"


def context_key(*, lesson_id: int, block_id: str) -> str:
    return f"{PREFIX}:{lesson_id}:{block_id}"


def context_key_parse(key: str) -> tuple[int, str] | None:
    """(lesson id, block id) from a key of ours, or None for anything else."""
    prefix, _sep, rest = (key or "").partition(":")
    lesson_id, _sep, block_id = rest.partition(":")
    if prefix != PREFIX or not lesson_id.isdigit() or not block_id:
        return None
    return int(lesson_id), block_id


def _h5p_block(lesson, block_id: str) -> dict | None:
    """The raw data of the live lesson's H5P block ``block_id``, or None."""
    return next((item for item in lesson.body.raw_data if item["type"] == "h5p" and item["id"] == block_id), None)


def _lesson_with_h5p_block(key: str):
    from courses.models import LessonPage

    parsed = context_key_parse(key)
    if parsed is None:
        return None
    lesson_id, block_id = parsed
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None or _h5p_block(lesson, block_id) is None:
        return None
    return lesson


def holds_package(key: str, package_id: int) -> bool:
    """True when the live lesson's block ``key`` names plays exactly ``package_id``."""
    lesson = _lesson_with_h5p_block(key)
    if lesson is None:
        return False
    block = _h5p_block(lesson, context_key_parse(key)[1])
    value = block.get("value") if isinstance(block, dict) else None
    placed = value.get("package") if isinstance(value, dict) else None
    return isinstance(placed, int) and not isinstance(placed, bool) and placed == package_id


def can_play(user, key: str) -> bool:
    """Learners with an active enrolment play the activities of the live lesson; the course's staff
    (``accounts.roles.runs``) play any activity of the lesson, including one only a draft they preview holds."""
    if not getattr(user, "is_authenticated", False):
        return False
    parsed = context_key_parse(key)
    if parsed is None:
        return False
    from courses.models import LessonPage

    lesson = LessonPage.objects.filter(pk=parsed[0]).first()
    if lesson is None:
        return False
    return parsed[1] in _playable_blocks(user=user, stored=lesson, block_ids={parsed[1]}, enrolled=None)


def lesson_playable_keys(*, user, lesson, enrolled: bool, preview: bool = False) -> set[str]:
    """The context keys of the H5P blocks of ``lesson`` (as the page shows it) that ``user`` may play: ``can_play``
    for every block at once, so the lesson page decides once, not once per block.

    ``enrolled`` is what the page already asked (``is_enrolled`` in the lesson's course). A live page served is the
    lesson as stored; a preview shows a draft, so the stored lesson is read to know which blocks are live.
    """
    from courses.models import LessonPage

    keys = {item["id"]: context_key(lesson_id=lesson.pk, block_id=item["id"]) for item in _h5p_items(lesson)}
    if not keys or not getattr(user, "is_authenticated", False):
        return set()
    if lesson.pk is None:  # a lesson never saved: its keys name no lesson, and can_play refuses them
        return set()
    stored = lesson
    if preview:
        stored = LessonPage.objects.filter(pk=lesson.pk).first()
        if stored is None:
            return set()
        stored._course = lesson.course()  # the same parent: no second lookup for the staff check
    allowed = _playable_blocks(user=user, stored=stored, block_ids=set(keys), enrolled=enrolled)
    return {keys[block_id] for block_id in allowed}


def _h5p_items(lesson) -> list[dict]:
    return [item for item in lesson.body.raw_data if item["type"] == "h5p"]


def _playable_blocks(*, user, stored, block_ids: set[str], enrolled: bool | None) -> set[str]:
    """The rule behind ``can_play``, for blocks of one lesson: a block of the live lesson (``stored``, the lesson as
    saved) plays for a learner enrolled in its course; any block plays for the course's staff. ``enrolled`` None: it
    is asked here. At most one enrolment query and one staff check, however many blocks."""
    from courses.models import CoursePage, Enrolment
    from courses.permissions import is_course_staff

    live = {item["id"] for item in _h5p_items(stored)} if stored.live else set()
    in_live = block_ids & live

    asked: list[bool] = [] if enrolled is None else [enrolled]

    def is_enrolled() -> bool:
        if not asked:
            # Enrolments point at the course's original: match the parent course of any translation by its key.
            course_key = CoursePage.objects.filter(path=stored.path[: -stored.steplen]).values("translation_key")
            asked.append(
                Enrolment.objects.filter(
                    learner=user, course__translation_key__in=course_key, status=Enrolment.Status.ACTIVE
                ).exists()
            )
        return asked[0]

    if in_live == block_ids and is_enrolled():
        return set(block_ids)
    if is_course_staff(user=user, course=stored.course()):
        return set(block_ids)
    return in_live if in_live and is_enrolled() else set()


def on_attempt(user, key: str, attempt) -> None:
    """A recorded attempt may complete the lesson and then the course."""
    from courses.services import lesson_progress_refresh

    lesson = _lesson_with_h5p_block(key)
    if lesson is not None:
        lesson_progress_refresh(learner=user, lesson=lesson)


def h5p_context_register() -> None:
    """Called from CoursesConfig.ready(): lessons play H5P under the ``courses.lesson`` context."""
    from h5p.access import register_context

    register_context(PREFIX, can_play=can_play, holds_package=holds_package, on_attempt=on_attempt)
