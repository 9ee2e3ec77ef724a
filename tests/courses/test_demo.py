"""The demo courses: one per track, real lessons, a quiz and the H5P package; safe to run twice."""

import pytest

from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.services import enrolment_create
from tests.courses.factories import home_page

pytestmark = pytest.mark.django_db


def test_the_demo_builds_one_course_per_track_and_is_idempotent(client, trainer, association, learner):
    from lms.demo.courses import courses_seed

    home = home_page()
    first = courses_seed(site_root=home, trainer=trainer, association=association)
    second = courses_seed(site_root=home, trainer=trainer, association=association)
    assert [course.pk for course in first] == [course.pk for course in second]
    assert CourseIndexPage.objects.count() == 1
    assert sorted(CoursePage.objects.values_list("track", flat=True)) == [
        "future-lis-skills",
        "media-literacy",
        "online-governance",
    ]
    assert LessonPage.objects.count() == 10
    types = {item["type"] for lesson in LessonPage.objects.all() for item in lesson.body.raw_data}
    assert {"quiz", "h5p", "paragraph", "reading_list"} <= types
    course = CoursePage.objects.get(slug="verifying-information")
    assert course.skills.count() == 3
    assert list(course.trainers.all()) == [trainer]

    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    lesson = LessonPage.objects.get(slug="check-your-understanding")
    content = client.get(lesson.url).content.decode()
    assert "What does lateral reading mean?" in content
    assert "data-h5p-player" in content


def test_the_demo_translates_the_catalogue_and_one_course_into_russian(client, trainer, association, learner):
    from wagtail.models import Locale

    from courses.models import Skill
    from lms.demo.courses import build_courses

    russian = Locale.objects.create(language_code="ru")
    home = home_page()
    home.copy_for_translation(russian).save_revision().publish()
    build_courses()
    build_courses()

    course = CoursePage.objects.get(locale=russian)
    assert course.title == "Как провести общее собрание онлайн"
    assert LessonPage.objects.filter(locale=russian).count() == 3
    assert {skill.locale_id for skill in course.skills.all()} == {russian.pk}
    assert Skill.objects.filter(locale=russian).count() == Skill.objects.filter(locale=Locale.get_default()).count()
    content = client.get("/ru/courses/").content.decode()
    assert "Как провести общее собрание онлайн" in content
    assert "Онлайн-управление" in content


def test_the_demo_courses_build_on_the_demo_site_and_people(client):
    """seed_demo's order: site, people, then courses; twice gives the same result."""
    from lms.demo.courses import build_courses
    from lms.demo.people import build_people
    from lms.demo.site import build_site

    for _ in range(2):
        build_site()
        build_people()
        build_courses()
    assert CoursePage.objects.count() == 4  # three in English, one translated into Russian
    assert "Verifying information: a toolkit for librarians" in client.get("/courses/").content.decode()
    assert "Как провести общее собрание онлайн" in client.get("/ru/courses/").content.decode()
    track = client.get("/media-literacy/").content.decode()
    assert "Verifying information: a toolkit for librarians" in track


def _h5p_activities(lessons) -> list[tuple[LessonPage, dict]]:
    return [(lesson, item["value"]) for lesson in lessons for item in lesson.body.raw_data if item["type"] == "h5p"]


def _content(package) -> dict:
    import json

    from django.core.files.storage import default_storage

    with default_storage.open(f"{package.storage_prefix}/content/content.json") as handle:
        return json.loads(handle.read())


def test_every_demo_course_has_an_h5p_question_about_its_subject(trainer, association):
    """Built from the bundled TrueFalse library: the question, title and language come from the course's data."""
    from h5p.models import H5PPackage
    from lms.demo.courses import courses_seed
    from lms.demo.texts import content_load

    for course in courses_seed(site_root=home_page(), trainer=trainer, association=association):
        activities = _h5p_activities(LessonPage.objects.child_of(course))
        assert len(activities) == 1, course.slug
        _lesson, value = activities[0]
        expected = content_load(f"courses/{course.slug}.json")["h5p"]
        package = H5PPackage.objects.get(pk=value["package"])
        content = _content(package)
        assert expected["en"]["question"] in content["question"]
        assert content["correct"] == expected["correct"]
        assert (package.title, package.metadata["language"]) == (expected["en"]["title"], "en")
        assert value["graded"] == expected["graded"]
    assert not any("Is this false?" in _content(package)["question"] for package in H5PPackage.objects.all())
    assert H5PPackage.objects.count() == 3


def test_the_russian_lessons_use_a_russian_h5p_item_and_a_russian_quiz(trainer, association):
    """Finding: the quiz heading and instructions of a Russian lesson were English, without lang."""
    from django.utils import translation
    from wagtail.models import Locale

    from h5p.models import H5PPackage
    from lms.demo.courses import build_courses

    russian = Locale.objects.create(language_code="ru")
    home_page().copy_for_translation(russian).save_revision().publish()
    build_courses()
    lessons = LessonPage.objects.filter(locale=russian)
    ((_lesson, value),) = _h5p_activities(lessons)
    package = H5PPackage.objects.get(pk=value["package"])
    content = _content(package)
    assert package.metadata["language"] == "ru"
    assert "Представитель по доверенности" in content["question"]
    assert (content["l10n"]["checkAnswer"], content["l10n"]["trueText"]) == ("Проверить", "Истина")

    quiz = next(block for lesson in lessons for block in lesson.body if block.block_type == "quiz")
    with translation.override("ru"):
        html = quiz.render(context={"quiz": {"block_id": quiz.id}})
    assert "Проверьте себя" in html
    assert "Ответьте на все вопросы" in html
    assert "Check your understanding" not in html
    assert "Answer every question" not in html


def test_running_the_demo_courses_twice_gives_the_same_counts(client):
    from wagtail.models import Page, Revision

    from h5p.models import H5PPackage
    from lms.demo.courses import build_courses
    from lms.demo.people import build_people
    from lms.demo.site import build_site

    def counts():
        return {
            "pages": Page.objects.count(),
            "revisions": Revision.objects.count(),
            "lessons": LessonPage.objects.count(),
            "packages": H5PPackage.objects.count(),
        }

    seen = []
    for _ in range(2):
        build_site()
        build_people()
        build_courses()
        seen.append(counts())
    assert seen[0] == seen[1]
    assert seen[0]["packages"] == 4  # one per course, and the Russian course's own


def test_the_demo_prose_comes_from_the_data_files(client, trainer, association):
    from lms.demo.courses import courses_seed
    from lms.demo.texts import content_load, stream

    catalogue = content_load("catalogue.json")
    courses_seed(site_root=home_page(), trainer=trainer, association=association)
    page = client.get("/courses/").content.decode()
    for slug in catalogue["courses"]:
        spec = content_load(f"courses/{slug}.json")
        assert spec["en"]["title"] in page
        for lesson in spec["lessons"]:
            for language in ("en", "ru"):
                if language in lesson:
                    assert stream(lesson[language]["body"], h5p={})  # every item is of a known kind


def test_the_demo_h5p_packages_are_valid_and_built_the_same_every_time():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from h5p.validation import package_inspect
    from lms.demo.h5p_packages import demo_packages

    first, second = demo_packages(), demo_packages()
    assert first == second
    assert set(first) == {
        "verifying-information.en.h5p",
        "research-data-services.en.h5p",
        "online-general-assembly.en.h5p",
        "online-general-assembly.ru.h5p",
    }
    for name, data in first.items():
        inspected = package_inspect(SimpleUploadedFile(name, data, content_type="application/zip"))
        assert inspected.main_library.startswith("H5P.TrueFalse"), name
