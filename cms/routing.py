"""Wagtail's routing of a page request, kept per path until the page tree changes.

Serving a page, Wagtail looks up the request's site, the active locale, the site's root page in that locale and then
each page along the path, one or two queries a level (a lesson: six). What it finds depends only on the host, the
active language and the path, and changes only when a page, site or locale does, which is what renews ``cms.cache``'s
generation (``cms.signals``; an association too: a course's issuer is loaded with it). So the route found for a path
is kept, per process and generation, as a pickle of what Wagtail remembers on the request (the site and the route:
the page with the ancestors and siblings its routing loaded): a later request to that path unpickles its own copy,
with no query. A copy per request, never a shared instance: pages are given per-request state while they serve.

Nothing personal is in a route: it is taken before the page serves, and Wagtail still checks the page's view
restrictions on every request (``before_serve_page``). A path that routes nowhere (404) is not kept, nor a route that
does not pickle; both are routed as Wagtail does, every time.
"""

import pickle
import threading
import time
from collections import OrderedDict

from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

from cms import cache

ROUTES_SIZE = 1024  # paths kept per process (a lesson's route, its course and siblings included, pickles to ~10 kB)

_routes: OrderedDict = OrderedDict()
_lock = threading.Lock()


def route_known(request: HttpRequest, path: str) -> None:
    """Give ``request`` the site and route Wagtail would look up for ``path`` (``Page.route_for_request``), from
    the kept route when there is one; else route it as Wagtail does (the result is remembered on the request, so
    Wagtail's serve view uses it) and keep it."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    # The generation is read before routing: a change made while this request routes leaves what it keeps stale.
    key = (cache.generation(request), *cache.site_key(request), get_language(), path)
    now = time.monotonic()
    with _lock:
        entry = _routes.get(key)
        if entry is not None and now - entry[0] < cache.MEMO_SECONDS:
            _routes.move_to_end(key)
            kept = entry[1]
        else:
            kept = None
    if kept is not None:
        request._wagtail_site, request._wagtail_route_for_request = pickle.loads(kept)  # noqa: S301 - our own bytes
        return
    route = Page.route_for_request(request, path)
    if route is None:
        return
    try:
        kept = pickle.dumps((Site.find_for_request(request), route), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    with _lock:
        _routes[key] = (now, kept)
        _routes.move_to_end(key)
        while len(_routes) > ROUTES_SIZE:
            _routes.popitem(last=False)


class KnownRoutesMiddleware:
    """Routes requests to Wagtail's serve view from the kept routes (``route_known``); other views are untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve:
            path = view_kwargs.get("path", view_args[0] if view_args else "")
            route_known(request, path)
        return None
