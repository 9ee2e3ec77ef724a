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
