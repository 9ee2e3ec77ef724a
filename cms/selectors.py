"""Reads for the site pages: search, navigation and the translations a reader can switch to."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site
from wagtail.search.backends.base import BaseSearchResults
from wagtail.templatetags.wagtailcore_tags import richtext

from cms import cache
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

    ``kind`` is ``"menu"`` or ``"footer"``. Built once per language and site until a page, the menus or the
    settings change (``cms.cache``): no query on most requests, three when rebuilt, whatever the number of links.
    """
    language = translation.get_language()
    entries = cache.memoised(
        request, ("navigation", kind, language, cache.site_key(request)), lambda: _navigation_entries(request, kind)
    )
    current_path = request.path
    return [NavLink(url=url, label=label, is_current=url == current_path) for url, label in entries]


def _navigation_entries(request: HttpRequest, kind: str) -> tuple[tuple[str, str], ...]:
    if Site.find_for_request(request) is None:
        return ()
    nav = NavigationSettings.for_request(request)
    relation = nav.menu_links if kind == "menu" else nav.footer_links
    links = list(relation.select_related("page"))
    locale = Locale.get_active()
    keys = [link.page.translation_key for link in links if link.page_id]
    localized = {
        page.translation_key: page
        for page in Page.objects.live().filter(translation_key__in=keys, locale=locale).specific(defer=True)
    }
    entries = []
    for link in links:
        if link.page_id:
            page = localized.get(link.page.translation_key, link.page)
            url = page.get_url(request)
            label = link.label or page.title
        else:
            url, label = link.url, link.label or link.url
        if url:
            entries.append((url, str(label)))
    return tuple(entries)


def contact_email(*, request: HttpRequest) -> str:
    """The site's contact address from its navigation settings ("" when none): cached like the links."""

    def build() -> str:
        if Site.find_for_request(request) is None:
            return ""
        return NavigationSettings.for_request(request).contact_email

    return cache.memoised(request, ("contact_email", cache.site_key(request)), build)


def footer_text(*, locale: Locale) -> FooterText | None:
    """The footer text in ``locale``, or in the default language when it has not been translated."""
    texts = {text.locale.language_code: text for text in FooterText.objects.select_related("locale")}
    return texts.get(locale.language_code) or texts.get(settings.LANGUAGE_CODE)


def footer_html(*, request: HttpRequest | None) -> str:
    """The footer text in the active language, rendered (links to pages expanded): built once per language until
    the snippet or a page changes (``cms.cache``). "" when there is none."""
    language = translation.get_language()

    def build() -> str:
        text = footer_text(locale=Locale.get_active())
        return str(richtext(text.body)) if text is not None else ""

    return cache.memoised(request, ("footer_html", language), build)


@dataclass(frozen=True)
class LanguageOption:
    code: str
    name: str
    url: str
    next: str
    is_current: bool


def language_options(*, request: HttpRequest, page: Page | None) -> tuple[LanguageOption, ...]:
    """For each language: where the reader lands when switching to it.

    On a page: its translation in that language. Elsewhere, or when the page has none: the same address under
    that language's prefix (``cms.fallback`` redirects a missing translation to the one that exists).

    ``next`` is what to post to Django's ``set_language``: it runs ``translate_url(next, language)`` with
    the default language active (the /i18n/ URL carries no prefix), so we hand it the target's address
    spelled in the default language and it adds the target language's prefix back.
    """
    current = translation.get_language()
    page_pk = page.pk if page is not None else None
    if request.META.get("QUERY_STRING"):
        # Not kept: query strings are endless, and would push the site's chrome out of the memo.
        return _language_options(request, page, current)
    # The same answer for every reader of this address in this language (Django's URL translation, four URL
    # resolutions, was a tenth of a signed-in page's time): kept per generation like the page's translations.
    key = ("language_options", current, request.path, page_pk, cache.site_key(request))
    return cache.memoised(request, key, lambda: _language_options(request, page, current))


def _language_options(request: HttpRequest, page: Page | None, current: str) -> tuple[LanguageOption, ...]:
    targets: dict[str, str] = {}
    if page is not None and page.pk:
        # A language the page has no translation in keeps the page's address under that language's prefix:
        # cms.fallback then serves the translation that exists, and says so.
        key = ("translations", page.pk, cache.site_key(request))
        targets = dict(cache.memoised(request, key, lambda: _page_urls(request, page)))
    options = []
    for code, _name in settings.LANGUAGES:
        url = targets.get(code) or translate_url(request.get_full_path(), code)
        with translation.override(code):
            neutral = translate_url(url, settings.LANGUAGE_CODE)
        info = translation.get_language_info(code)
        options.append(
            LanguageOption(code=code, name=info["name_local"], url=url, next=neutral, is_current=code == current)
        )
    return tuple(options)


def _page_urls(request: HttpRequest, page: Page) -> tuple[tuple[str, str], ...]:
    """(language, URL) of the page's live translations, itself included: cached per page (``cms.cache``)."""
    translations = page.get_translations(inclusive=True).live().select_related("locale")
    return tuple((found.locale.language_code, found.get_url(request)) for found in translations)


@dataclass(frozen=True)
class TranslationFallback:
    url: str
    asked: str  # the language code asked for
    page: Page  # the page served instead: the translation that exists


def translation_fallback(*, request: HttpRequest) -> TranslationFallback | None:
    """For a page address that does not exist in the language of its prefix: where the page does exist.

    The address is routed in each other language (the default first); the page found is offered in the asked
    language when it has a live translation there (its slug may differ), else as it is. None when no language
    has a page at that address.
    """
    asked = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    site = Site.find_for_request(request)
    if site is None:
        return None
    path = request.path_info
    if path.startswith(f"/{asked}/"):
        path = path[len(asked) + 1 :]
    components = [component for component in path.split("/") if component]
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    order = [settings.LANGUAGE_CODE] + [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    for code in order:
        if code == asked or code not in locales:
            continue
        root = site.root_page.get_translation_or_none(locales[code])
        if root is None:
            continue
        try:
            found = root.specific.route(request, components).page
        except Http404:
            continue
        if not found.live:
            continue
        wanted = found.get_translation_or_none(locales[asked]) if asked in locales else None
        page = wanted if wanted is not None and wanted.live else found
        url = page.get_url(request)
        if url and url != request.path:
            return TranslationFallback(url=url, asked=asked, page=page)
    return None
