"""The site header's sections, which span apps (courses, webinars, voting): wiring, so it lives in lms."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from accounts.roles import associations_where, is_site_admin
from cms.selectors import navigation_links
from courses.selectors import catalogue_for
from voting.selectors import polls_waiting_for

register = template.Library()


@dataclass(frozen=True)
class Section:
    url: str
    label: str
    current: str  # aria-current: "page" on the section's own page, "true" inside it, "" elsewhere
    badge: int = 0  # e.g. polls waiting for the reader's vote
    badge_label: str = ""


def _voting_section(user, path: str) -> Section | None:
    """Voting matters to current members of an association (and to anyone with a vote waiting, say a lapsed member
    still on a frozen roll, or a proxy holder): everyone else never sees the link. Two queries at most."""
    if not user.is_authenticated:
        return None
    waiting = polls_waiting_for(user).count()
    if not waiting and not is_site_admin(user) and not associations_where(user).exists():
        return None
    url = reverse("voting:poll_list")
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


def _sections(context, request) -> list[Section]:
    path = request.path
    sections = []
    catalogue = catalogue_for(language_code=translation.get_language())
    if catalogue is not None:
        url = catalogue.get_url(request)
        if url:
            # The catalogue and its courses and lessons, not the courses app's other pages (My learning...).
            page = context.get("page")
            inside = isinstance(page, Page) and page.path.startswith(catalogue.path)
            current = ("page" if page.pk == catalogue.pk else "true") if inside else ""
            sections.append(Section(url=url, label=_("Courses"), current=current))
    url = reverse("webinars:list")
    sections.append(Section(url=url, label=_("Webinars"), current=_current(path, url)))
    voting = _voting_section(context.get("user") or request.user, path)
    if voting is not None:
        sections.append(voting)
    return sections
