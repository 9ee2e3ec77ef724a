"""Anonymous pages are served whole from the cache, never to or from signed-in readers, and dropped when what they
show changes (lms.page_cache)."""

import re

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from cms.models import MenuLink, NavigationSettings, StandardPage
from courses.models import CourseIndexPage, CoursePage, Skill
from lms.page_cache import HEADER

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def _switch_form(html: str, language: str) -> dict[str, str]:
    for form in re.findall(r'<form action="/i18n/setlang/" method="post">(.*?)</form>', html, re.S):
        fields = dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', form))
        if fields.get("language") == language:
            return {**fields, "csrfmiddlewaretoken": TOKEN.search(form).group(1)}
    raise AssertionError(f"no switcher form for {language}")


def _course() -> CoursePage:
    return CoursePage.objects.live().filter(locale__language_code="en").order_by("path").first()


def test_the_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    client, site_pages, django_assert_num_queries
):
    first = client.get("/media-literacy/")
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/media-literacy/")
    assert second.status_code == 200
    assert second[HEADER] == "hit"
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    # The headers a rendered page gets come with the cached one too.
    for name in ("Content-Type", "Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Server-Timing"):
        assert second[name], name
    assert "Cookie" in second["Vary"]


@pytest.mark.parametrize("page", ["home", "track", "catalogue", "course", "about"])
def test_home_tracks_the_catalogue_courses_and_standard_pages_are_cached(client, site_pages, page):
    url = {
        "home": "/",
        "track": "/online-governance/",
        "catalogue": CourseIndexPage.objects.get(locale__language_code="en").url,
        "course": _course().url,
        "about": "/about/",
    }[page]
    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"
    assert client.head(url)[HEADER] == "hit"


def test_russian_and_english_pages_are_cached_apart(client, site_pages):
    client.get("/")
    client.get("/ru/")
    english, russian = client.get("/"), client.get("/ru/")
    assert english[HEADER] == russian[HEADER] == "hit"
    assert '<html lang="en"' in english.content.decode()
    assert '<html lang="ru"' in russian.content.decode()


def test_each_reader_gets_their_own_csrf_token_and_the_language_switch_works_for_both(site_pages):
    """Two anonymous readers, the second served from the cache: each posts the switcher with their own token."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/online-governance/")
    second_page = second.get("/online-governance/")
    assert (first_page[HEADER], second_page[HEADER]) == ("miss", "hit")
    first_fields = _switch_form(first_page.content.decode(), "ru")
    second_fields = _switch_form(second_page.content.decode(), "ru")
    assert first_fields["csrfmiddlewaretoken"] != second_fields["csrfmiddlewaretoken"]
    assert "csrftoken" in second_page.cookies  # set on the hit, as on a rendered page

    for client, fields in ((second, second_fields), (first, first_fields)):
        response = client.post("/i18n/setlang/", fields)
        assert response.status_code == 302
        assert response["Location"] == "/ru/online-governance/"

    # One reader's token is not another's: the form from the cache carries no token of the first reader's.
    third = Client(enforce_csrf_checks=True)
    third.get("/online-governance/")
    assert third.post("/i18n/setlang/", first_fields).status_code == 403


def test_a_signed_in_reader_never_gets_a_cached_page(client, site_pages, learner):
    client.get("/about/")
    reader = Client()
    reader.force_login(learner)
    response = reader.get("/about/")
    assert HEADER not in response
    assert "Log out" in response.content.decode()


def test_a_signed_in_reader_never_fills_the_cache(client, site_pages, learner):
    reader = Client()
    reader.force_login(learner)
    assert HEADER not in reader.get("/about/")
    assert HEADER not in reader.get("/about/")
    response = client.get("/about/")
    assert response[HEADER] == "miss"
    assert "Log out" not in response.content.decode()


def test_an_anonymous_reader_with_a_session_is_not_served_from_the_cache(client, site_pages):
    client.get("/about/")
    other = Client()
    other.cookies["sessionid"] = "whatever"
    assert HEADER not in other.get("/about/")


def test_a_password_restricted_page_is_never_cached(client, site_pages):
    PageViewRestriction.objects.create(
        page=site_pages["about"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for _ in range(2):
        response = client.get("/about/")
        assert response.status_code == 200
        assert HEADER not in response
        assert 'name="password"' in response.content.decode()


def test_a_page_restricted_after_it_was_cached_is_no_longer_served_from_the_cache(client, site_pages):
    client.get("/about/")
    PageViewRestriction.objects.create(
        page=site_pages["about"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = client.get("/about/")
    assert HEADER not in response
    assert 'name="password"' in response.content.decode()


def test_publishing_a_page_drops_the_cached_pages(client, site_pages):
    client.get("/about/")
    client.get("/")
    about = site_pages["about"]
    about.title = "About the commons"
    about.save_revision().publish()

    assert "About the commons" in client.get("/about/").content.decode()
    assert client.get("/")[HEADER] == "miss"


def test_unpublishing_a_page_drops_the_cached_pages(client, site_pages):
    assert client.get("/about/")[HEADER] == "miss"
    site_pages["about"].unpublish()
    response = client.get("/about/")
    assert HEADER not in response
    assert response.status_code == 302  # to the Russian translation, the one left (cms.fallback)


def test_a_new_course_shows_in_the_cached_catalogue(client, site_pages):
    catalogue = CourseIndexPage.objects.get(locale__language_code="en")
    client.get(catalogue.url)
    course = _course()
    course.title = "A course renamed"
    course.save_revision().publish()
    assert "A course renamed" in client.get(catalogue.url).content.decode()


def test_a_menu_change_drops_the_cached_pages(client, site_pages):
    client.get("/about/")
    nav = NavigationSettings.objects.get()
    MenuLink.objects.create(setting=nav, url="https://ifla.org/", label="IFLA")
    response = client.get("/about/")
    assert response[HEADER] == "miss"
    assert "IFLA" in response.content.decode()


def test_a_settings_change_drops_the_cached_pages(client, site_pages):
    client.get("/about/")
    nav = NavigationSettings.objects.get()
    nav.contact_email = "office@commons.example.org"
    nav.save()
    assert "office@commons.example.org" in client.get("/about/").content.decode()


def test_a_skill_or_trainer_renamed_shows_on_the_cached_course_page(client, site_pages):
    course = _course()
    skill = course.skills.first()
    trainer = course.trainers.first()
    client.get(course.url)
    skill.name = "Lateral reading, renamed"
    skill.save()
    assert "Lateral reading, renamed" in client.get(course.url).content.decode()
    trainer.display_name = "Dr Trainer Renamed"
    trainer.save()
    assert "Dr Trainer Renamed" in client.get(course.url).content.decode()


def test_a_login_or_an_enrolment_does_not_drop_the_cached_pages(client, site_pages, learner):
    from courses.services import enrolment_create

    client.get("/about/")
    other = Client()
    other.force_login(learner)  # saves last_login
    enrolment_create(learner=learner, course=_course())
    assert client.get("/about/")[HEADER] == "hit"


def test_a_message_after_a_redirect_is_shown_not_swallowed_by_the_cache(client, site_pages):
    site_pages["home"].add_child(instance=StandardPage(title="Privacy notice", slug="privacy", intro="Data."))
    assert Client().get("/privacy/")[HEADER] == "miss"

    redirected = client.get("/ru/privacy/")  # no Russian translation: redirected to English with a message
    assert redirected.status_code == 302
    response = client.get(redirected["Location"])
    assert HEADER not in response
    assert "This page is not available in Russian" in response.content.decode()
    # Shown once; the next visit is the cached page again, without it.
    again = client.get("/privacy/")
    assert again[HEADER] == "hit"
    assert "This page is not available in Russian" not in again.content.decode()


def test_addresses_with_a_query_string_are_rendered_every_time(client, site_pages):
    catalogue = CourseIndexPage.objects.get(locale__language_code="en").url
    client.get(catalogue)
    for _ in range(2):
        response = client.get(catalogue, {"level": "advanced"})
        assert response.status_code == 200
        assert HEADER not in response
    assert Skill.objects.exists()


def test_views_outside_the_page_tree_are_not_cached(client, site_pages):
    for _ in range(2):
        assert HEADER not in client.get("/webinars/")


def test_a_page_cache_of_zero_seconds_is_off(client, site_pages, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/about/")
    response = client.get("/about/")
    assert HEADER not in response
    with django_assert_max_num_queries(100):
        client.get("/about/")


def test_a_page_published_on_schedule_drops_the_cached_pages(client, site_pages):
    """Scheduled publishing (beat's cms.publish_scheduled) sends Wagtail's page_published like an editor's publish."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.tasks import pages_publish_scheduled

    client.get("/about/")
    about = site_pages["about"]
    about.title = "About, as scheduled"
    about.go_live_at = timezone.now() - timedelta(minutes=1)
    about.save_revision(approved_go_live_at=about.go_live_at)
    assert "About, as scheduled" not in client.get("/about/").content.decode()  # a draft is not shown

    pages_publish_scheduled.delay()

    assert "About, as scheduled" in client.get("/about/").content.decode()


def test_a_page_showing_the_csrf_token_outside_a_form_field_is_not_stored(rf):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from lms.page_cache import _entry

    request = rf.get("/")
    token = get_token(request)
    assert _entry(request, HttpResponse(f'<div data-token="{token}"></div>'), "generation") is None
    assert _entry(request, HttpResponse(f"<p>{request.META['CSRF_COOKIE']}</p>"), "generation") is None

    form = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    _generation, parts, _headers = _entry(request, HttpResponse(f"<form>{form}</form>"), "generation")
    assert token.encode() not in b"".join(parts)
    assert len(parts) == 2
