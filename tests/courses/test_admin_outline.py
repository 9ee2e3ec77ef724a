"""The course in the Wagtail admin: lessons listed in outline order, and a second course or lesson started with a
title already in use gets a free address instead of failing on the slug (Wagtail 8's autosave creates the first one
before Save)."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from cms.services import trainers_grant_section
from courses.models import CoursePage, LessonPage
from tests.courses.admin_posts import add_url, form_data
from tests.courses.factories import catalogue, lesson_create
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def granted(db):
    trainers_grant_section(page=catalogue())


def test_lessons_are_listed_in_outline_order_not_by_last_change(client, trainer, course):
    first = course.get_children().first().specific
    lesson_create(course, title="Third lesson")
    first.title = "Why sources matter, revised"
    first.save_revision(user=trainer).publish()  # the newest change: listed first by default in Wagtail
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_explore", args=[course.pk]))
    titles = [page.title for page in response.context["pages"]]
    assert titles == ["Why sources matter, revised", "Quiz time", "Third lesson"]


def test_a_second_course_with_the_same_title_gets_a_free_address(client, trainer, association):
    MembershipFactory(user=trainer, association=association, role=Membership.Role.TRAINER)
    client.force_login(trainer)
    url = add_url(CoursePage, catalogue())
    fields = {
        "title": "Open data",
        "slug": "open-data",
        "summary": "Finding and reusing open data.",
        "issuer": association.pk,
        "track": "future-lis-skills",
    }
    for _ in range(2):
        assert client.post(url, form_data(client, url, CoursePage, **fields)).status_code == 302
    slugs = sorted(CoursePage.objects.filter(title="Open data").values_list("slug", flat=True))
    assert slugs == ["open-data", "open-data-2"]


def test_a_second_lesson_with_the_same_title_gets_a_free_address(client, trainer, course):
    client.force_login(trainer)
    url = add_url(LessonPage, course)
    for _ in range(2):
        data = form_data(client, url, LessonPage, title="Lateral reading", slug="lateral-reading")
        assert client.post(url, data).status_code == 302
    slugs = sorted(LessonPage.objects.filter(title="Lateral reading").values_list("slug", flat=True))
    assert slugs == ["lateral-reading", "lateral-reading-2"]


def test_renaming_an_existing_course_to_a_used_address_is_still_refused(client, trainer, course, association):
    from tests.courses.admin_posts import edit_url
    from tests.courses.factories import course_create

    other = course_create(issuer=association, title="Other", trainers=[trainer])
    client.force_login(trainer)
    response = client.post(edit_url(other), form_data(client, edit_url(other), CoursePage, slug=course.slug))
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


def test_the_scheduling_dialog_says_the_time_zone_and_the_scheduled_time(client, trainer, course, settings):
    """Scheduled publishing runs from the beat schedule (tests/cms/test_scheduled_publishing.py); the dialog says
    which zone its times are in, and when the lesson is scheduled to go live."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.courses.admin_posts import edit_url

    settings.TIME_ZONE = "Europe/Riga"
    lesson = course.get_children().first().specific
    lesson.go_live_at = datetime(2031, 1, 15, 14, 14, tzinfo=ZoneInfo("Europe/Riga"))
    lesson.save_revision(user=trainer)
    client.force_login(trainer)
    content = client.get(edit_url(lesson)).content.decode()
    assert "Times are in Europe/Riga (UTC+02:00)." in content or "Times are in Europe/Riga (UTC+03:00)." in content
    assert "Scheduled for" in content and "14:14 Europe/Riga" in content
