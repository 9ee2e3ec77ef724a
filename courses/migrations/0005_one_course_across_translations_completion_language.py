"""One course across its translations: learners' records move to the course's (and lesson's) original.

Before, enrolling in the Russian translation of a course made a second enrolment, progress and completion. Every
enrolment, lesson progress and completion now points at the first-created translation (``canonical_page``);
duplicates a learner made in two languages are merged (the earliest completion and enrolment kept, lesson
progress combined). Quiz attempts stay on the lesson they were taken in (their block ids are that page's).
Certificates already issued twice are left to the issuer (revoking one is their decision).
"""

from django.db import migrations, models


def _canonical_of(model) -> dict[int, int]:
    """Page id -> the id of the first of its translations."""
    first: dict = {}
    mapping = {}
    rows = list(model.objects.order_by("pk").values_list("pk", "translation_key"))
    for pk, key in rows:
        first.setdefault(key, pk)
        mapping[pk] = first[key]
    return mapping


def _moves(queryset, field: str, canonical: dict[int, int]):
    """Rows whose ``field`` points at a translation that is not the original, with the original's id."""
    for row in queryset.order_by("pk"):
        target = canonical.get(getattr(row, f"{field}_id"))
        if target is not None and target != getattr(row, f"{field}_id"):
            yield row, target


def records_to_originals(apps, schema_editor):
    CoursePage = apps.get_model("courses", "CoursePage")
    LessonPage = apps.get_model("courses", "LessonPage")
    Enrolment = apps.get_model("courses", "Enrolment")
    LessonProgress = apps.get_model("courses", "LessonProgress")
    CourseCompletion = apps.get_model("courses", "CourseCompletion")

    for completion in CourseCompletion.objects.filter(language="").select_related("course__locale"):
        completion.language = completion.course.locale.language_code
        completion.save(update_fields=["language"])

    courses = _canonical_of(CoursePage)
    lessons = _canonical_of(LessonPage)

    for enrolment, target in _moves(Enrolment.objects.all(), "course", courses):
        twin = Enrolment.objects.filter(learner_id=enrolment.learner_id, course_id=target).first()
        if twin is None:
            enrolment.course_id = target
            enrolment.save(update_fields=["course"])
            continue
        if twin.status != "active" and enrolment.status == "active":
            twin.status, twin.left_at = "active", None
        twin.enrolled_at = min(twin.enrolled_at, enrolment.enrolled_at)
        twin.save(update_fields=["status", "left_at", "enrolled_at"])
        enrolment.delete()

    for progress, target in _moves(LessonProgress.objects.all(), "lesson", lessons):
        twin = LessonProgress.objects.filter(learner_id=progress.learner_id, lesson_id=target).first()
        if twin is None:
            progress.lesson_id = target
            progress.save(update_fields=["lesson"])
            continue
        twin.visited_at = max(filter(None, [twin.visited_at, progress.visited_at]), default=None)
        twin.completed_at = min(filter(None, [twin.completed_at, progress.completed_at]), default=None)
        twin.save(update_fields=["visited_at", "completed_at"])
        progress.delete()

    for completion, target in _moves(CourseCompletion.objects.all(), "course", courses):
        twin = CourseCompletion.objects.filter(learner_id=completion.learner_id, course_id=target).first()
        if twin is None:
            completion.course_id = target
            completion.save(update_fields=["course"])
        elif completion.completed_at < twin.completed_at:
            twin.delete()
            completion.course_id = target
            completion.save(update_fields=["course"])
        else:
            completion.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_trainers_author_in_the_catalogues_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="coursecompletion",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language"),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="required",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Required lessons count towards completion; a required lesson with a quiz or a graded H5P "
                    "activity completes when they are passed. Optional lessons never hold completion back."
                ),
                verbose_name="required",
            ),
        ),
        migrations.RunPython(records_to_originals, migrations.RunPython.noop),
    ]
