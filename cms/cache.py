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


def generation(request: HttpRequest | None = None) -> str:
    """The current generation: read from the shared cache once per request (remembered on ``request``)."""
    remembered = getattr(request, "_cms_generation", None)
    if remembered is not None and remembered[0] == _local_bumps:
        return remembered[1]
    value = cache.get(GENERATION_KEY)
    if value is None:
        # First use, or the cache was cleared or evicted the key: a fresh token, never one used before.
        value = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, value, timeout=None):
            value = cache.get(GENERATION_KEY) or value
    if request is not None:
        request._cms_generation = (_local_bumps, value)
    return value


def _new_generation() -> None:
    global _local_bumps
    _local_bumps += 1
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def bump() -> None:
    """Invalidate every memoised value, on every node: now (the rest of this transaction sees its own change) and
    again on commit (a request that rebuilt a value from the not yet committed state in between is not kept)."""
    _new_generation()
    transaction.on_commit(_new_generation)


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
