"""Template tags for the site chrome: navigation, footer and the language switcher."""

from urllib.parse import urlsplit

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Page

from cms import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation_links(context, kind):
    """``{% navigation_links "menu" as links %}``: links of the site in the reader's language."""
    request = context.get("request")
    if request is None:
        return []
    return selectors.navigation_links(request=request, kind=kind)


@register.simple_tag(takes_context=True)
def footer_text(context):
    """``{% footer_text as footer %}``: the footer snippet in the active language, rendered ("" when none)."""
    return mark_safe(selectors.footer_html(request=context.get("request")))  # noqa: S308 -- the editors' rich text


@register.simple_tag(takes_context=True)
def contact_email(context):
    """``{% contact_email as email %}``: the site's contact address ("" when none or outside a request)."""
    request = context.get("request")
    if request is None:
        return ""
    return selectors.contact_email(request=request)


@register.simple_tag(takes_context=True)
def language_options(context):
    """``{% language_options as options %}``: where each language takes the reader from here."""
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    return selectors.language_options(request=request, page=page if isinstance(page, Page) else None)


@register.filter
def url_host(url) -> str:
    """The host a link points at, without ``www.`` (``https://www.youtube.com/watch?v=x`` → ``youtube.com``)."""
    host = urlsplit(str(url)).hostname or ""
    return host.removeprefix("www.")
