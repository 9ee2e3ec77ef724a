"""The home page and the three track pages serve real content in English (/) and Russian (/ru/)."""

import pytest
from wagtail.models import Page, Site

from cms.tracks import Track

TRACK_WORDS = {
    Track.MEDIA_LITERACY: ("Media literacy", "lateral reading", "Медиаграмотность", "латеральное чтение"),
    Track.FUTURE_LIS_SKILLS: ("Future LIS skills", "AI literacy", "Навыки будущего", "Открытая наука"),
    Track.ONLINE_GOVERNANCE: ("Online governance", "E-voting rules", "Онлайн-управление", "кворума"),
}


def test_the_home_page_serves_in_english_with_the_tracks(client, site_pages):
    """/ is the English home page: its introduction and a card for each track."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "shared space where library associations train their members" in html
    for english_title, *_rest in TRACK_WORDS.values():
        assert english_title in html


def test_the_home_page_serves_in_russian_with_the_russian_tracks(client, site_pages):
    """/ru/ is the Russian translation of the home page, listing the Russian track pages."""
    response = client.get("/ru/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru"' in html
    assert "общее пространство, где библиотечные ассоциации" in html
    assert "Учебные направления" in html
    for _title, _words, russian_title, _ru_words in TRACK_WORDS.values():
        assert russian_title in html
    assert 'href="/ru/media-literacy/"' in html


@pytest.mark.parametrize("track", list(Track))
def test_each_track_page_serves_real_text_in_both_languages(client, site_pages, track):
    """/<slug>/ and /ru/<slug>/ are the English track page and its Russian translation."""
    english_title, english_words, russian_title, russian_words = TRACK_WORDS[track]

    english = client.get(f"/{track.value}/")
    russian = client.get(f"/ru/{track.value}/")

    assert english.status_code == 200
    assert russian.status_code == 200
    assert f"<h1>{english_title}</h1>" in english.content.decode()
    assert english_words in english.content.decode()
    assert russian_title in russian.content.decode()
    assert russian_words in russian.content.decode()
    assert site_pages["tracks_ru"][track].get_translation(site_pages["home"].locale).pk == (
        site_pages["tracks"][track].pk
    )


def test_the_about_page_serves_in_both_languages(client, site_pages):
    """The About page and its translation are reachable from the menu in each language."""
    assert "Who runs LIS Commons" in client.get("/about/").content.decode()
    assert "Кто ведёт LIS Commons" in client.get("/ru/about/").content.decode()


def test_navigation_links_resolve_to_the_page_in_the_active_language(client, site_pages):
    """The same menu entries point at /ru/... pages with Russian titles on Russian pages."""
    english = client.get("/about/").content.decode()
    russian = client.get("/ru/about/").content.decode()

    assert '<a href="/online-governance/">Online governance</a>' in english
    assert '<a href="/ru/online-governance/">Онлайн-управление</a>' in russian
    assert '<a href="/ru/about/" aria-current="page">О LIS Commons</a>' in russian  # noqa: RUF001


def test_the_footer_text_comes_in_the_reader_s_language(client, site_pages):
    """The footer snippet is translated like a page."""
    assert "run by library associations" in client.get("/").content.decode()
    assert "ведут библиотечные ассоциации" in client.get("/ru/").content.decode()


def test_the_demo_home_page_is_the_default_site_root_and_the_welcome_page_is_gone(site_pages):
    """Any host name (testserver, 127.0.0.1:8000) reaches the one default Site rooted at our home page."""
    site = Site.objects.get()
    assert site.is_default_site
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    assert site.root_page_id == site_pages["home"].pk
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_an_unknown_russian_address_is_not_found(client, site_pages):
    """Routing under /ru/ follows the Russian tree and 404s outside it."""
    assert client.get("/ru/no-such-page/").status_code == 404


def test_a_page_costs_a_fixed_number_of_queries_whatever_the_menu_length(
    client, site_pages, django_assert_max_num_queries
):
    """Menu and footer links are localised in one query, not one per link."""
    from cms.models import MenuLink, NavigationSettings

    client.get("/ru/media-literacy/")
    # 21: the header's "Courses" link finds the catalogue in the reader's language (one query).
    with django_assert_max_num_queries(21):
        client.get("/ru/media-literacy/")

    nav = NavigationSettings.objects.get()
    for page in site_pages["tracks"].values():
        MenuLink.objects.create(setting=nav, page=page, label="")
    with django_assert_max_num_queries(21):
        response = client.get("/ru/media-literacy/")
    assert response.content.decode().count('href="/ru/online-governance/"') >= 2
