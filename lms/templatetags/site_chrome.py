"""The site header's sections, which span apps (courses, webinars, voting): wiring, so it lives in lms."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from cms.cache import memoised, site_key
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
