"""Serving the sandboxed player and extracted packages, receiving xAPI statements and keeping resume state.

The player document and package files are authorised by signed, expiring links (``h5p.player``): the sandboxed
player has no cookies. The endpoints the lesson page calls (xAPI, resume state) take the user from the session and
ask the context's host app (``h5p.access``) whether that user may play there; the browser never says who it is.
"""

import json
import posixpath
import re
import time

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.refusals import Refusal, refusal_json, refusal_respond
from h5p import player, selectors, services
from h5p.access import context_can_play, context_holds_package
from h5p.models import H5PPackage, H5PUserState

MAX_BODY_BYTES = 64 * 1024
_HASH = re.compile(r"^[0-9a-f]{64}$")
_STATE_FIELD = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

CONTENT_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "map": "application/json",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "vtt": "text/vtt; charset=utf-8",
    "webvtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/plain; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "xml": "text/plain; charset=utf-8",  # never as a document that could run script
    "pdf": "application/pdf",
    "wasm": "application/wasm",
    "gltf": "model/gltf+json",
    "glb": "model/gltf-binary",
}


def _safe_relative_path(path: str) -> str | None:
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in {"", ".", ".."} for part in parts):
        return None
    normalised = posixpath.normpath(path)
    return normalised if normalised == path else None


def _signed_package(*, content_hash: str, expires: int, signature: str) -> H5PPackage:
    """The package a signed link authorises; raises ``Refusal`` for an unknown hash, a forged or an expired link."""
    if not _HASH.match(content_hash):
        raise Refusal.not_found(_("No such package."))
    if not player.content_link_valid(content_hash=content_hash, expires=expires, signature=signature):
        raise Refusal(_("This link to the activity has expired. Reload the page."), code="h5p_link", status=403)
    package = selectors.package_by_hash(content_hash=content_hash)
    if package is None:
        raise Refusal.not_found(_("No such package."))
    return package


def _cacheable_until(response, expires: int) -> None:
    """Immutable per content hash, but never cached beyond the link's expiry."""
    remaining = max(0, expires - int(time.time()))
    response["Cache-Control"] = f"public, max-age={remaining}, immutable"


@require_GET
@xframe_options_exempt  # framed by the site's pages from another origin: the policy's frame-ancestors decides
def player_document(request, content_hash: str, expires: int, signature: str):
    """The document of the sandboxed iframe that plays a package. No session: the signed link authorises it."""
    try:
        package = _signed_package(content_hash=content_hash, expires=expires, signature=signature)
    except Refusal as error:
        return refusal_respond(request, error)
    context = player.player_document(request=request, package=package, expires=expires, signature=signature)
    response = render(request, "h5p/player.html", context)
    response["Content-Security-Policy"] = player.player_policy(request)
    response["X-Content-Type-Options"] = "nosniff"
    _cacheable_until(response, expires)
    return response


@require_GET
def content_file(request, content_hash: str, expires: int, signature: str, path: str):
    """One file of an extracted package, for the sandboxed player (origin ``null``): no cookies, a signed link."""
    relative = _safe_relative_path(path)
    try:
        package = _signed_package(content_hash=content_hash, expires=expires, signature=signature)
        if relative is None:
            raise Refusal.not_found(_("No such file."))
    except Refusal as error:
        return refusal_respond(request, error)
    try:
        handle = default_storage.open(f"{package.storage_prefix}/{relative}", "rb")
    except (FileNotFoundError, IsADirectoryError) as error:
        raise Http404(_("No such file.")) from error
    extension = posixpath.splitext(relative)[1].lower().lstrip(".")
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = player.content_policy(request)
    # The sandboxed player's requests come from the opaque origin "null" and carry no credentials.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    _cacheable_until(response, expires)
    return response


def _playable_package(*, user, package_id, context_key) -> H5PPackage | None:
    """The package, when it exists and the context's host app lets the user play; None otherwise."""
    if not isinstance(context_key, str) or not context_can_play(user=user, context_key=context_key):
        return None
    if isinstance(package_id, bool) or not isinstance(package_id, int | str) or not str(package_id).isdigit():
        return None
    return H5PPackage.objects.filter(pk=int(package_id)).first()


def _json_payload(request) -> dict:
    """The JSON object a post carries (at most 64 KB), or a ``Refusal``."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    too_large = Refusal(_("The request is larger than 64 KB."), code="too_large", status=413)
    if length > MAX_BODY_BYTES:
        raise too_large
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise too_large
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refusal.invalid(_("The request is not valid JSON."), code="bad_json") from error
    if not isinstance(payload, dict):
        raise Refusal.invalid(_("The request must be a JSON object."), code="bad_json")
    return payload


@require_POST
def xapi_statement(request):
    """Record one statement the player emitted (JSON body: package, context, statement)."""
    try:
        if not request.user.is_authenticated:
            raise Refusal(_("Please log in to save your results."), code="login_required", status=403)
        payload = _json_payload(request)
        package = _playable_package(
            user=request.user, package_id=payload.get("package"), context_key=payload.get("context")
        )
        if package is None:
            raise Refusal(_("You cannot play this activity here."), code="not_playable", status=403)
        attempt = services.xapi_statement_record(
            user=request.user, package=package, context_key=payload["context"], statement=payload.get("statement")
        )
    except Refusal as error:
        return refusal_json(error)
    result = None
    if attempt is not None:
        result = {
            "raw": attempt.raw_score,
            "max": attempt.max_score,
            "scaled": attempt.scaled_score,
            "success": attempt.success,
            "completion": attempt.completion,
        }
    return JsonResponse({"ok": True, "attempt": result})


def _state_keys(request, *, package_id, context_key, data_type, sub_content_id) -> dict:
    """The keys of a resume state the session user may touch; raises ``Refusal``."""
    if not request.user.is_authenticated:
        raise Refusal(_("Please log in to save your progress."), code="login")
    if not all(isinstance(value, str) and _STATE_FIELD.match(value) for value in (data_type, sub_content_id)):
        raise Refusal.invalid(_("The state request is malformed."))
    package = _playable_package(user=request.user, package_id=package_id, context_key=context_key)
    if package is None:
        raise Refusal(_("You cannot play this activity here."), code="h5p_forbidden")
    # As for results: the context keeps state only for the packages it holds.
    if not context_holds_package(context_key=context_key, package_id=package.pk):
        raise Refusal(_("This activity does not play that package here."), code="wrong_package")
    return {"user": request.user, "package": package, "context_key": context_key}


@require_http_methods(["GET", "POST"])
def user_state(request, package_id: int):
    """Resume state, read and written by the lesson page (never by the sandboxed player) for the session user.

    GET ``?context=&dataType=&subContentId=`` answers ``{"success": true, "data": <string or false>}``. POST (JSON,
    with the CSRF header) ``{context, dataType, subContentId, data, preload, invalidate}`` saves ``data``; a ``data``
    of ``null`` deletes the state.
    """
    if request.method == "GET":
        fields = request.GET
    else:
        try:
            fields = _json_payload(request)
        except Refusal as refusal:
            return refusal_json(refusal)
    data_type, sub_content_id = fields.get("dataType", ""), fields.get("subContentId", "0")
    if isinstance(sub_content_id, int) and not isinstance(sub_content_id, bool):
        sub_content_id = str(sub_content_id)
    try:
        keys = _state_keys(
            request,
            package_id=package_id,
            context_key=fields.get("context", ""),
            data_type=data_type,
            sub_content_id=sub_content_id or "0",
        )
        keys |= {"data_type": data_type, "sub_content_id": sub_content_id or "0"}
        if request.method == "GET":
            data = selectors.user_state_get(**keys)
            return JsonResponse({"success": True, "data": data if data is not None else False})
        data = fields.get("data")
        if data is None:
            services.user_state_delete(**keys)
            return JsonResponse({"success": True})
        if not isinstance(data, str):
            raise Refusal.invalid(_("The saved state must be text."))
        if len(data) > H5PUserState.MAX_DATA_LENGTH:
            raise Refusal(_("The saved state is larger than 64 KB."), code="too_large", status=413)
        services.user_state_save(
            **keys, data=data, preload=fields.get("preload") is not False, invalidate=fields.get("invalidate") is True
        )
    except Refusal as error:
        return refusal_json(error)
    return JsonResponse({"success": True})
