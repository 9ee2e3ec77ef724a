"""BigBlueButton's callbacks: thin, checked, and queueing the work.

- end: ``GET /webinars/callbacks/end/<meeting id>/<token>/?recordingmarks=...``; the token is a per-meeting signature
  (``services.end_callback_token``). Unknown meeting or bad token: 404. A replay changes nothing.
- analytics: ``POST`` JSON (the Learning Dashboard data) with ``Authorization: Bearer <JWT HS512>``: one more
  attendance source. Bad token: 401; unknown meeting: 410.
- recording ready: ``POST`` with ``signed_parameters``, an HS256 JWT signed with the BBB secret whose payload names
  ``meeting_id`` and ``record_id``. Bad signature: 401; unknown meeting: 410 (BBB stops retrying); the same
  token a second time: 409 (a replay; each accepted token's SHA-256 is kept).
"""

import json

import jwt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.refusals import Refusal, refusal_json
from webinars import services
from webinars.models import Webinar


@require_GET
def end(request: HttpRequest, meeting_id: str, token: str) -> HttpResponse:
    webinar = Webinar.objects.filter(meeting_id=meeting_id).first()
    if webinar is None or not services.end_callback_token_valid(webinar, token):
        return HttpResponse("Unknown meeting.", status=404, content_type="text/plain")
    services.meeting_ended(webinar=webinar)
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt  # BBB is the caller; the JWT signed with the shared secret is the authentication
@require_POST
def recording_ready(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("signed_parameters", "")
    try:
        claims = jwt.decode(token, settings.BIGBLUEBUTTON_SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return HttpResponse("Bad signature.", status=401, content_type="text/plain")
    webinar = Webinar.objects.filter(meeting_id=str(claims.get("meeting_id", ""))).first()
    if webinar is None:
        return HttpResponse("Unknown meeting.", status=410, content_type="text/plain")
    try:
        services.recording_ready(webinar=webinar, token=token)
    except Refusal as refusal:
        return refusal_json(refusal)
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt  # BBB is the caller; the bearer JWT (HS512, the shared secret) is the authentication
@require_POST
def analytics(request: HttpRequest) -> HttpResponse:
    """The Learning Dashboard data BBB posts after a meeting (``meta_analytics-callback-url``)."""
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer":
            raise jwt.InvalidTokenError("no bearer token")
        claims = jwt.decode(token, settings.BIGBLUEBUTTON_SECRET, algorithms=["HS512", "HS256"])
        data = json.loads(request.body)
    except (jwt.InvalidTokenError, ValueError):
        return HttpResponse("Bad signature.", status=401, content_type="text/plain")
    meeting_id = str(data.get("meeting_id") or claims.get("meeting_id") or "") if isinstance(data, dict) else ""
    webinar = Webinar.objects.filter(meeting_id=meeting_id).first()
    if webinar is None or (claims.get("meeting_id") and claims["meeting_id"] != meeting_id):
        return HttpResponse("Unknown meeting.", status=410, content_type="text/plain")
    services.attendance_from_analytics(webinar=webinar, data=data)
    return HttpResponse("OK", content_type="text/plain")


app_name = "webinar_callbacks"
urlpatterns = [
    path("end/<str:meeting_id>/<str:token>/", end, name="end"),
    path("recording-ready/", recording_ready, name="recording_ready"),
    path("analytics/", analytics, name="analytics"),
]
