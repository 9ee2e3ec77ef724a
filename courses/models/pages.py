"""The pages trainers write in Wagtail: the catalogue, courses and their lessons."""

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BaseStreamBlock
from cms.tracks import Track
from cms.visibility import KnownViewRestrictionsMixin
from courses.blocks import LessonBodyBlock
from courses.page_forms import AuthoringPageForm, CoursePageForm


def canonical_page(page):
    """The first-created of a page's translations (the original): one course, however many languages.

    Enrolments, lesson progress and completions always point at it, whatever translation the learner used,
    so a course is one course across its translations. The original is stable: later translations only ever
    get larger ids, and learners' records protect it from deletion. One query, remembered on the page; none for a
    page loaded with ``original_pk`` (``with_original_pk``) that is its own original.
    """
    if getattr(page, "_canonical", None) is None:
        # The preview of a page never saved, or a page loaded knowing it is its own original.
        if page.pk is None or getattr(page, "original_pk", None) == page.pk:
            page._canonical = page
        else:
            first = type(page).objects.filter(translation_key=page.translation_key).order_by("pk").first()
            page._canonical = page if first is None or first.pk == page.pk else first
    return page._canonical


def with_original_pk(pages: models.QuerySet) -> models.QuerySet:
    """``pages`` annotated with ``original_pk``, the id of each one's original (see ``canonical_page``), in the same
    query: a page that is its own original (most are) then needs no second query to know it."""
    originals = pages.model.objects.filter(translation_key=models.OuterRef("translation_key")).order_by("pk")
    return pages.annotate(original_pk=models.Subquery(originals.values("pk")[:1]))


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Language(models.TextChoices):
    """The language a course is taught in (its pages may be translated into others)."""

    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")
    ESTONIAN = "et", _("Estonian")
    LATVIAN = "lv", _("Latvian")
    LITHUANIAN = "lt", _("Lithuanian")
    UKRAINIAN = "uk", _("Ukrainian")
    FINNISH = "fi", _("Finnish")
    GERMAN = "de", _("German")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class EnrolmentMode(models.TextChoices):
    OPEN = "open", _("Open: anyone with an account may enrol")
    MEMBERS = "members", _("Members of the issuing association only")
    CLOSED = "closed", _("Closed: trainers and association administrators enrol people")


CATALOGUE_PAGE_SIZE = 24  # course cards a page in the catalogue


class CourseIndexPage(KnownViewRestrictionsMixin, Page):
    """The course catalogue of one language: filters by track, level, language and skill, and a search."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")

    def permissions_for_user(self, user):
        """Trainers add courses here; the catalogue page itself is the site administrators' (courses.authoring)."""
        from courses.authoring import CatalogueTester

        return CatalogueTester(user, self)

    def route(self, request, path_components):
        """A course in one query (Wagtail's own routing asks for the child page, then for its specific type), with its
        issuer and whether it is its own original; anything else is routed as Wagtail does."""
        if path_components:
            course = (
                with_original_pk(CoursePage.objects.child_of(self).filter(slug=path_components[0]))
                .select_related("issuer")
                .first()
            )
            if course is not None:
                course._cached_parent_obj = self
                return course.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from courses.forms import CatalogueFilterForm
        from courses.pagination import PAGE_PARAMETER, page_with_count
        from courses.selectors import card_details_load, catalogue_languages, course_catalogue, courses_with_progress

        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None, locale=self.locale_id, languages=catalogue_languages())
        filters = form.cleaned_data if form.is_valid() else {}
        courses = course_catalogue(index=self, **filters)
        page_obj = page_with_count(courses, number=request.GET.get(PAGE_PARAMETER), per_page=CATALOGUE_PAGE_SIZE)
        # The cards' skills and covers, and each one's ``viewer_progress``: for this page's courses only.
        card_details_load(page_obj.object_list)
        courses_with_progress(user=request.user, courses=page_obj.object_list)
        context["filter_form"] = form
        context["page_obj"] = page_obj
        context["filtered"] = any(filters.values())
        return context


class CoursePage(KnownViewRestrictionsMixin, Page):
    """A course: what it teaches, who may enrol, who issues its certificate; lessons are its children."""

    summary = models.TextField(_("summary"), max_length=600, help_text=_("Shown in the catalogue."))
    description = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("description"))
    cover = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
        help_text=_("Shown on the course's card in the catalogue and on track pages (landscape, 16:9 works best)."),
    )
    track = models.CharField(_("track"), max_length=32, choices=Track.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.INTRODUCTORY)
    language = models.CharField(_("language of instruction"), max_length=8, choices=Language.choices, default="en")
    estimated_hours = models.DecimalField(_("estimated hours of study"), max_digits=5, decimal_places=1, default=1)
    cpd_hours = models.DecimalField(
        _("CPD hours awarded"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Continuing professional development hours on the certificate."),
    )
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="courses_trained", verbose_name=_("trainers")
    )
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisite courses"),
        help_text=_("Learners complete these before they may enrol themselves."),
    )
    skills = ParentalManyToManyField("courses.Skill", blank=True, related_name="courses", verbose_name=_("skills"))
    enrolment_mode = models.CharField(
        _("enrolment"), max_length=10, choices=EnrolmentMode.choices, default=EnrolmentMode.OPEN
    )
    issuer = models.ForeignKey(
        "accounts.Association",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("issuing association"),
        help_text=_("Its members may enrol in member-only courses; it issues the certificate."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("No self-enrolment after this date."))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("track"), FieldPanel("level"), FieldPanel("language")]),
                FieldRowPanel([FieldPanel("estimated_hours"), FieldPanel("cpd_hours")]),
                FieldPanel("skills", widget=forms.CheckboxSelectMultiple),
                FieldPanel("prerequisites"),
            ],
            heading=_("What the course teaches and awards"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuer"),
                FieldPanel("enrolment_mode"),
                FieldPanel("trainers"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            ],
            heading=_("Who runs it and who may enrol"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("track"),
        index.FilterField("level"),
        index.FilterField("language"),
    ]

    base_form_class = CoursePageForm
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    # Lessons are listed in the admin as learners meet them (outline order), not by their last change.
    admin_default_ordering = "ord"

    class Meta:
        verbose_name = _("course")
        constraints = [
            models.CheckConstraint(condition=models.Q(cpd_hours__gte=0), name="courses_course_cpd_hours_gte_0"),
            models.CheckConstraint(
                condition=models.Q(estimated_hours__gte=0), name="courses_course_estimated_hours_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="courses_course_ends_after_start",
            ),
        ]

    def route(self, request, path_components):
        """A lesson in one query, with the course's live lessons (its page shows the outline): each is told that this
        page is its course, and the course keeps them (``live_lessons``). Routed to the course itself, its live
        lessons are loaded here for its outline, so that they are kept with the route (cms.routing)."""
        if not path_components and self.live:
            lessons = list(with_original_pk(LessonPage.objects.child_of(self).live()).order_by("path"))
            for lesson in lessons:
                lesson._cached_parent_obj = self
                lesson._course = self
            self._live_lessons = lessons
        if path_components:
            slug = path_components[0]
            children = LessonPage.objects.child_of(self).filter(models.Q(live=True) | models.Q(slug=slug))
            lessons = list(with_original_pk(children).order_by("path"))
            lesson = next((candidate for candidate in lessons if candidate.slug == slug), None)
            if lesson is not None:
                for candidate in lessons:
                    candidate._cached_parent_obj = self
                    candidate._course = self
                self._live_lessons = [candidate for candidate in lessons if candidate.live]
                return lesson.route(request, path_components[1:])
        return super().route(request, path_components)

    def live_lessons(self) -> list["LessonPage"]:
        """The live lessons in outline order: one query, none when routing to one of them loaded them already (kept
        with the route, cms.routing, until a page changes: a lesson added or published later is never missed)."""
        routed = getattr(self, "_live_lessons", None)
        if routed is not None:
            return list(routed)
        return list(LessonPage.objects.child_of(self).live().order_by("path"))

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_overview

        context = super().get_context(request, *args, **kwargs)
        context.update(course_overview(course=self, user=request.user))
        return context

    def permissions_for_user(self, user):
        """Its trainers edit, preview and publish it within the Trainers group's rights (courses.authoring)."""
        from courses.authoring import CoursePageTester

        return CoursePageTester(user, self, course=self)

    def canonical(self) -> "CoursePage":
        """The page learners' records point at: the first of the course's translations (see ``canonical_page``)."""
        return canonical_page(self)


class LessonPage(KnownViewRestrictionsMixin, Page):
    """A lesson of a course, in tree order. Lessons with graded activities complete when all are passed."""

    section = models.CharField(
        _("section heading"),
        max_length=120,
        blank=True,
        help_text=_("Starts a new section of the course outline at this lesson."),
    )
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_(
            "Required lessons count towards completion; a required lesson with a quiz or a graded H5P activity "
            "completes when they are passed. Optional lessons never hold completion back."
        ),
    )
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("section"), FieldPanel("required"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    base_form_class = AuthoringPageForm
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def graded_block_ids(self) -> list[str]:
        """Ids of the quizzes and graded H5P activities, read from the raw stream (no snippet queries)."""
        ids = []
        for item in self.body.raw_data:
            value = item.get("value") or {}
            if item["type"] == "quiz" or (item["type"] == "h5p" and value.get("graded")):
                ids.append(item["id"])
        return ids

    @property
    def counts_for_completion(self) -> bool:
        """Only required lessons count: an optional lesson never holds completion back, quiz or not."""
        return self.required

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_view_context

        context = super().get_context(request, *args, **kwargs)
        # What serve() asked already (for this request only): whether the viewer is enrolled, their completion.
        asked = getattr(self, "_viewer_access", {}).get(request)
        known = {"enrolled": asked.enrolled} if asked is not None else {}
        if asked is not None and asked.enrolled:
            known["completion"] = asked.completion
        context.update(
            lesson_view_context(lesson=self, course=self.course(), user=request.user, request=request, **known)
        )
        return context

    def serve(self, request, *args, **kwargs):
        """Enrolled learners (and course staff) open lessons; a learner's visit is recorded."""
        from courses.permissions import lesson_can_open
        from courses.services import lesson_visit_record

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        course = self.course()
        decision = lesson_can_open(user=request.user, course=course)
        if not decision.allowed:
            return TemplateResponse(
                request,
                "courses/lesson_locked.html",
                {"page": self, "course": course, "reason": decision.reason},
                status=403,
            )
        # Asked once, with the learner's completion: the page and its H5P players need them again (for this request
        # only).
        self._viewer_access = {request: decision}
        if decision.enrolled:
            lesson_visit_record(learner=request.user, lesson=self)
        return super().serve(request, *args, **kwargs)

    def permissions_for_user(self, user):
        """The trainers of its course edit it (courses.authoring)."""
        from courses.authoring import CoursePageTester

        return CoursePageTester(user, self, course=self.course())

    def canonical(self) -> "LessonPage":
        """The page learners' progress points at: the first of the lesson's translations."""
        return canonical_page(self)

    def course(self) -> "CoursePage":
        """The parent course in one query (issuer included), remembered for the request."""
        if getattr(self, "_course", None) is None:
            self._course = CoursePage.objects.select_related("issuer").get(path=self.path[: -self.steplen])
        return self._course
