"""Who may author which course pages in the Wagtail admin.

Two layers, both Wagtail's own mechanisms:

- **Group page permissions are the ceiling.** The Trainers group holds add, change and publish on each course
  catalogue (the ``courses`` data migration, and ``cms.services.trainers_grant_section`` when the demo builds one)
  and on nothing else: no track page, no home or standard page.
- **Each page narrows it** (``permissions_for_user`` of the page models returns a tester from here). Under a
  catalogue, a person acts only on the courses they train (``accounts.roles.is_trainer_of``) and on those courses'
  lessons; the catalogue page itself is the site administrators'. Nobody deletes a page that holds learners'
  records (enrolments, lesson progress, quiz attempts, completions), and only site administrators unpublish one.

Every admin view (edit, preview, publish, unpublish, delete, move, copy, bulk actions) asks the page's tester, so
the refusal happens on the server, not only in hidden buttons. Site administrators keep Wagtail's rules except the
one about learners' records.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PagePermissionTester

from accounts import roles
from accounts.refusals import Refusal


def page_holds_learner_records(page: Page) -> bool:
    """True when the page, or a page below it, has enrolments, lesson progress, quiz attempts or completions."""
    from courses.models import CourseCompletion, Enrolment, LessonProgress, QuizAttempt

    below = page.path
    return (
        Enrolment.objects.filter(course__path__startswith=below).exists()
        or CourseCompletion.objects.filter(course__path__startswith=below).exists()
        or LessonProgress.objects.filter(lesson__path__startswith=below).exists()
        or QuizAttempt.objects.filter(lesson__path__startswith=below).exists()
    )


def page_delete_refusal(page: Page) -> Refusal | None:
    """Why the page (with its translations, which the admin deletes with it) may not be deleted, or None."""
    for candidate in page.get_translations(inclusive=True):
        if page_holds_learner_records(candidate):
            return Refusal.conflict(
                _(
                    "“%(title)s” holds learners' enrolments, progress or completions, so it cannot be deleted. "
                    "A site administrator may unpublish it instead."
                )
                % {"title": page.get_admin_display_title()},
                code="holds_learner_records",
            )
    return None


def course_create_refusal(user) -> Refusal | None:
    """Why this person may not start a course, or None: a course needs an issuer they may name."""
    if roles.is_site_admin(user) or roles.associations_issuable_by(user).exists():
        return None
    return Refusal(
        _(
            "A course needs an issuing association, and you are not a trainer or an officer of any. Ask an "
            "officer of your association to give you the trainer role."
        ),
        code="no_issuer",
    )


def course_copy_refusal(user, course) -> Refusal | None:
    """Why this person may not copy the course, or None: a copy is a new course in its issuer's name."""
    if roles.is_site_admin(user) or roles.may_issue_for(user, course.issuer_id):
        return None
    return Refusal(
        _("Only trainers and officers of %(association)s may start a new course in its name."),
        params={"association": course.issuer.name},
        code="copy_not_allowed",
    )


class CatalogueTester(PagePermissionTester):
    """Trainers add courses to a catalogue; the catalogue page itself (its text, its place) is the site admins'."""

    def _site_admin_only(self, allowed: bool) -> bool:
        return allowed and self.user.is_superuser

    def can_edit(self):
        return self._site_admin_only(super().can_edit())

    def can_publish(self):
        return self._site_admin_only(super().can_publish())

    def can_unpublish(self):
        return self._site_admin_only(super().can_unpublish())

    def can_delete(self, ignore_bulk=False):
        return self._site_admin_only(super().can_delete(ignore_bulk=ignore_bulk))

    def can_reorder_children(self):
        return self._site_admin_only(super().can_reorder_children())

    def can_lock(self):
        return self._site_admin_only(super().can_lock())


class CoursePageTester(PagePermissionTester):
    """A course or one of its lessons: its trainers act on it within the group's permissions.

    ``course`` is the course itself, or the lesson's course.
    """

    def __init__(self, user, page, *, course):
        super().__init__(user, page)
        self.course = course

    @cached_property
    def trains(self) -> bool:
        if self.user.is_superuser:
            return True
        # The trainers as published (the database row), never as a draft revision lists them: the editor works on
        # the latest revision, and a draft must not grant rights to the people it names.
        published = type(self.course)(pk=self.course.pk)
        return roles.is_trainer_of(self.user, published)

    @cached_property
    def holds_learner_records(self) -> bool:
        return page_holds_learner_records(self.page)

    def _reviewing(self) -> bool:
        """A reviewer of the page's current workflow task opens its editor (Wagtail's moderation)."""
        task = self.page.current_workflow_task
        return bool(task and task.user_can_access_editor(self.page, self.user))

    def can_add_subpage(self):
        return self.trains and super().can_add_subpage()

    def can_edit(self):
        if not self.user.is_active:
            return False
        if self.user.is_superuser:
            return super().can_edit()
        return (self.trains and super().can_edit()) or self._reviewing()

    def can_publish(self):
        return self.trains and super().can_publish()

    def can_publish_subpage(self):
        return self.trains and super().can_publish_subpage()

    def can_reorder_children(self):
        return self.trains and super().can_reorder_children()

    def can_unpublish(self):
        if not super().can_unpublish():
            return False
        return self.user.is_superuser or (self.trains and not self.holds_learner_records)

    def can_delete(self, ignore_bulk=False):
        if self.holds_learner_records:
            return False
        return self.trains and super().can_delete(ignore_bulk=ignore_bulk)

    def can_lock(self):
        return self.trains and super().can_lock()


def explorer_courses_for(user, parent_page: Page, pages: QuerySet) -> QuerySet:
    """In a catalogue's listing, a person who is not a site administrator sees only the courses they train."""
    from courses.models import CourseIndexPage, CoursePage

    if roles.is_site_admin(user) or not issubclass(parent_page.specific_class or Page, CourseIndexPage):
        return pages
    trained = roles.trained_by(user, CoursePage.objects.all()).values("pk")
    return pages.filter(~Q(depth=parent_page.depth + 1) | Q(pk__in=trained))
