"""The site header: its sections, which span apps (courses, webinars, voting), so it lives in lms, and the header
itself (``{% site_header %}``), rendered once per reader, address and language and kept in the process."""

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django import template
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from cms.cache import MEMO_SECONDS, generation, memoised, site_key
from cms.selectors import navigation_links
from courses.selectors import catalogue_for
from lms.person_chrome import person_chrome

register = template.Library()


@dataclass(frozen=True)
class Section:
    url: str
    label: str
    current: str  # aria-current: "page" on the section's own page, "true" inside it, "" elsewhere
    badge: int = 0  # e.g. polls waiting for the reader's vote
    badge_label: str = ""


def _voting_section(request, user, path: str) -> Section | None:
    """Shown to whom ``voting_link_for`` says, with the polls waiting for the reader's vote: kept per person in the
    cache (lms.person_chrome), read with one query when it changed."""
    if not user.is_authenticated:
        return None
    facts = person_chrome(request, user)
    if not facts.voting_shown:
        return None
    url = reverse("voting:poll_list")
    waiting = facts.waiting
    badge_label = ngettext("%(count)d poll waiting for your vote", "%(count)d polls waiting for your vote", waiting) % {
        "count": waiting
    }
    return Section(url=url, label=_("Voting"), current=_current(path, url), badge=waiting, badge_label=badge_label)


def _current(path: str, url: str) -> str:
    if path == url:
        return "page"
    return "true" if path.startswith(url) else ""


@register.simple_tag(takes_context=True)
def site_sections(context) -> list[Section]:
    """``{% site_sections as sections %}``: Courses, Webinars and (for members) Voting, in the reader's language,
    then the editors' menu links (cms), without a second link to a section already listed."""
    request = context.get("request")
    if request is None:
        return []
    sections = _sections(context, request)
    urls = {section.url for section in sections}
    for link in navigation_links(request=request, kind="menu"):
        if link.url not in urls:
            sections.append(Section(url=link.url, label=link.label, current="page" if link.is_current else ""))
    return sections


@dataclass(frozen=True)
class _CatalogueLink:
    url: str
    pk: int
    path: str  # the tree path: the pages inside the catalogue start with it


def _catalogue_link(request, language: str) -> _CatalogueLink | None:
    """The catalogue in the reader's language, as plain data: kept until a page changes (``cms.cache``)."""
    catalogue = catalogue_for(language_code=language)
    url = catalogue.get_url(request) if catalogue is not None else None
    return _CatalogueLink(url=url, pk=catalogue.pk, path=catalogue.path) if url else None


def _sections(context, request) -> list[Section]:
    path = request.path
    sections = []
    language = translation.get_language()
    key = ("catalogue", language, site_key(request))
    catalogue = memoised(request, key, lambda: _catalogue_link(request, language))
    if catalogue is not None:
        # The catalogue and its courses and lessons, not the courses app's other pages (My learning...).
        page = context.get("page")
        inside = isinstance(page, Page) and page.path.startswith(catalogue.path)
        current = ("page" if page.pk == catalogue.pk else "true") if inside else ""
        sections.append(Section(url=catalogue.url, label=_("Courses"), current=current))
    url = reverse("webinars:list")
    sections.append(Section(url=url, label=_("Webinars"), current=_current(path, url)))
    voting = _voting_section(request, context.get("user") or request.user, path)
    if voting is not None:
        sections.append(voting)
    return sections


@register.simple_tag(takes_context=True)
def can_edit_site(context, user) -> bool:
    """The header's "Edit the site" link: ``has_perm("wagtailadmin.access_admin")`` as every backend answers it
    (ModelBackend's grants, and the officers' and trainers' in webinars.permissions), kept per person in the cache
    (lms.person_chrome) and read, when it changed, with the person's model permissions in one query
    (accounts.selectors.permissions_load), not Django's two."""
    from accounts.selectors import permissions_load

    if not getattr(user, "is_authenticated", False):
        return False
    edits = person_chrome(context.get("request"), user).edits_site
    if edits:
        permissions_load(user)  # Wagtail's userbar asks has_perm next (base.html): one query, not Django's two
    return edits


# ------------------------------------------------------------------------------------------ the header, kept

HEADER_TEMPLATE = "includes/header.html"
HEADER_MEMO_SIZE = 1024
# Stands in for the CSRF token while a header is rendered to be kept: the kept HTML never holds a real token, each
# response gets its own (``get_token``) in its place. Random per process, so no page text can spell it.
_CSRF_STAND_IN = f"csrfstandin{uuid.uuid4().hex}"
_headers: OrderedDict = OrderedDict()
_headers_lock = threading.Lock()


def _header_key(context, request) -> tuple | None:
    """Everything the header shows depends on: the reader (their id and short name, and their header facts from
    lms.person_chrome), the language, the site, the address and the page; the rest (menus, the catalogue link, the
    page's translations) is ``cms.cache``'s generation, which the memo's key carries too. None: not kept (an
    address with a query string, whose variety is endless)."""
    if request.META.get("QUERY_STRING"):
        return None
    user = context.get("user") or request.user
    if user.is_authenticated:
        facts = person_chrome(request, user)
        reader = (user.pk, user.get_short_name(), facts.voting_shown, facts.waiting, facts.edits_site)
    else:
        reader = None  # the same header for every visitor
    page = context.get("page")
    page_pk = page.pk if isinstance(page, Page) else None
    return (generation(request), reader, translation.get_language(), site_key(request), request.path, page_pk)


@register.simple_tag(takes_context=True)
def site_header(context):
    """``{% site_header %}``: the site header (includes/header.html), rendered once per reader, address and
    language and kept in this process (a signed-in page spent a quarter of its time rendering it), with this
    response's CSRF token put into its forms (sign out, switch language)."""
    request = context.get("request")
    template_ = get_template(HEADER_TEMPLATE)
    if request is None:
        return template_.render(context.flatten())
    key = _header_key(context, request)
    now = time.monotonic()
    html = None
    if key is not None:
        with _headers_lock:
            entry = _headers.get(key)
            if entry is not None and now - entry[0] < MEMO_SECONDS:
                _headers.move_to_end(key)
                html = entry[1]
    if html is None:
        values = {"request": request, "user": context.get("user") or request.user, "page": context.get("page")}
        html = template_.render({**values, "csrf_token": _CSRF_STAND_IN}, request)
        if key is not None:
            with _headers_lock:
                _headers[key] = (now, html)
                _headers.move_to_end(key)
                while len(_headers) > HEADER_MEMO_SIZE:
                    _headers.popitem(last=False)
    return mark_safe(html.replace(_CSRF_STAND_IN, get_token(request)))  # noqa: S308  (our template's own HTML)
