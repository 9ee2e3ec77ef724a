"""Demo courses: one real course per training track, with lessons, a quiz and an interactive H5P item each.

The words live in data files: ``lms/demo/content/catalogue.json`` (the catalogue and the order of the courses)
and ``lms/demo/content/courses/<slug>.json`` (a course, its lessons and its H5P true-or-false question, in English
and, where translated, Russian); ``lms.demo.texts`` reads them. The H5P items are built from the libraries of
``lms/demo/h5p/true-false.h5p`` by ``lms.demo.h5p_packages``.

``courses_seed(site_root=..., trainer=..., association=...)`` is safe to run twice: pages are found by slug
under their parent and left as they are, and each H5P package is uploaded once (by content hash).
``build_courses()`` is the seed_demo step: it finds the home page, the trainer and the association first.
"""

import uuid

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from wagtail.models import Locale, Page, Site

from accounts.models import Association, User
from accounts.roles import TRAINERS_GROUP
from cms.models import MenuLink, NavigationSettings
from cms.services import trainers_grant_section
from courses.models import CourseIndexPage, CoursePage, LessonPage, Skill
from lms.demo.h5p_packages import true_false_package
from lms.demo.texts import content_load, stream


def _catalogue() -> dict:
    return content_load("catalogue.json")


def _courses() -> list[dict]:
    """The demo courses' data, in catalogue order."""
    return [content_load(f"courses/{slug}.json") for slug in _catalogue()["courses"]]


def _with_ids(blocks: list[dict]) -> list[dict]:
    return [{**block, "id": str(uuid.uuid4())} for block in blocks]


def _h5p_package_id(*, spec: dict, language: str, uploaded_by) -> int:
    """The course's H5P item in ``language``, uploaded through the h5p app's own validation (once, by content hash).

    Its libraries are code, which only a site administrator installs: the demo uploads as one when there is
    one (else as the trusted demo command itself), never as the trainer.
    """
    from h5p.services import library_may_install, package_upload

    if not library_may_install(uploaded_by):
        uploaded_by = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    activity = spec["h5p"]
    texts = activity[language]
    data = true_false_package(
        title=texts["title"],
        language=language,
        question=texts["question"],
        correct=activity["correct"] == "true",
        feedback_correct=texts.get("feedback_correct", ""),
        feedback_wrong=texts.get("feedback_wrong", ""),
    )
    upload = SimpleUploadedFile(f"{spec['slug']}.{language}.h5p", data, content_type="application/zip")
    return package_upload(uploaded_file=upload, title=texts["title"], uploaded_by=uploaded_by).pk


def _lesson_body(*, spec: dict, lesson: dict, language: str, uploaded_by) -> list[dict]:
    """The lesson's StreamField data in ``language``, with the course's H5P item where the text places it."""
    body = lesson[language]["body"]
    h5p = None
    if any("h5p" in item for item in body):
        activity = spec["h5p"]
        h5p = {
            "package": _h5p_package_id(spec=spec, language=language, uploaded_by=uploaded_by),
            "title": activity[language]["title"],
            "graded": activity["graded"],
            "pass_mark": activity["pass_mark"],
        }
    return _with_ids(stream(body, h5p=h5p))


def _child(parent: Page, model, slug: str, **fields) -> Page:
    """The ``model`` page with ``slug`` under ``parent``; created and published if missing, else left alone."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision(user=None).publish()
    return page


@transaction.atomic
def courses_seed(*, site_root: Page, trainer: User, association: Association) -> list[CoursePage]:
    """The catalogue under ``site_root`` and three demo courses by ``trainer``, issued by ``association``."""
    catalogue = _catalogue()
    index = _child(site_root, CourseIndexPage, catalogue["slug"], **catalogue["en"])
    locale = index.locale
    courses = []
    for spec in _courses():
        course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if course is None:
            course = index.add_child(
                instance=CoursePage(
                    slug=spec["slug"],
                    title=spec["en"]["title"],
                    summary=spec["en"]["summary"],
                    track=spec["track"],
                    level=spec["level"],
                    language="en",
                    estimated_hours=spec["estimated_hours"],
                    cpd_hours=spec["cpd_hours"],
                    issuer=association,
                )
            )
            course.trainers.set([trainer])
            course.skills.set(Skill.objects.filter(locale=locale, name__in=spec["skills"]))
            course.save_revision(user=trainer).publish()
        for lesson in spec["lessons"]:
            if LessonPage.objects.child_of(course).filter(slug=lesson["slug"]).exists():
                continue
            _child(
                course,
                LessonPage,
                lesson["slug"],
                title=lesson["en"]["title"],
                section=lesson["en"].get("section", ""),
                required=lesson.get("required", True),
                body=_lesson_body(spec=spec, lesson=lesson, language="en", uploaded_by=trainer),
            )
        courses.append(course)
    return courses


def build_courses() -> list:
    """The seed_demo step: runs after the site and people steps; prints no extra logins."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    trainer = User.objects.filter(groups__in=Group.objects.filter(name=TRAINERS_GROUP)).order_by("pk").first()
    association = Association.objects.order_by("pk").first()
    if site is None or trainer is None or association is None:
        raise RuntimeError("build_courses needs the demo site, a user in the Trainers group and an association.")
    courses = courses_seed(site_root=site.root_page.specific, trainer=trainer, association=association)
    catalogue = courses[0].get_parent()
    _menu_link_ensure(site, catalogue)
    russian = Locale.objects.filter(language_code="ru").first()
    if russian is not None:
        _russian_skills(russian)
        _russian_courses(russian, courses, uploaded_by=trainer)
    trainers_grant_section(page=catalogue)  # after the Russian catalogue exists: it covers translations
    return []


def _menu_link_ensure(site: Site, page: Page) -> None:
    """The catalogue in the main menu, once."""
    nav = NavigationSettings.for_site(site)
    if not MenuLink.objects.filter(setting=nav, page=page).exists():
        MenuLink.objects.create(setting=nav, page=page, sort_order=MenuLink.objects.filter(setting=nav).count())


def _translate(page: Page, locale: Locale, **fields) -> Page:
    """The translation of ``page`` into ``locale``, created and published once (later runs leave it alone)."""
    translation = page.get_translation_or_none(locale)
    if translation is not None:
        return translation.specific
    translation = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def _russian_courses(russian: Locale, courses: list[CoursePage], *, uploaded_by: User) -> None:
    """The Russian catalogue (under the Russian home page) and the courses the data files translate."""
    index = courses[0].get_parent().specific
    if index.get_parent().get_translation_or_none(russian) is None:
        return  # the site step did not translate the home page
    _translate(index, russian, **_catalogue()["ru"])
    specs = {spec["slug"]: spec for spec in _courses()}
    for course in courses:
        spec = specs.get(course.slug)
        if spec is None or "ru" not in spec:
            continue
        translated = _translate(course, russian, **spec["ru"], language="ru")
        skills = [skill.get_translation_or_none(russian) or skill for skill in course.skills.all()]
        if set(translated.skills.all()) != set(skills):
            translated.skills.set(skills)
            translated.save_revision().publish()
        lessons = {lesson["slug"]: lesson for lesson in spec["lessons"]}
        for lesson in LessonPage.objects.child_of(course).order_by("path"):
            texts = lessons[lesson.slug]
            if lesson.get_translation_or_none(russian) is not None:
                continue
            _translate(
                lesson,
                russian,
                title=texts["ru"]["title"],
                body=_lesson_body(spec=spec, lesson=texts, language="ru", uploaded_by=uploaded_by),
            )


def _russian_skills(russian: Locale) -> None:
    """Russian names for the seeded skills (the migration ran before the site had a Russian locale)."""
    from importlib import import_module

    seed = import_module("courses.migrations.0002_seed_skills")
    default = Locale.get_default()
    for _category, name, _description, ru_name, ru_description in seed.SKILLS:
        skill = Skill.objects.filter(locale=default, name=name).first()
        if skill is None or skill.get_translation_or_none(russian) is not None:
            continue
        translation = skill.copy_for_translation(russian)
        translation.name = ru_name
        translation.description = ru_description
        translation.save()
