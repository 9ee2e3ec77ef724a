"""Background work for webinars. Tasks take ids, re-read rows and are safe to run twice; BBB being down is
retried with backoff, and the periodic sweep catches whatever a lost callback missed."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from webinars import services
from webinars.bigbluebutton import BigBlueButtonUnavailable, NotFound
from webinars.models import MeetingSession, Webinar

logger = logging.getLogger(__name__)


@shared_task
def registration_confirmation_send(registration_id: int) -> bool:
    return services.registration_confirmation_send(registration_id=registration_id)


@shared_task
def registration_cancellation_send(registration_id: int) -> bool:
    return services.registration_cancellation_send(registration_id=registration_id)


@shared_task(bind=True, max_retries=6)
def webinar_sync(self, webinar_id: int) -> dict | None:
    """Fetch recordings, then record attendance and issue certificates of attendance (idempotent)."""
    webinar = Webinar.objects.select_related("association").filter(pk=webinar_id).first()
    if webinar is None:
        return None
    try:
        recordings = services.recordings_sync(webinar=webinar)
    except BigBlueButtonUnavailable as exc:
        if self.request.is_eager:
            logger.warning("BBB unavailable while syncing webinar %s; the periodic sweep will retry", webinar_id)
            recordings = None
        else:
            raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
    attended = services.attendance_finalise(webinar=webinar)
    return {"recordings": recordings, "attended": len(attended)}


@shared_task
def reminders_send() -> int:
    return services.reminders_send()


@shared_task
def attendance_poll_running() -> int:
    """Every minute: who is in each meeting that is on now (a meeting BBB no longer knows has ended)."""
    now = timezone.now()
    polled = 0
    open_sessions = MeetingSession.objects.filter(ended_at__isnull=True).values_list("webinar_id", flat=True)
    for webinar in Webinar.objects.filter(pk__in=open_sessions).select_related("association"):
        try:
            services.attendance_poll(webinar=webinar, now=now)
            polled += 1
        except NotFound:
            services.meeting_ended(webinar=webinar, at=now)
        except BigBlueButtonUnavailable:
            logger.warning("BBB unavailable while polling attendance of webinar %s", webinar.pk)
    return polled


@shared_task
def webinars_sweep() -> int:
    """Hourly: meetings past their end whose end callback never came are ended here; recent webinars re-synced."""
    now = timezone.now()
    swept = 0
    recent = Webinar.objects.filter(
        ends_at__lt=now, ends_at__gte=now - datetime.timedelta(days=2), sessions__isnull=False
    )
    for webinar in recent.distinct():
        try:
            if webinar.sessions.filter(ended_at__isnull=True).exists() and not services.bbb_client().is_meeting_running(
                webinar.meeting_id
            ):
                services.meeting_ended(webinar=webinar, at=now)
            else:
                webinar_sync.delay(webinar.pk)
            swept += 1
        except BigBlueButtonUnavailable:
            logger.warning("BBB unavailable during the sweep of webinar %s", webinar.pk)
    return swept


@shared_task
def recordings_expire() -> int:
    return services.recordings_expire()
