"""The sandboxed H5P player: signed links to a package's files, the player document's policy, and what a page
needs to embed the player.

Package code is untrusted. It runs in ``<iframe sandbox="allow-scripts">`` (an opaque origin: no cookies, no
storage, no access to the page that embeds it) whose document, ``h5p:player``, is served from
``H5P_CONTENT_ORIGIN`` (the request's own host when empty) with a Content-Security-Policy of its own, which
sandboxes the document again when someone opens it outside the iframe. The player document and the package files
are fetched without the viewer's cookies, so the link itself authorises them: an HMAC over the content hash and an
expiry time. The page and the player talk only by ``postMessage`` (``static/h5p/player.js`` on the page,
``static/h5p/sandbox.js`` in the player); the page, not the player, posts results and resume state to the server.
"""

import hashlib
import time
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from h5p.access import context_can_play
from h5p.models import H5PPackage
from h5p.services import activity_iri

_SALT = "h5p.content"
# Expiry times are rounded up to the hour: every viewer of a package gets the same links for an hour, so browsers and
# caches reuse the files; a link then stays valid between H5P_CONTENT_URL_SECONDS and an hour longer.
EXPIRY_STEP = 3600
SANDBOX = "allow-scripts"  # never allow-same-origin: the player must not share the site's origin


def _signature(content_hash: str, expires: int) -> str:
    return signing.Signer(salt=_SALT, algorithm="sha256").signature(f"{content_hash}:{expires}")


def content_link(*, content_hash: str, now: float | None = None) -> tuple[int, str]:
    """``(expires, signature)`` authorising the player document and the files of one package until ``expires``."""
    now = time.time() if now is None else now
    expires = (int(now) + settings.H5P_CONTENT_URL_SECONDS) // EXPIRY_STEP * EXPIRY_STEP + EXPIRY_STEP
    return expires, _signature(content_hash, expires)


def content_link_valid(*, content_hash: str, expires: int, signature: str, now: float | None = None) -> bool:
    """True for a signature of ours over this content hash and expiry time, before that time."""
    now = time.time() if now is None else now
    if expires < now:
        return False
    return constant_time_compare(_signature(content_hash, expires), signature)


def _request_origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def content_origin(request) -> str:
    """Where the player document and package files are served from."""
    return settings.H5P_CONTENT_ORIGIN or _request_origin(request)


def site_origin(request) -> str:
    """The origin of the pages that embed the player (the only ``frame-ancestors`` the player accepts)."""
    if not settings.H5P_CONTENT_ORIGIN:
        return _request_origin(request)
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _static(request, path: str) -> str:
    """A static file's absolute URL on the content origin (or on STATIC_URL's host when that is absolute)."""
    url = static(path)
    return url if _origin_of(url) else f"{content_origin(request)}{url}"


def player_url(*, request, package: H5PPackage) -> str:
    """The signed address of the player document for a package, on the content origin."""
    expires, signature = content_link(content_hash=package.content_hash)
    kwargs = {"content_hash": package.content_hash, "expires": expires, "signature": signature}
    return f"{content_origin(request)}{reverse('h5p:player', kwargs=kwargs)}"


def content_policy(request) -> str:
    """Package files: scripts, styles, fonts and media the player loads. Opened on their own (an SVG, say), they run
    no script and get a unique origin; nothing may frame them."""
    origin = content_origin(request)
    return (
        f"default-src 'none'; img-src {origin} data: blob:; media-src {origin} blob:; "
        f"style-src {origin} 'unsafe-inline'; font-src {origin} data:; sandbox; frame-ancestors 'none'"
    )


def player_policy(request) -> str:
    """The player document: scripts and connections only from the content origin (h5p-standalone fetches the JSON
    files and adds the libraries' scripts and styles as elements; no eval), inline styles (H5P libraries set them),
    no forms, no plugins, no frames; framed only by the site; sandboxed even when opened on its own."""
    sources = {content_origin(request)}
    if static_origin := _origin_of(static("h5p/sandbox.js")):
        sources.add(static_origin)
    origins = " ".join(sorted(sources))
    return (
        f"default-src 'none'; script-src {origins}; style-src {origins} 'unsafe-inline'; "
        f"img-src {origins} data: blob:; media-src {origins} data: blob:; font-src {origins} data:; "
        f"connect-src {origins}; form-action 'none'; base-uri 'none'; "
        f"frame-ancestors {site_origin(request)}; sandbox {SANDBOX}"
    )


def player_document(*, request, package: H5PPackage, expires: int, signature: str) -> dict[str, str]:
    """What ``h5p/player.html`` shows: the package's signed file base and the player's own scripts and styles."""
    kwargs = {"content_hash": package.content_hash, "expires": expires, "signature": signature, "path": "h5p.json"}
    h5p_json = f"{content_origin(request)}{reverse('h5p:content', kwargs=kwargs)}"
    return {
        "title": package.title,
        "content_id": str(package.pk),
        "json_path": h5p_json.removesuffix("/h5p.json"),
        "sandbox_js": _static(request, "h5p/sandbox.js"),
        "sandbox_css": _static(request, "h5p/sandbox.css"),
        "main_js": _static(request, "vendor/h5p-standalone/main.bundle.js"),
        "frame_js": _static(request, "vendor/h5p-standalone/frame.bundle.js"),
        "frame_css": _static(request, "vendor/h5p-standalone/styles/h5p.css"),
    }


def player_embed(*, request, package: H5PPackage, context_key: str) -> dict[str, str]:
    """The values the block template writes into the data-h5p-* attributes ``static/h5p/player.js`` reads."""
    return _embeds(request=request, placements=[(context_key, package)])[context_key]


def _embeds(*, request, placements: Iterable[tuple[str, H5PPackage]]) -> dict[str, dict[str, str]]:
    """``player_embed`` for many placements: what they share (the content origin, the xAPI address, each package's
    signed link) is worked out once."""
    origin = content_origin(request)
    xapi_url = reverse("h5p:xapi")
    save_seconds = str(settings.H5P_STATE_SAVE_SECONDS)
    per_package: dict[int, tuple[str, str]] = {}
    embeds = {}
    for context_key, package in placements:
        if package.pk not in per_package:
            expires, signature = content_link(content_hash=package.content_hash)
            kwargs = {"content_hash": package.content_hash, "expires": expires, "signature": signature}
            per_package[package.pk] = (
                f"{origin}{reverse('h5p:player', kwargs=kwargs)}",
                reverse("h5p:state", kwargs={"package_id": package.pk}),
            )
        player_url, state_url = per_package[package.pk]
        embeds[context_key] = {
            "package": str(package.pk),
            "context": context_key,
            "iri": activity_iri(package_id=package.pk, context_key=context_key),
            "player_url": player_url,
            "xapi_url": xapi_url,
            "state_url": state_url,
            "save_seconds": save_seconds,
            "element_id": f"h5p-{package.pk}-{hashlib.sha256(context_key.encode()).hexdigest()[:12]}",
        }
    return embeds


def players_build(
    *, request, placements: Iterable[tuple[str, H5PPackage | None]], playable: Collection[str] | None = None
) -> dict[str, dict]:
    """The player of every H5P placement of a page, by context key, built once for the page: what
    ``{% h5p_player_config %}`` answers for one placement (``{"status": "ok", "config": {...}}``, or ``"login"`` or
    ``"forbidden"``), for all of them at once.

    ``placements`` are ``(context key, package)`` pairs. ``playable`` is the set of keys the host app lets the
    request's user play there, decided by the host app for the whole page (its registered ``can_play`` rule, asked
    once rather than once per block); when None, ``context_can_play`` is asked for each key. No queries of its own.
    """
    placements = list(placements)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {key: {"context": key, "status": "login"} for key, _package in placements}
    allowed = [
        (key, package)
        for key, package in placements
        if package is not None
        and (key in playable if playable is not None else context_can_play(user=user, context_key=key))
    ]
    embeds = _embeds(request=request, placements=allowed)
    return {
        key: {"context": key, "status": "ok", "config": embeds[key]}
        if key in embeds
        else {"context": key, "status": "forbidden"}
        for key, _package in placements
    }
