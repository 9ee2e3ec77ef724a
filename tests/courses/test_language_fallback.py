"""Issue 8, finding 1: no link lands on a page that does not exist in the reader's language.

Login's ``next``, the language switcher and the profile language fall back to the translation that exists,
and say so.
"""

import pytest
from django.urls import reverse

from accounts.services import profile_ensure
from tests.courses.factories import lesson_create, russian_home, translate
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NOTICE = "This page is not available in Russian, so it is shown in English."


@pytest.fixture
def russian_speaker(learner):
    profile = profile_ensure(user=learner)
    profile.preferred_language = "ru"
    profile.save(update_fields=["preferred_language"])
    return learner


@pytest.fixture
def english_only(course):
    """The course fixture, with a Russian site beside it but no Russian translation of the course."""
    russian_home()
    return course


def test_log_in_to_enrol_lands_on_the_english_course_with_a_notice(client, russian_speaker, english_only):
    content = client.get(english_only.url).content.decode()
    login = f"{reverse('account_login')}?next={english_only.url}"
    assert login in content  # "Log in to enrol"
    response = client.post(login, {"login": russian_speaker.email, "password": DEFAULT_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == english_only.url
    page = response.content.decode()
    assert NOTICE in page
    assert reverse("courses:enrol", args=[english_only.pk]) in page


def test_a_russian_address_of_an_english_only_lesson_redirects_to_it(client, enrolled, english_only, reading_lesson):
    client.force_login(enrolled)
    response = client.get("/ru" + reading_lesson.url, follow=True)
    assert response.redirect_chain == [(reading_lesson.url, 302)]
    assert NOTICE in response.content.decode()


def test_a_translation_under_another_slug_is_found(client, course):
    translated = translate(course, title="Проверка источников", slug="proverka-istochnikov")
    response = client.get("/ru" + course.url)
    assert response.status_code == 302
    assert response["Location"] == translated.url


def test_the_switcher_on_an_english_only_course_stays_on_it_and_says_so(client, english_only):
    response = client.post(reverse("set_language"), {"language": "ru", "next": english_only.url}, follow=True)
    assert response.redirect_chain[-1][0] == english_only.url
    assert response.status_code == 200
    assert NOTICE in response.content.decode()


def test_an_address_no_language_has_is_still_a_404(client, english_only):
    assert client.get("/ru/courses/no-such-course/").status_code == 404
    assert client.get("/courses/no-such-course/").status_code == 404


def test_a_post_to_a_missing_address_is_not_redirected(client, english_only):
    assert client.post("/ru" + english_only.url).status_code in (404, 405)


def test_a_lesson_added_to_the_original_only_opens_from_the_russian_course(client, enrolled, course, reading_lesson):
    """The Russian outline may lag behind; the original's new lesson is reached, in English."""
    translate(course)
    extra = lesson_create(course, title="New lesson")
    client.force_login(enrolled)
    response = client.get("/ru" + extra.url, follow=True)
    assert response.redirect_chain == [(extra.url, 302)]
