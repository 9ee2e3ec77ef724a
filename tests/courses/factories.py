"""Course pages and their parts, built the way Wagtail builds them (add_child, live)."""

import uuid
from itertools import count

from wagtail.models import Locale, Page, Site

from cms.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage

_numbers = count(1)


def home_page() -> HomePage:
    """The site root: a HomePage under Wagtail's root, served by the default site."""
    existing = HomePage.objects.first()
    if existing is not None:
        return existing
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title="LIS Commons", slug="lis-commons"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "site_name": "LIS Commons"}
    )
    return home


def catalogue() -> CourseIndexPage:
    existing = CourseIndexPage.objects.first()
    if existing is not None:
        return existing
    return home_page().add_child(instance=CourseIndexPage(title="Courses", slug="courses"))


def course_create(*, issuer, title=None, trainers=(), skills=(), **fields) -> CoursePage:
    number = next(_numbers)
    title = title or f"Course {number}"
    defaults = {"summary": f"What {title} teaches.", "track": "media-literacy", "cpd_hours": 4}
    course = CoursePage(title=title, slug=f"course-{number}", issuer=issuer, **{**defaults, **fields})
    course = catalogue().add_child(instance=course)
    if trainers or skills:
        course.trainers.set(trainers)
        course.skills.set(skills)
        course.save()
    return course


def paragraph(text="A paragraph about checking sources.") -> dict:
    return {"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())}


def question(text, options, *, kind="single", feedback="") -> dict:
    """options: (text, correct) pairs."""
    return {
        "kind": kind,
        "text": text,
        "options": [{"text": option, "correct": correct} for option, correct in options],
        "feedback": feedback,
    }


def quiz_block(*, questions=None, pass_mark=50, attempt_limit=2, block_id=None) -> dict:
    questions = questions or [
        question(
            "Which source is primary?",
            [("The original dataset", True), ("A blog summary", False)],
            feedback="The dataset is the source itself.",
        ),
        question("Fact-checkers publish their methods.", [("True", True), ("False", False)], kind="true_false"),
    ]
    return {
        "type": "quiz",
        "id": block_id or str(uuid.uuid4()),
        "value": {
            "title": "Check your understanding",
            "introduction": "",
            "questions": questions,
            "pass_mark": pass_mark,
            "attempt_limit": attempt_limit,
        },
    }


def lesson_create(course, *, title=None, body=None, **fields) -> LessonPage:
    number = next(_numbers)
    title = title or f"Lesson {number}"
    lesson = LessonPage(title=title, slug=f"lesson-{number}", body=body or [paragraph()], **fields)
    return course.add_child(instance=lesson)


def russian_home() -> Locale:
    """The Russian locale with the home page and catalogue translated (as the demo site has them)."""
    russian, _created = Locale.objects.get_or_create(language_code="ru")
    home = home_page()
    if home.get_translation_or_none(russian) is None:
        home.copy_for_translation(russian).save_revision().publish()
    index = catalogue()
    if index.get_translation_or_none(russian) is None:
        index.copy_for_translation(russian).save_revision().publish()
    return russian


def translate(page, *, title=None, body=None, **fields):
    """The page's Russian translation, published (a course's is made before its lessons')."""
    russian = russian_home()
    translation = page.copy_for_translation(russian).specific
    translation.title = title or f"{page.title} (ru)"
    if body is not None:
        translation.body = body
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


def h5p_answered(*, package_id: int, context_key: str, raw: int) -> dict:
    """The xAPI statement the H5P player sends after Check, scored ``raw`` out of 1."""
    from h5p.services import activity_iri

    return {
        "id": str(uuid.uuid4()),
        "actor": {"name": "Someone", "mbox": "mailto:someone@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"id": activity_iri(package_id=package_id, context_key=context_key), "objectType": "Activity"},
        "result": {"score": {"min": 0, "max": 1, "raw": raw}, "completion": True, "success": raw == 1},
    }
