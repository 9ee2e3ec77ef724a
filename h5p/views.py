"""Serving extracted packages, receiving xAPI statements and keeping resume state.

Every endpoint takes the user from the session and asks the context's host app (``h5p.access``) whether that
user may play there; the browser never says who it is.
"""

import json
import posixpath
import re

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.refusals import Refusal, refusal_json
from h5p import player, selectors, services
from h5p.access import context_can_play
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
# The files are scripts, styles, fonts and media loaded by the player. Opened on their own (an SVG, say),
# they get no script, no plugins and a unique origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; sandbox; frame-ancestors 'self'"
)


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _safe_relative_path(path: str) -> str | None:
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in {"", ".", ".."} for part in parts):
        return None
    normalised = posixpath.normpath(path)
    return normalised if normalised == path else None


@login_required
@require_GET
@xframe_options_sameorigin
def content_file(request, content_hash: str, path: str):
    """One file of an extracted package, immutable per content hash."""
    relative = _safe_relative_path(path)
    if not _HASH.match(content_hash) or relative is None:
        raise Http404(_("No such file."))
    package = selectors.package_by_hash(content_hash=content_hash)
    if package is None:
        raise Http404(_("No such package."))
    try:
        handle = default_storage.open(f"{package.storage_prefix}/{relative}", "rb")
    except (FileNotFoundError, IsADirectoryError) as error:
        raise Http404(_("No such file.")) from error
    extension = posixpath.splitext(relative)[1].lower().lstrip(".")
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _parse_body(request) -> dict | JsonResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _json_error(_("The request is larger than 64 KB."), 413)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _json_error(_("The request is larger than 64 KB."), 413)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _json_error(_("The request is not valid JSON."), 400)
    if not isinstance(payload, dict):
        return _json_error(_("The request must be a JSON object."), 400)
    return payload


def _playable_package(*, user, package_id, context_key) -> H5PPackage | None:
    """The package, when it exists and the context's host app lets the user play; None otherwise."""
    if not isinstance(context_key, str) or not context_can_play(user=user, context_key=context_key):
        return None
    if isinstance(package_id, bool) or not isinstance(package_id, int | str) or not str(package_id).isdigit():
        return None
    return H5PPackage.objects.filter(pk=int(package_id)).first()


def _statement_payload(request) -> dict:
    """The JSON body of an xAPI post, or a ``Refusal``."""
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
        payload = _statement_payload(request)
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


@csrf_exempt  # H5P core posts form fields with jQuery and no CSRF header; the signed token stands in for it
@require_http_methods(["GET", "POST"])
def user_state(request, package_id: int):
    """Resume state in H5P core's ``contentUserData`` protocol: GET answers ``{success, data}``; POST saves
    ``data`` (``0`` deletes) with ``preload`` and ``invalidate`` flags."""
    if not request.user.is_authenticated:
        return _json_error(_("Please log in to save your progress."), 403)
    context_key = request.GET.get("context", "")
    data_type = request.GET.get("dataType", "")
    sub_content_id = request.GET.get("subContentId", "") or "0"
    if not _STATE_FIELD.match(data_type) or not _STATE_FIELD.match(sub_content_id):
        return _json_error(_("The state request is malformed."), 400)
    package = _playable_package(user=request.user, package_id=package_id, context_key=context_key)
    if package is None:
        return _json_error(_("You cannot play this activity here."), 403)
    if not player.state_token_valid(
        user=request.user, package_id=package.pk, context_key=context_key, token=request.GET.get("token", "")
    ):
        return _json_error(_("The state request is not signed for you."), 403)
    keys = {"user": request.user, "package": package, "context_key": context_key}
    keys |= {"data_type": data_type, "sub_content_id": sub_content_id}
    if request.method == "GET":
        data = selectors.user_state_get(**keys)
        return JsonResponse({"success": True, "data": data if data is not None else False})
    data = request.POST.get("data")
    if data is None:
        return _json_error(_("The state request has no data."), 400)
    if data == "0":
        services.user_state_delete(**keys)
        return JsonResponse({"success": True})
    if len(data) > H5PUserState.MAX_DATA_LENGTH:
        return _json_error(_("The saved state is larger than 64 KB."), 413)
    services.user_state_save(
        **keys, data=data, preload=request.POST.get("preload") == "1", invalidate=request.POST.get("invalidate") == "1"
    )
    return JsonResponse({"success": True})
