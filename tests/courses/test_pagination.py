"""Track pages and the catalogue show their courses a page at a time, with accessible links to the other pages; any
page number is answered (never a 500) and a page costs the same queries however many courses there are."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import PageViewRestriction

from cms.models import TrackPage
from courses.models import CoursePage, Skill
from courses.models.pages import CATALOGUE_PAGE_SIZE
from courses.pagination import page_with_count
from courses.selectors import TRACK_PAGE_SIZE
from tests.courses.factories import catalogue, course_create, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def track_page():
    page = TrackPage(title="Media literacy", slug="media-literacy", track="media-literacy", intro="Judge sources.")
    return home_page().add_child(instance=page)


def _add_courses(association, n, *, start=1, **fields):
    skills = list(Skill.objects.all()[:2])
    return [
        course_create(issuer=association, title=f"Course {number:02}", skills=skills, **fields)
        for number in range(start, start + n)
    ]


def _listed(response) -> list[str]:
    """The course titles on the page, in order."""
    return re.findall(r'<h3 class="course-card__title"[^>]*><a href="[^"]*">([^<]+)</a>', response.content.decode())


def _queries(client, url, **params) -> int:
    client.get(url, params)  # warm the site and content type caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_page_two_of_a_track_shows_the_next_courses(client, association, track_page):
    _add_courses(association, 30)

    first, second = client.get(track_page.url), client.get(track_page.url, {"page": 2})

    assert _listed(first) == [f"Course {n:02}" for n in range(1, TRACK_PAGE_SIZE + 1)]
    assert _listed(second) == [f"Course {n:02}" for n in range(TRACK_PAGE_SIZE + 1, 2 * TRACK_PAGE_SIZE + 1)]
    assert "Courses 13\N{EN DASH}24 of 30" in second.content.decode()


def test_the_track_pages_navigation_is_a_labelled_list_with_the_current_page_marked(client, association, track_page):
    _add_courses(association, 30)

    html = client.get(track_page.url, {"page": 2}).content.decode()

    nav = re.search(r'<nav class="pagination" aria-label="Pages of courses in this track">.*?</nav>', html, re.S)
    assert nav is not None
    nav = nav.group(0)
    assert '<a href="?page=1" rel="prev">Previous page</a>' in nav
    assert '<a href="?page=3" rel="next">Next page</a>' in nav
    assert re.search(r'<a href="\?page=2" aria-current="page"><span class="visually-hidden">Page </span>2</a>', nav)
    assert nav.count("aria-current") == 1
    assert '<a href="?page=1"><span class="visually-hidden">Page </span>1</a>' in nav


def test_the_first_page_has_no_previous_link_and_the_last_no_next_link(client, association, track_page):
    _add_courses(association, 13)

    first = client.get(track_page.url).content.decode()
    last = client.get(track_page.url, {"page": 2}).content.decode()

    assert "Previous page" not in first and "Next page" in first
    assert "Previous page" in last and "Next page" not in last


def test_a_track_with_one_page_of_courses_shows_no_page_links(client, association, track_page):
    _add_courses(association, 3)

    html = client.get(track_page.url).content.decode()

    assert '<nav class="pagination"' not in html
    assert "Courses 1\N{EN DASH}3" not in html
    assert len(_listed(client.get(track_page.url))) == 3


@pytest.mark.parametrize("number", ["abc", "0", "-2", "", "1.5"])
def test_a_bad_page_number_shows_the_first_page(client, association, track_page, number):
    _add_courses(association, 15)

    response = client.get(track_page.url, {"page": number})

    assert response.status_code == 200
    assert _listed(response)[0] == "Course 01"


@pytest.mark.parametrize("number", ["99", "99999999999999999999999"])
def test_a_page_number_past_the_end_shows_the_last_page(client, association, track_page, number):
    _add_courses(association, 15)

    response = client.get(track_page.url, {"page": number})

    assert response.status_code == 200
    assert _listed(response) == ["Course 13", "Course 14", "Course 15"]
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2</a>' in response.content.decode()


def test_an_empty_track_says_so_on_any_page(client, track_page):
    for number in ("1", "7", "x"):
        response = client.get(track_page.url, {"page": number})
        assert response.status_code == 200
        assert "No courses are open in this track yet." in response.content.decode()


def test_the_track_page_costs_the_same_with_3_and_30_courses_on_any_page(client, association, track_page):
    _add_courses(association, 3)
    small = _queries(client, track_page.url)
    _add_courses(association, 27, start=4)

    assert _queries(client, track_page.url) == small
    assert _queries(client, track_page.url, page=2) == small
    assert _queries(client, track_page.url, page="abc") == small


def test_a_track_page_does_not_list_a_view_restricted_course(client, association, track_page):
    hidden, shown = _add_courses(association, 2)
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    assert _listed(client.get(track_page.url)) == [shown.title]


def test_page_two_of_the_catalogue_keeps_the_filters(client, association):
    _add_courses(association, CATALOGUE_PAGE_SIZE + 2, level="advanced")
    _add_courses(association, 3, start=90, level="introductory")

    response = client.get(catalogue().url, {"level": "advanced", "page": 2})

    assert _listed(response) == [f"Course {n:02}" for n in (CATALOGUE_PAGE_SIZE + 1, CATALOGUE_PAGE_SIZE + 2)]
    html = response.content.decode()
    assert '<nav class="pagination" aria-label="Pages of results">' in html
    assert '<a href="?level=advanced&amp;page=1" rel="prev">Previous page</a>' in html
    assert "26 courses" in html


def test_a_bad_catalogue_page_number_is_answered_with_a_page(client, association):
    _add_courses(association, CATALOGUE_PAGE_SIZE + 1)

    assert _listed(client.get(catalogue().url, {"page": "last"}))[0] == "Course 01"
    assert _listed(client.get(catalogue().url, {"page": 5})) == [f"Course {CATALOGUE_PAGE_SIZE + 1:02}"]


def test_the_catalogue_costs_the_same_with_3_and_30_courses_on_any_page(client, association):
    _add_courses(association, 3)
    small = _queries(client, catalogue().url)
    _add_courses(association, 27, start=4)

    assert _queries(client, catalogue().url) == small
    assert _queries(client, catalogue().url, page=2) == small


def test_a_page_of_courses_is_one_query_with_its_total(association):
    _add_courses(association, 5)
    courses = CoursePage.objects.live().order_by("title")

    with CaptureQueriesContext(connection) as queries:
        page = page_with_count(courses, number="2", per_page=2)
        titles = [course.title for course in page.object_list]

    assert len(queries) == 1
    assert titles == ["Course 03", "Course 04"]
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (5, 3, 2)
    assert page.page_links == [1, 2, 3]


def test_long_page_ranges_are_elided_around_the_current_page(association):
    _add_courses(association, 20)

    page = page_with_count(CoursePage.objects.live().order_by("title"), number=10, per_page=1)

    assert page.page_links == [1, None, 8, 9, 10, 11, 12, None, 20]


def test_the_page_links_speak_russian(association):
    _add_courses(association, 3)
    request = RequestFactory().get("/ru/media-literacy/", {"page": "2"})
    page = page_with_count(CoursePage.objects.live().order_by("title"), number=2, per_page=1)

    with translation.override("ru"):
        html = render_to_string(
            "courses/includes/pagination.html", {"page_obj": page, "label": "Страницы"}, request=request
        )

    assert "Предыдущая страница" in html and "Следующая страница" in html
    assert '<span class="visually-hidden">Страница </span>2' in html
