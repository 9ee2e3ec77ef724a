"""A course's trainers translate it (and its lessons) into the site's other language with Wagtail's "Translate"
action; other trainers may not, and the translation stays theirs to edit."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from cms.services import trainers_grant_section
from courses.models import CoursePage, LessonPage
from tests.courses.factories import catalogue, course_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian(db):
    """The site's other language, with the catalogue translated (as the demo site has it)."""
    locale, _ = Locale.objects.get_or_create(language_code="ru")
    catalogue().copy_for_translation(locale, copy_parents=True)
    trainers_grant_section(page=catalogue())
    return locale


def translate_url(page):
    return reverse("simple_translation:submit_page_translation", args=[page.pk])


def test_the_trainer_sees_translate_on_their_course(client, trainer, course, russian):
    client.force_login(trainer)
    assert translate_url(course) in client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()


def test_the_trainer_translates_their_course_with_its_lessons(client, trainer, course, russian):
    client.force_login(trainer)
    response = client.post(translate_url(course), {"locales": [russian.pk], "include_subtree": "on"})
    assert response.status_code == 302
    translated = CoursePage.objects.get(locale=russian, translation_key=course.translation_key)
    assert list(translated.trainers.all()) == [trainer]
    assert translated.issuer_id == course.issuer_id
    assert LessonPage.objects.child_of(translated).count() == 2
    assert client.get(reverse("wagtailadmin_pages:edit", args=[translated.pk])).status_code == 200


def test_another_trainer_cannot_translate_the_course(client, course, russian, association):
    from django.contrib.auth.models import Group

    other = UserFactory()
    other.groups.add(Group.objects.get(name="Trainers"))
    course_create(issuer=association, trainers=[other])
    client.force_login(other)
    # Wagtail's admin answers a refusal with a redirect to the dashboard and a message.
    assert client.get(translate_url(course))["Location"] == reverse("wagtailadmin_home")
    assert client.post(translate_url(course), {"locales": [russian.pk]})["Location"] == reverse("wagtailadmin_home")
    assert not CoursePage.objects.filter(locale=russian).exists()


def test_a_learner_cannot_translate_the_course(client, enrolled, course, russian):
    client.force_login(enrolled)
    assert client.post(translate_url(course), {"locales": [russian.pk]}).status_code in (302, 403)
    assert not CoursePage.objects.filter(locale=russian).exists()
