"""What the platform records about learners: enrolments, progress, quiz attempts and completions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    """A learner's place in a course. One per learner and course; leaving keeps the row (re-joining reuses it).

    ``course`` (like ``lesson`` and ``course`` on progress and completions) is always the course's canonical page
    (``CoursePage.canonical``): one enrolment covers every translation of the course.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Enrolled")
        LEFT = "left", _("Left")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("learner")
    )
    # PROTECT (here and on progress, attempts, completions): a page with learners' records is never deleted;
    # courses.authoring refuses it first, with a message.
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enrolled by"),
        help_text=_("Empty when learners enrolled themselves."),
    )
    enrolled_at = models.DateTimeField(_("enrolled"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("un-enrolled by"),
        help_text=_("Who ended the enrolment; empty when learners left themselves."),
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="courses_enrolment_one_per_learner"),
            models.CheckConstraint(
                condition=models.Q(status="active", left_at__isnull=True)
                | models.Q(status="left", left_at__isnull=False),
                name="courses_enrolment_left_at_iff_left",
            ),
        ]

    def __str__(self):
        return f"{self.learner} in {self.course_id} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class LessonProgress(models.Model):
    """When a learner first opened a lesson and when they completed it."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="progress")
    visited_at = models.DateTimeField(_("last visited"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="courses_lessonprogress_one_per_learner"),
        ]

    def __str__(self):
        return f"{self.learner} / lesson {self.lesson_id}"


class QuizAttempt(models.Model):
    """One graded submission of a quiz block. Numbered per learner, lesson and block; graded on the server."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="quiz_attempts")
    block_id = models.CharField(_("quiz block"), max_length=64)
    number = models.PositiveSmallIntegerField(_("attempt"))
    answers = models.JSONField(_("answers"), default=dict)
    results = models.JSONField(_("results per question"), default=list)
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["lesson_id", "block_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson", "block_id", "number"], name="courses_quizattempt_number_unique"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="courses_quizattempt_number_gte_1"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="courses_quizattempt_score_lte_100"),
        ]

    def __str__(self):
        return f"{self.learner} quiz {self.block_id} #{self.number}: {self.score}%"


class CourseCompletion(models.Model):
    """A learner completed a course: recorded once; the certificate follows on commit."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)
    # The language of the translation the learner finished in: the certificate is printed in it.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="courses_coursecompletion_one_per_learner"),
        ]

    def __str__(self):
        return f"{self.learner} completed {self.course_id}"
