"""iCalendar (.ics) for webinars: the invitation attached to a confirmation, the cancellation attached to its
notice, and the personal feed. One UID per webinar; a person's messages carry their registration's SEQUENCE."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

PRODID = "-//LIS Commons//Webinars//EN"


def event_uid(webinar) -> str:
    return f"webinar-{webinar.pk}@{settings.SITE_URL.split('://', 1)[-1]}"


def _event(webinar, *, cancelled: bool = False, sequence: int | None = None, attendee: str = "") -> Event:
    event = Event()
    event.add("uid", event_uid(webinar))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", webinar.starts_at)
    event.add("dtend", webinar.ends_at)
    event.add("summary", webinar.title)
    if sequence is not None:
        event.add("sequence", sequence)
    event.add("organizer", vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}"))
    if attendee:
        event.add("attendee", vCalAddress(f"mailto:{attendee}"))
    url = f"{settings.SITE_URL}{webinar.get_absolute_url()}"
    event.add("url", url)
    event.add("description", f"{webinar.description}\n\n{url}".strip())
    event.add("location", url)
    cancelled = cancelled or getattr(webinar, "cancelled_at", None) is not None
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _calendar(method: str, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def calendar_bytes(webinars: Iterable, *, name: str = "") -> bytes:
    """The personal feed: every webinar as an event (a called-off one with ``STATUS:CANCELLED``)."""
    calendar = _calendar("PUBLISH", name)
    for webinar in webinars:
        calendar.add_component(_event(webinar))
    return calendar.to_ical()


def registration_ics(registration, *, cancel: bool = False) -> bytes:
    """One person's invitation (``METHOD:PUBLISH``) or its cancellation (``METHOD:CANCEL``, same UID, the
    registration's raised SEQUENCE): what a calendar needs to add the event, then remove it."""
    calendar = _calendar("CANCEL" if cancel else "PUBLISH")
    calendar.add_component(
        _event(
            registration.webinar,
            cancelled=cancel,
            sequence=registration.ics_sequence,
            attendee=registration.user.email,
        )
    )
    return calendar.to_ical()
