"""Webinar pages: list, detail, register/cancel, join and the waiting room, recordings, attendance, calendar."""

from __future__ import annotations

import csv
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Association
from accounts.refusals import Refusal, refusal_json, refusal_respond
from cms.tracks import Track
from webinars import selectors, services
from webinars.calendar import calendar_bytes
from webinars.models import CalendarFeed, Recording, Registration, Webinar

TZ_COOKIE = "tz"


def _viewer_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The viewer's time zone, as webinars.js stored it from the browser (None: the site's)."""
    name = request.COOKIES.get(TZ_COOKIE, "")
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _render_for_viewer(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Render with times in the viewer's time zone (only for this response)."""
    zone = _viewer_zone(request)
    with timezone.override(zone or timezone.get_default_timezone()):
        context["viewer_time_zone"] = timezone.get_current_timezone_name()
        return render(request, template, context, status=status)


def _webinar_or_404(webinar_id: int) -> Webinar:
    webinar = selectors.webinar_get(webinar_id=webinar_id)
    if webinar is None:
        raise Http404
    return webinar


@require_GET
def webinar_list(request: HttpRequest) -> HttpResponse:
    past = request.GET.get("when") == "past"
    track = request.GET.get("track", "")
    track = track if track in Track.values else ""
    associations = list(Association.objects.filter(webinars__isnull=False).distinct().order_by("name"))
    association = next((a for a in associations if a.slug == request.GET.get("association")), None)
    webinars = selectors.webinar_list(past=past, track=track, association=association)
    return _render_for_viewer(
        request,
        "webinars/webinar_list.html",
        {
            "webinars": webinars,
            "past": past,
            "track": track,
            "tracks": Track.choices,
            "associations": associations,
            "association": association,
        },
    )


@require_GET
def webinar_detail(request: HttpRequest, webinar_id: int) -> HttpResponse:
    webinar = _webinar_or_404(webinar_id)
    user = request.user
    # Signed in: the registration, roles and membership in one query (the join's; presenters are listed already).
    standing = selectors.webinar_standing(webinar=webinar, user=user) if user.is_authenticated else None
    runs = standing is not None and services.webinar_runs(user=user, webinar=webinar, standing=standing)
    now = timezone.now()
    return _render_for_viewer(
        request,
        "webinars/webinar_detail.html",
        {
            "webinar": webinar,
            "registration_status": standing.registration_status if standing else "",
            "runs": runs,
            "now": now,
            "ended": now >= webinar.ends_at,
            "registration_open": webinar.registration_is_open(now),
            "recordings": selectors.recordings_visible(webinar=webinar, user=user, standing=standing, runs=runs),
            "Status": Registration.Status,
        },
    )


def _webinar_action(request: HttpRequest, webinar_id: int, act) -> HttpResponse:
    """Run ``act(webinar)`` (a service call that returns the message to show), then back to the webinar's page;
    a refusal becomes its message there."""
    webinar = _webinar_or_404(webinar_id)
    try:
        level, text = act(webinar)
    except Refusal as error:
        return refusal_respond(request, error, redirect_to=webinar.get_absolute_url())
    messages.add_message(request, level, text)
    return redirect(webinar.get_absolute_url())


@login_required
@require_POST
def webinar_register(request: HttpRequest, webinar_id: int) -> HttpResponse:
    def act(webinar):
        registration = services.webinar_register(webinar=webinar, user=request.user)
        if registration.status == Registration.Status.WAITING:
            return messages.INFO, _(
                "The webinar is full: you are on the waiting list. We will e-mail you when a seat frees."
            )
        return messages.SUCCESS, _("You are registered. A confirmation with a calendar invitation is on its way.")

    return _webinar_action(request, webinar_id, act)


@login_required
@require_POST
def webinar_cancel(request: HttpRequest, webinar_id: int) -> HttpResponse:
    def act(webinar):
        services.webinar_cancel(webinar=webinar, user=request.user)
        return messages.SUCCESS, _("Your registration is cancelled.")

    return _webinar_action(request, webinar_id, act)


@login_required
@require_POST
def webinar_call_off(request: HttpRequest, webinar_id: int) -> HttpResponse:
    """Cancel the webinar for everyone (presenters, officers): registrants are told, with a calendar CANCEL."""

    def act(webinar):
        cancelled = services.webinar_call_off(webinar=webinar, actor=request.user)
        text = ngettext(
            "The webinar is cancelled; %(count)s registration was cancelled and its holder told.",
            "The webinar is cancelled; %(count)s registrations were cancelled and their holders told.",
            cancelled,
        )
        return messages.SUCCESS, text % {"count": cancelled}

    return _webinar_action(request, webinar_id, act)


@login_required
def webinar_join(request: HttpRequest, webinar_id: int) -> HttpResponse:
    """POST: into the meeting, or to the waiting room. GET: the waiting room (polls, then joins).

    The join storm's hot path: the webinar's row and the person's standing in it are one query (no counts, no
    presenters: the waiting room and the refusals show only the title), then the service writes the attendance."""
    found = selectors.webinar_with_standing(webinar_id=webinar_id, user=request.user)
    if found is None:
        raise Http404
    webinar, standing = found
    if request.method == "POST":
        try:
            result = services.webinar_join(webinar=webinar, user=request.user, standing=standing)
        except Refusal as error:
            if error.status == 503:
                context = {"webinar": webinar, "message": error.text}
                return render(request, "webinars/unavailable.html", context, status=503)
            return refusal_respond(request, error, redirect_to=webinar.get_absolute_url())
        if result.url:
            return redirect(result.url)
    elif not services.webinar_may_enter(webinar=webinar, user=request.user, standing=standing):
        return refusal_respond(request, services.not_registered(), redirect_to=webinar.get_absolute_url())
    return render(request, "webinars/waiting.html", {"webinar": webinar})


@login_required
@require_GET
def webinar_status(request: HttpRequest, webinar_id: int) -> JsonResponse:
    """For the waiting room's polling: is the meeting running yet?"""
    webinar = _webinar_or_404(webinar_id)
    if not services.webinar_may_enter(webinar=webinar, user=request.user):
        return refusal_json(services.not_registered())
    try:
        running = services.webinar_is_running(webinar=webinar)
    except Refusal as error:
        return JsonResponse({"running": False, "error": error.text}, status=200)
    return JsonResponse({"running": running})


def _runner_or_refuse(request: HttpRequest, webinar: Webinar) -> HttpResponse | None:
    if not services.webinar_runs(user=request.user, webinar=webinar):
        return refusal_respond(
            request, Refusal(_("Only the webinar's presenters and its association's officers see this."))
        )
    return None


@login_required
@require_GET
def webinar_attendance(request: HttpRequest, webinar_id: int) -> HttpResponse:
    webinar = _webinar_or_404(webinar_id)
    if refused := _runner_or_refuse(request, webinar):
        return refused
    minutes = services.attendance_minutes(webinar=webinar)
    rows, absent = selectors.attendance_table(webinar=webinar, minutes=minutes)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="attendance-{webinar.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Name"), _("E-mail"), _("Registration"), _("Minutes"), _("Attended")])
        for row in [*rows, *absent]:
            writer.writerow(
                [
                    row.user.get_full_name(),
                    row.user.email,
                    row.status,
                    row.minutes,
                    _("yes") if row.attended else _("no"),
                ]
            )
        return response
    return render(
        request,
        "webinars/attendance.html",
        {"webinar": webinar, "rows": rows, "absent": absent, "scheduled": webinar.scheduled_minutes},
    )


@login_required
@require_POST
def recording_manage(request: HttpRequest, webinar_id: int, recording_id: int) -> HttpResponse:
    webinar = _webinar_or_404(webinar_id)
    recording = Recording.objects.filter(pk=recording_id, webinar=webinar, deleted_at__isnull=True).first()
    if recording is None:
        raise Http404
    recording.webinar = webinar
    action = request.POST.get("action")
    try:
        if action in {"publish", "unpublish"}:
            services.recording_publish(recording=recording, actor=request.user, publish=action == "publish")
        elif action == "delete":
            services.recording_delete(recording=recording, actor=request.user)
        else:
            raise Refusal.invalid(_("Unknown action."))
    except Refusal as error:
        return refusal_respond(request, error, redirect_to=webinar.get_absolute_url())
    return redirect(webinar.get_absolute_url())


@require_GET
def recording_watch(request: HttpRequest, webinar_id: int, recording_id: int, index: int) -> HttpResponse:
    """A recording's playback, through us: checked, then a redirect to BBB (its address is never on our pages)."""
    webinar = _webinar_or_404(webinar_id)
    try:
        url = services.recording_playback_url(
            webinar=webinar, recording_id=recording_id, index=index, user=request.user
        )
    except Refusal as error:
        return refusal_respond(request, error)
    response = redirect(url)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The person's private calendar address; POST revokes it and makes a new one."""
    if request.method == "POST":
        services.calendar_feed_revoke(user=request.user)
        messages.success(request, _("A new calendar address was made; the old one no longer works."))
        return redirect("webinars:calendar")
    feed = services.calendar_feed_get(user=request.user)
    return render(request, "webinars/calendar.html", {"feed": feed})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    webinars = selectors.calendar_webinars(user=feed.user)
    response = HttpResponse(
        calendar_bytes(webinars, name=_("My webinars · LIS Commons")), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
