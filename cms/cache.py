"""What every page shows alike to everyone (menu and footer links, the footer text, the catalogue link, a page's
translations), built once per process and generation instead of on every request.

The generation is one token in the shared cache (Redis in production): ``generation()`` reads it once per request,
``bump()`` replaces it whenever something those parts show changes (``cms.signals`` wires it to page saves, moves,
unpublishing and deletions, menus and settings, the footer snippet, locales and sites). Values live in each
process, keyed by the generation, so a bump on one node is seen by every node at its next request; a value is also
dropped after ``MEMO_SECONDS``, which bounds how long a node can lag when the cache is not shared (the local-memory
cache with several worker processes). Values are plain data (strings, tuples, frozen dataclasses), never model
instances: they are shared between requests and threads.
"""

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.http.request import split_domain_port

GENERATION_KEY = "cms:generation"
MEMO_SECONDS = 300
MEMO_SIZE = 2048

_memo: OrderedDict = OrderedDict()
_lock = threading.Lock()
_local_bumps = 0  # bumps made by this process: a request's remembered generation is stale once this changes


def token(key: str, found: dict | None = None) -> str:
    """The token under ``key`` in the shared cache (``found``: what a ``get_many`` already read, when it did). On
    first use, or when the cache was cleared or evicted it, a fresh token, never one used before, so nothing kept
    under an older token can match it. Generations here, in lms.page_cache and lms.person_chrome are such tokens."""
    value = cache.get(key) if found is None else found.get(key)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(key, value, timeout=None):
            value = cache.get(key) or value
    return value


def renew(key: str, new: Callable[[], None] | None = None) -> None:
    """Replace the token under ``key`` now (the rest of this transaction sees its own change) and again on commit (a
    request that rebuilt a value from the not yet committed state in between is not kept). ``new`` replaces it
    when given (a caller that does more than set it)."""
    new = new or (lambda: cache.set(key, uuid.uuid4().hex, timeout=None))
    new()
    transaction.on_commit(new)


def generation(request: HttpRequest | None = None) -> str:
    """The current generation: read from the shared cache once per request (remembered on ``request``)."""
    remembered = getattr(request, "_cms_generation", None)
    if remembered is not None and remembered[0] == _local_bumps:
        return remembered[1]
    value = token(GENERATION_KEY)
    if request is not None:
        request._cms_generation = (_local_bumps, value)
    return value


def _new_generation() -> None:
    global _local_bumps
    _local_bumps += 1
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def bump() -> None:
    """Invalidate every memoised value, on every node (``renew``)."""
    renew(GENERATION_KEY, _new_generation)


def site_key(request: HttpRequest) -> tuple[str, int | str]:
    """What picks the request's Wagtail site (``Site.find_for_request`` matches the host and port): a key part for
    values that hold URLs, which are relative on their own site and absolute on another."""
    return split_domain_port(request._get_raw_host())[0], request.get_port()


def memoised(request: HttpRequest | None, key: tuple[Hashable, ...], build: Callable[[], Any]) -> Any:
    """``build()``'s value for ``key`` in the current generation, built at most once per process and generation."""
    full_key = (generation(request), *key)
    now = time.monotonic()
    with _lock:
        entry = _memo.get(full_key)
        if entry is not None and now - entry[0] < MEMO_SECONDS:
            _memo.move_to_end(full_key)
            return entry[1]
    value = build()
    with _lock:
        _memo[full_key] = (now, value)
        _memo.move_to_end(full_key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value
