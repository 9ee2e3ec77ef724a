"""The request's Wagtail site, kept in ``cms.cache`` per host and port, instead of Wagtail's query (a join over the
sites matching the host) on every request that asks: a page's ``get_url(request)`` asks it, and My learning, which
links many courses and lessons, spent a fifth of its time there. Sites are among the models whose changes renew the
generation (cms.signals). Kept as plain field values; each request gets its own ``Site`` instance."""

from django.http import HttpRequest
from wagtail.models import Site

from cms.cache import memoised, site_key


def _site_fields(request: HttpRequest) -> tuple[tuple[str, object], ...] | None:
    site = Site._find_for_request(request)
    if site is None:
        return None
    return tuple((field.attname, getattr(site, field.attname)) for field in Site._meta.concrete_fields)


def site_remember(request: HttpRequest) -> None:
    """Where ``Site.find_for_request`` looks first (``request._wagtail_site``), the site from the cache."""
    if hasattr(request, "_wagtail_site"):
        return
    fields = memoised(request, ("wagtail_site", *site_key(request)), lambda: _site_fields(request))
    if fields is None:
        request._wagtail_site = None
        return
    names = [name for name, _value in fields]
    request._wagtail_site = Site.from_db("default", names, [value for _name, value in fields])
