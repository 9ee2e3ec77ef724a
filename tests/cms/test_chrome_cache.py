"""The site chrome (menu and footer links, the footer text, the contact address, the catalogue link, the language
switcher's targets) is built once per generation and rebuilt as soon as what it shows changes: a page published,
renamed, moved, unpublished or deleted, a menu or setting edited, the footer snippet edited, on every node."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from cms import cache
from cms.models import FooterText, MenuLink, NavigationSettings, StandardPage

pytestmark = pytest.mark.django_db


def _menu(html: str) -> list[tuple[str, str]]:
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>", html.index('<nav class="site-nav"'))]
    return [
        (url, re.sub(r"<[^>]+>", "", label).strip())
        for url, label in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', nav)
    ]


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def _queries_touching(queries, table: str) -> int:
    return sum(1 for query in queries.captured_queries if f'"{table}"' in query["sql"])


def test_the_chrome_is_read_from_the_database_once_then_kept(client, site_pages):
    client.get("/about/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/about/")

    assert response.status_code == 200
    for table in ("cms_navigationsettings", "cms_menulink", "cms_footerlink", "cms_footertext"):
        assert _queries_touching(queries, table) == 0, table
    # Wagtail's routing finds the active locale: once, then the route is kept with it (cms.routing).
    assert _queries_touching(queries, "wagtailcore_locale") == 0
    assert ("/about/", "About LIS Commons") in _menu(response.content.decode())


def test_aria_current_follows_the_page_read_although_the_links_are_kept(client, site_pages):
    """The links are shared by every page; which one is current is decided per request."""
    about = client.get("/about/").content.decode()
    track = client.get("/online-governance/").content.decode()

    assert '<a href="/about/" aria-current="page">' in about
    assert '<a href="/about/" aria-current="page">' not in track
    assert '<a href="/online-governance/" aria-current="page">' in track


def test_a_menu_link_added_in_the_settings_shows_at_once(client, site_pages):
    client.get("/")
    nav = NavigationSettings.objects.get()
    MenuLink.objects.create(setting=nav, url="https://ifla.org/", label="IFLA")

    assert ("https://ifla.org/", "IFLA") in _menu(client.get("/").content.decode())


def test_a_linked_page_published_with_a_new_title_and_slug_shows_them_at_once(client, site_pages):
    client.get("/")
    about = site_pages["about"].specific
    about.title = "About us"
    about.slug = "about-us"
    about.save_revision().publish()

    menu = _menu(client.get("/").content.decode())
    assert ("/about-us/", "About us") in menu
    assert not any(url == "/about/" for url, _label in menu)


def test_an_unpublished_page_leaves_the_menu_at_once(client, site_pages):
    client.get("/ru/")
    site_pages["about_ru"].specific.unpublish()

    menu = _menu(client.get("/ru/").content.decode())
    # The English page stands in for the missing Russian one (the menu links the default language's page).
    assert not any(url == "/ru/about/" for url, _label in menu)


def test_a_moved_page_is_linked_at_its_new_address(client, site_pages):
    client.get("/")
    about = site_pages["about"]
    about.move(site_pages["tracks"]["media-literacy"], pos="last-child")

    assert ("/media-literacy/about/", "About LIS Commons") in _menu(client.get("/").content.decode())


def test_a_deleted_page_leaves_the_menu(client, site_pages):
    client.get("/")
    Page.objects.get(pk=site_pages["about"].pk).delete()

    assert not any(label == "About LIS Commons" for _url, label in _menu(client.get("/").content.decode()))


def test_an_edited_footer_text_and_contact_address_show_at_once(client, site_pages):
    client.get("/")
    text = FooterText.objects.get(locale__language_code="en")
    text.body = "<p>Kept by the members.</p>"
    text.save()
    nav = NavigationSettings.objects.get()
    nav.contact_email = "desk@lis-commons.example"
    nav.save()

    footer = _footer(client.get("/").content.decode())
    assert "Kept by the members." in footer
    assert 'href="mailto:desk@lis-commons.example"' in footer
    assert "run by library associations" not in footer


def test_the_footer_text_of_each_language_is_kept_apart(client, site_pages):
    client.get("/")
    client.get("/ru/")

    assert "run by library associations" in _footer(client.get("/").content.decode())
    assert "ведут библиотечные ассоциации" in _footer(client.get("/ru/").content.decode())


def test_a_new_translation_becomes_the_switcher_s_target_at_once(client, site_pages):
    """Before: the Russian option keeps the address under /ru/ (the fallback serves the English page); after the
    page is translated and published, it names the translation's own address."""
    from wagtail.models import Locale

    english = StandardPage(title="Governance FAQ", slug="governance-faq")
    site_pages["home"].add_child(instance=english)
    client.get("/governance-faq/")
    russian = english.copy_for_translation(Locale.objects.get(language_code="ru"))
    russian.title, russian.slug = "Вопросы", "voprosy"
    russian.save_revision().publish()

    html = client.get("/governance-faq/").content.decode()
    assert '<input name="next" type="hidden" value="/voprosy/">' in html


def test_links_kept_for_one_site_are_not_served_to_another(client, site_pages, settings):
    """Page URLs are relative on their own site and absolute elsewhere, and each site has its own menu: the kept
    links are per site."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.example"]
    other_root = site_pages["tracks"]["media-literacy"]
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    own = _menu(client.get("/").content.decode())
    other = _menu(client.get("/", HTTP_HOST="other.example").content.decode())

    assert ("/courses/", "Courses") in own and ("/about/", "About LIS Commons") in own
    assert ("http://127.0.0.1:8000/courses/", "Courses") in other
    assert not any(label == "About LIS Commons" for _url, label in other)


def test_a_bump_reaches_other_nodes_through_the_shared_cache(rf, db):
    """Another node bumps: this process's remembered values are not used past its next request's read."""
    from django.core.cache import cache as shared

    builds = []
    first = rf.get("/")
    assert cache.memoised(first, ("probe",), lambda: builds.append(1) or "old") == "old"
    assert cache.memoised(rf.get("/"), ("probe",), lambda: builds.append(1) or "new") == "old"

    shared.set(cache.GENERATION_KEY, "set-by-another-node", timeout=None)

    assert cache.memoised(first, ("probe",), lambda: "new") == "old"  # the same request keeps its generation
    assert cache.memoised(rf.get("/"), ("probe",), lambda: builds.append(1) or "new") == "new"
    assert builds == [1, 1]


def test_a_bump_inside_a_transaction_applies_now_and_again_on_commit(db, django_capture_on_commit_callbacks):
    before = cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        cache.bump()
        during = cache.generation()
    after = cache.generation()

    assert len({before, during, after}) == 3


def test_an_emptied_cache_starts_a_generation_never_used_before(db):
    from django.core.cache import cache as shared

    before = cache.generation()
    shared.clear()

    assert cache.generation() != before
