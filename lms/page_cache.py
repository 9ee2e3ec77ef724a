"""Anonymous pages cached whole, dropped when what they show changes.

What is cached: the HTML of a Wagtail page served by Wagtail's own view (``wagtail.views.serve``) to a visitor who is
not signed in, for a page type listed in ``PAGE_TYPES`` (opt-in) that has no view restriction, answered 200 as
``text/html`` without ``private``/``no-store``/``no-cache`` and without writing any per-visitor state (no session,
no message, no cookie but the CSRF one). Only requests that carry no session cookie, no messages cookie, no
``Authorization`` header and no query string are looked up or stored: a signed-in reader (or an anonymous one with a
session: a passed password restriction, a pending message) always gets the page rendered for them, and a query string
(catalogue filters, pagination, a campaign tag) always renders. GET fills the cache; GET and HEAD are served from it.

The key is the scheme, host, path (language prefix included) and active language. Each stored page carries the
cache *generation* it was rendered under: any change that could alter an anonymous page (a page published,
unpublished, moved, saved or deleted; a view restriction; the menus, footer and settings; sites, locales and
redirects; images and documents; skills, associations and course trainers' names, which course pages show) sets a new
generation, so every page is stale at once (``pages_invalidate``). The generation is read before the page renders,
so a change made while it renders leaves it stale, never wrongly fresh; it is set again when the transaction commits.
Per-learner writes (enrolments, progress, ballots, registrations) set nothing: no anonymous page shows them.
Pages expire after ``PAGE_CACHE_SECONDS`` anyway (0 turns the cache off), which bounds what no signal reports: a
change made in another process when the cache is per process (local memory), the web workers of an old release
during a rolling deploy.

Forms on a cached page stay safe: the CSRF tokens in the stored HTML are cut out when it is stored, and each hit gets
the reader's own token (``get_token``), so CsrfViewMiddleware, which runs around this one, sets the reader's CSRF
cookie as it does for a rendered page. A page whose HTML holds the CSRF secret anywhere else is not stored.

Each response this middleware answers or stores says so in ``X-Page-Cache: hit`` or ``miss``.
"""

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from wagtail.views import serve as wagtail_serve

from cms.cache import renew, token

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
GENERATION_KEY = "page-cache:generation"
KEY_PREFIX = "page-cache:page:"

# Page types whose HTML is the same for every anonymous reader (checked in their models and templates: no form but
# the language switcher's, no per-visitor content for anonymous readers). Lessons answer anonymous readers with a
# redirect to log in, so they are never stored. A new page type is not cached until it is added here.
PAGE_TYPES = frozenset(
    {
        "cms.homepage",
        "cms.standardpage",
        "cms.trackpage",
        "courses.courseindexpage",
        "courses.coursepage",
    }
)

# Django's {% csrf_token %}: <input type="hidden" name="csrfmiddlewaretoken" value="<64 letters and digits>">
_FORM_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(?=")')
_ANY_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_UNCACHEABLE_CONTROL = ("private", "no-store", "no-cache", "max-age=0")
_ALLOWED_VARY = {"accept-language", "cookie", "accept-encoding"}
# Headers set by the middleware around this one, on hits as on misses.
_NOT_STORED = {"content-length", "server-timing", "set-cookie", "vary", HEADER.lower()}
_PAGE_ATTRIBUTE = "_page_cache_page"
_process_started = False


def pages_invalidate() -> None:
    """Every cached page is stale from now on, and again when the current transaction commits (a page rendered
    meanwhile read the data from before the commit)."""
    renew(GENERATION_KEY, _generation_new)


def page_served(*, request, page, args, kwargs) -> None:
    """Wagtail's serve view is answering ``request`` with ``page`` (a ``before_serve_page`` hook calls this): the
    response may be stored if everything else allows it."""
    if not args and not kwargs:
        setattr(request, _PAGE_ATTRIBUTE, page)


def _generation_new() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache is down: nothing is served from it either; pages expire after the TTL
        logger.exception("page cache: could not set a new generation")


def _key(request) -> str:
    identity = f"{request.scheme}://{request.get_host()}{request.path}|{translation.get_language()}"
    return KEY_PREFIX + hashlib.sha256(identity.encode()).hexdigest()


def _request_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    # An empty cookie is one the server deleted (a flushed session, messages shown): the reader has none.
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(CookieStorage.cookie_name):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.func is wagtail_serve


def _response_cacheable(request, response) -> bool:
    page = getattr(request, _PAGE_ATTRIBUTE, None)
    if page is None or page._meta.label_lower not in PAGE_TYPES or not page.live:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in _UNCACHEABLE_CONTROL):
        return False
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
    if vary - _ALLOWED_VARY:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and (messages.used or messages.added_new):
        return False
    # Wagtail marks restricted pages never-cache already; asked again so that no change of Wagtail's undoes it.
    return not page.get_view_restrictions().exists()


def _entry(request, response, generation: str) -> tuple | None:
    """What is stored: the generation, the body cut where CSRF tokens were, the headers. None when the HTML holds
    the CSRF secret anywhere else (it would be handed to every reader)."""
    parts = _FORM_TOKEN.split(response.content)
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        for part in parts:
            if secret.encode() in part:
                return None
            for token in _ANY_TOKEN.findall(part):
                if _unmask_cipher_token(token.decode()) == secret:
                    return None
    headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED]
    return generation, parts, headers


def _replay(request, entry: tuple) -> HttpResponse:
    _generation_stored, parts, headers = entry
    body = get_token(request).encode().join(parts) if len(parts) > 1 else parts[0]
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
    # A rendered page varies on the cookie (the session was read to find the reader); the same page from the cache
    # says so too, so that no shared cache downstream hands it to a signed-in reader.
    patch_vary_headers(response, ("Cookie",))
    response[HEADER] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serves and stores anonymous Wagtail pages (see the module's docstring). Sits inside CsrfViewMiddleware (which
    sets the CSRF cookie a hit's forms need) and outside everything a page's headers come from."""

    def __init__(self, get_response):
        self.get_response = get_response
        global _process_started
        # A new web process may run new code (a deploy): pages rendered by the old one are dropped, once per process.
        if not _process_started and settings.PAGE_CACHE_SECONDS > 0:
            _process_started = True
            _generation_new()

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or not _request_cacheable(request):
            return self.get_response(request)
        key = _key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = token(GENERATION_KEY, found)
        except Exception:
            logger.exception("page cache: could not read from the cache")
            return self.get_response(request)
        entry = found.get(key)
        if generation is not None and entry is not None and entry[0] == generation:
            return _replay(request, entry)
        response = self.get_response(request)
        if generation is not None and request.method == "GET" and _response_cacheable(request, response):
            stored = _entry(request, response, generation)
            if stored is not None:
                try:
                    cache.set(key, stored, timeout=seconds)
                except Exception:
                    logger.exception("page cache: could not store a page")
                    return response
                response[HEADER] = "miss"
        return response
