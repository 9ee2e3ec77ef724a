"""The catalogue filters by track, level, language, skill and a search; track pages list their courses."""

import pytest
from wagtail.models import Locale

from cms.models import TrackPage
from courses.models import Skill
from tests.courses.factories import catalogue, course_create, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(association):
    fact_checking = Skill.objects.get(name="Fact-checking and verification", locale=Locale.get_default())
    governance = Skill.objects.get(name="Governance and advocacy", locale=Locale.get_default())
    return {
        "verify": course_create(
            issuer=association,
            title="Verifying images",
            track="media-literacy",
            level="introductory",
            language="en",
            skills=[fact_checking],
            cpd_hours=3,
        ),
        "data": course_create(
            issuer=association,
            title="Research data services",
            summary="Helping researchers manage data.",
            track="future-lis-skills",
            level="advanced",
            language="ru",
        ),
        "meetings": course_create(
            issuer=association,
            title="Online general meetings",
            track="online-governance",
            level="intermediate",
            language="en",
            skills=[governance],
        ),
    }


def _titles(client, **params):
    response = client.get(catalogue().url, params)
    assert response.status_code == 200
    return {course.title for course in response.context["page_obj"].object_list}


def test_the_catalogue_lists_live_courses_with_what_they_award(client, courses):
    response = client.get(catalogue().url)
    content = response.content.decode()
    assert _titles(client) == {"Verifying images", "Research data services", "Online general meetings"}
    assert "Fact-checking and verification" in content
    assert "CPD hours" in content


def test_unpublished_courses_are_not_listed(client, courses):
    courses["data"].unpublish()
    assert "Research data services" not in _titles(client)


def test_the_catalogue_filters_by_track(client, courses):
    assert _titles(client, track="online-governance") == {"Online general meetings"}


def test_the_catalogue_filters_by_level(client, courses):
    assert _titles(client, level="advanced") == {"Research data services"}


def test_the_catalogue_filters_by_language(client, courses):
    assert _titles(client, language="ru") == {"Research data services"}


def test_the_catalogue_filters_by_skill(client, courses):
    skill = courses["meetings"].skills.get()
    assert _titles(client, skill=skill.pk) == {"Online general meetings"}


def test_the_catalogue_searches_titles_and_summaries(client, courses):
    assert _titles(client, q="researchers") == {"Research data services"}
    assert _titles(client, q="IMAGES") == {"Verifying images"}


def test_filters_combine(client, courses):
    assert _titles(client, track="media-literacy", language="ru") == set()


def test_an_unknown_filter_value_shows_everything_with_an_error(client, courses):
    response = client.get(catalogue().url, {"track": "astrology"})
    assert len(response.context["page_obj"].object_list) == 3
    assert "Select a valid choice" in response.content.decode()


def test_a_track_page_lists_the_courses_of_its_track(client, courses):
    track = home_page().add_child(
        instance=TrackPage(title="Media literacy", slug="media-literacy", track="media-literacy", intro="Read well.")
    )
    content = client.get(track.url).content.decode()
    assert "Courses in this track" in content
    assert "Verifying images" in content
    assert "Online general meetings" not in content


def test_track_pages_in_another_language_list_the_originals_until_courses_are_translated(courses):
    """A Russian track page lists the English courses while its track has no Russian course."""
    from courses.selectors import courses_for_track

    russian = Locale.objects.create(language_code="ru")
    shown = courses_for_track(track="online-governance", locale_id=russian.pk)
    titles = [course.title for course in shown.object_list]
    assert titles == ["Online general meetings"]


def test_a_russian_course_is_found_from_the_english_catalogue_in_its_translation(client, courses):
    """Issue 8, finding 12: filtering Russian in the English catalogue lists the courses one can take in Russian."""
    from tests.courses.factories import translate

    translated = translate(courses["meetings"], title="Онлайн-собрания", language="ru")
    response = client.get(catalogue().url, {"language": "ru"})
    listed = response.context["page_obj"].object_list
    assert {course.pk for course in listed} == {courses["data"].pk, translated.pk}
    assert f'<h3 class="course-card__title" lang="ru"><a href="{translated.url}">' in response.content.decode()


def test_a_course_is_listed_once_however_many_translations_it_has(client, courses):
    from tests.courses.factories import translate

    translate(courses["meetings"], title="Онлайн-собрания", language="ru")
    titles = [course.title for course in client.get(catalogue().url).context["page_obj"].object_list]
    assert sorted(titles) == ["Online general meetings", "Research data services", "Verifying images"]
    with_russian = client.get("/ru" + catalogue().url).context["page_obj"].object_list
    assert "Онлайн-собрания" in [course.title for course in with_russian]
    assert len(with_russian) == 3


def test_the_language_filter_offers_only_languages_that_have_a_course(client, courses):
    form = client.get(catalogue().url).context["filter_form"]
    assert [code for code, _label in form.fields["language"].choices] == ["", "en", "ru"]
