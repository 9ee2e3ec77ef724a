"""iCalendar (.ics) for webinars: the invitation attached to a confirmation and the personal feed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//LIS Commons//Webinars//EN"


def _event(webinar, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", f"webinar-{webinar.pk}@{settings.SITE_URL.split('://', 1)[-1]}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", webinar.starts_at)
    event.add("dtend", webinar.ends_at)
    event.add("summary", webinar.title)
    url = f"{settings.SITE_URL}{webinar.get_absolute_url()}"
    event.add("url", url)
    event.add("description", f"{webinar.description}\n\n{url}".strip())
    event.add("location", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_bytes(webinars: Iterable, *, method: str = "PUBLISH", cancelled: bool = False, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for webinar in webinars:
        calendar.add_component(_event(webinar, cancelled=cancelled))
    return calendar.to_ical()
