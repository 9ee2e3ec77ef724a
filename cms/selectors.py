"""Reads for the site pages: search, navigation and the translations a reader can switch to."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site
from wagtail.search.backends.base import BaseSearchResults

from cms.models import FooterText, NavigationSettings


def page_search(*, query: str, locale: Locale) -> BaseSearchResults | QuerySet[Page]:
    """Live, public pages of ``locale`` matching every word of ``query``; nothing for an empty query."""
    if not query:
        return Page.objects.none()
    return Page.objects.live().public().filter(locale=locale).search(query, operator="and")


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    is_current: bool


def navigation_links(*, request: HttpRequest, kind: str) -> list[NavLink]:
    """The menu or footer links of the request's site, each pointing at its page in the active language.

    ``kind`` is ``"menu"`` or ``"footer"``. Three queries whatever the number of links.
    """
    if Site.find_for_request(request) is None:
        return []
    nav = NavigationSettings.for_request(request)
    relation = nav.menu_links if kind == "menu" else nav.footer_links
    links = list(relation.select_related("page"))
    locale = Locale.get_active()
    keys = [link.page.translation_key for link in links if link.page_id]
    localized = {
        page.translation_key: page
        for page in Page.objects.live().filter(translation_key__in=keys, locale=locale).specific(defer=True)
    }
    current_path = request.path
    result = []
    for link in links:
        if link.page_id:
            page = localized.get(link.page.translation_key, link.page)
            url = page.get_url(request)
            label = link.label or page.title
        else:
            url, label = link.url, link.label or link.url
        if url:
            result.append(NavLink(url=url, label=label, is_current=url == current_path))
    return result


def footer_text(*, locale: Locale) -> FooterText | None:
    """The footer text in ``locale``, or in the default language when it has not been translated."""
    texts = {text.locale.language_code: text for text in FooterText.objects.select_related("locale")}
    return texts.get(locale.language_code) or texts.get(settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class LanguageOption:
    code: str
    name: str
    url: str
    next: str
    is_current: bool


def language_options(*, request: HttpRequest, page: Page | None) -> list[LanguageOption]:
    """For each language: where the reader lands when switching to it.

    On a page: its translation in that language, or that language's home page when there is none.
    Elsewhere: the same view under that language's URL prefix.

    ``next`` is what to post to Django's ``set_language``: it runs ``translate_url(next, language)`` with
    the default language active (the /i18n/ URL carries no prefix), so we hand it the target's address
    spelled in the default language and it adds the target language's prefix back.
    """
    current = translation.get_language()
    targets: dict[str, str] = {}
    if page is not None and page.pk:
        targets = _page_urls(request, page.get_translations(inclusive=True).live().select_related("locale"))
        missing = [code for code, _name in settings.LANGUAGES if code not in targets]
        site = Site.find_for_request(request)
        if missing and site is not None:
            homes = _page_urls(request, site.root_page.get_translations(inclusive=True).live().select_related("locale"))
            for code in missing:
                if code in homes:
                    targets[code] = homes[code]
    options = []
    for code, _name in settings.LANGUAGES:
        url = targets.get(code) or translate_url(request.get_full_path(), code)
        with translation.override(code):
            neutral = translate_url(url, settings.LANGUAGE_CODE)
        info = translation.get_language_info(code)
        options.append(
            LanguageOption(code=code, name=info["name_local"], url=url, next=neutral, is_current=code == current)
        )
    return options


def _page_urls(request: HttpRequest, pages) -> dict[str, str]:
    return {page.locale.language_code: page.get_url(request) for page in pages}
