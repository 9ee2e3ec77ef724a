"""The language switcher moves between translations of the same page through Django's set_language."""

import re

from wagtail.models import Locale

from cms.models import StandardPage


def _switch_form(html: str, language: str) -> dict[str, str]:
    """The hidden fields of the switcher's form for ``language``."""
    for form in re.findall(r'<form action="/i18n/setlang/" method="post">(.*?)</form>', html, re.S):
        fields = dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', form))
        if fields.get("language") == language:
            return fields
    raise AssertionError(f"no switcher form for {language}")


def test_the_switcher_offers_the_other_language_and_marks_the_current_one(client, site_pages):
    """The current language is text with aria-current; the other is a button labelled in its own language."""
    html = client.get("/media-literacy/").content.decode()

    assert '<nav class="language-switcher" aria-label="Language">' in html
    assert '<span class="language-switcher__current" lang="en" aria-current="true">English</span>' in html
    assert '<button type="submit" class="link-button" lang="ru">Русский</button>' in html


def test_switching_to_russian_lands_on_the_russian_translation(client, site_pages):
    """Posting the switcher's form from an English track page redirects to the Russian track page."""
    fields = _switch_form(client.get("/online-governance/").content.decode(), "ru")

    response = client.post("/i18n/setlang/", fields)

    assert response.status_code == 302
    assert response["Location"] == "/ru/online-governance/"
    assert response.cookies["django_language"].value == "ru"
    assert "Онлайн-управление" in client.get(response["Location"]).content.decode()


def test_switching_to_english_lands_on_the_english_original(client, site_pages):
    """From a Russian page, the English button leads back to the page it was translated from."""
    fields = _switch_form(client.get("/ru/about/").content.decode(), "en")

    response = client.post("/i18n/setlang/", fields)

    assert response["Location"] == "/about/"


def test_the_russian_home_page_switches_to_the_english_home_page(client, site_pages):
    fields = _switch_form(client.get("/ru/").content.decode(), "en")

    assert client.post("/i18n/setlang/", fields)["Location"] == "/"


def test_a_page_without_a_translation_stays_where_it_is_and_says_so(client, site_pages):
    """An English-only page offers Russian readers the page itself, in English, with a notice; never a 404."""
    site_pages["home"].add_child(
        instance=StandardPage(title="Privacy notice", slug="privacy", intro="How we handle personal data.")
    )
    assert not StandardPage.objects.get(slug="privacy").has_translation(Locale.objects.get(language_code="ru"))

    fields = _switch_form(client.get("/privacy/").content.decode(), "ru")
    response = client.post("/i18n/setlang/", fields, follow=True)

    assert response.redirect_chain == [("/ru/privacy/", 302), ("/privacy/", 302)]
    assert response.status_code == 200
    assert "This page is not available in Russian, so it is shown in English." in response.content.decode()


def test_a_view_outside_the_page_tree_switches_to_the_same_view_in_the_other_language(client, site_pages):
    """On the search page the switcher keeps the view and the query, changing only the language prefix."""
    fields = _switch_form(client.get("/search/?q=vote").content.decode(), "ru")

    response = client.post("/i18n/setlang/", fields)

    assert response["Location"] == "/ru/search/?q=vote"
    assert client.get(response["Location"]).status_code == 200
