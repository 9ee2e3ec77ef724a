"""The demo courses: one per track, real lessons, a quiz and the H5P package; safe to run twice."""

import pytest

from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.services import enrolment_create
from tests.courses.factories import home_page

pytest.importorskip("h5p.services")

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
