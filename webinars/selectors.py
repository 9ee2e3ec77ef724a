"""Reads for webinars, with the joins and prefetches that keep query counts flat.

``present_members`` is what voting reads: who of the association is in its meeting right now.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Association, User
from accounts.roles import is_current_member, membership_current_q
from webinars.models import AttendanceInterval, Recording, Registration, Webinar

_PRESENTERS = Prefetch("presenters", queryset=User.objects.order_by("display_name", "email"))


def _with_counts(queryset: QuerySet[Webinar]) -> QuerySet[Webinar]:
    return (
        queryset.select_related("association")
        .prefetch_related(_PRESENTERS)
        .annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
            waiting_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
        )
    )


def webinar_list(
    *,
    past: bool = False,
    track: str = "",
    association: Association | None = None,
    now: datetime.datetime | None = None,
    limit: int = 100,
) -> list[Webinar]:
    """Upcoming (not yet ended, soonest first) or past (latest first), filtered by track and host association."""
    now = now or timezone.now()
    queryset = Webinar.objects.filter(ends_at__lt=now) if past else Webinar.objects.filter(ends_at__gte=now)
    if track:
        queryset = queryset.filter(track=track)
    if association is not None:
        queryset = queryset.filter(association=association)
    queryset = queryset.order_by("-starts_at", "-pk") if past else queryset.order_by("starts_at", "pk")
    return list(_with_counts(queryset)[:limit])


def webinar_get(*, webinar_id: int) -> Webinar | None:
    return _with_counts(Webinar.objects.filter(pk=webinar_id).select_related("course")).first()


def registration_of(*, webinar: Webinar, user) -> Registration | None:
    if not (user and user.is_authenticated):
        return None
    return Registration.objects.filter(webinar=webinar, user=user).first()


def recordings_visible(*, webinar: Webinar, user, registration: Registration | None, runs: bool) -> list[Recording]:
    """The recordings this person may watch: presenters and officers see all (published or not); others see
    published ones when the webinar's recording visibility admits them."""
    recordings = Recording.objects.filter(webinar=webinar, deleted_at__isnull=True)
    if runs:
        return list(recordings)
    if not recording_visible_to(webinar=webinar, user=user, registration=registration):
        return []
    return list(recordings.filter(published=True))


def recording_visible_to(*, webinar: Webinar, user, registration: Registration | None) -> bool:
    visibility = webinar.recording_visibility
    if visibility == Webinar.RecordingVisibility.PUBLIC:
        return True
    if not (user and user.is_authenticated):
        return False
    if visibility == Webinar.RecordingVisibility.MEMBERS:
        return is_current_member(user, webinar.association_id)
    return registration is not None and registration.status == Registration.Status.CONFIRMED


@dataclass(frozen=True)
class AttendanceRow:
    user: User
    status: str
    minutes: int
    attended: bool


def attendance_table(*, webinar: Webinar, minutes: dict[int, int]) -> tuple[list[AttendanceRow], list[AttendanceRow]]:
    """(attendees, absentees) among the registrations that were not cancelled, plus anyone else who attended."""
    rows, absent = [], []
    registered = set()
    for registration in (
        Registration.objects.filter(webinar=webinar)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    ):
        registered.add(registration.user_id)
        spent = minutes.get(registration.user_id, 0)
        row = AttendanceRow(registration.user, registration.status, spent, registration.attended)
        (rows if spent else absent).append(row)
    others = [user_id for user_id in minutes if user_id not in registered]
    for user in User.objects.filter(pk__in=others).order_by("display_name", "email"):
        rows.append(AttendanceRow(user, "", minutes[user.pk], False))
    return rows, absent


def present_members(*, webinar: Webinar) -> set[int]:
    """User ids of the current members of the webinar's association who are in its meeting now (an open
    attendance interval: joined through our link, or seen by polling ``getMeetingInfo``, and not yet gone).

    Voting reads this for a quorum or a show of hands in a general assembly.
    """
    in_meeting = AttendanceInterval.objects.filter(webinar=webinar, left_at__isnull=True).values("user_id")
    return set(
        User.objects.filter(pk__in=in_meeting)
        .filter(membership_current_q("memberships__"), memberships__association_id=webinar.association_id)
        .values_list("pk", flat=True)
    )


def association_meetings(*, association: Association) -> QuerySet[Webinar]:
    """The association meetings (general assemblies, board meetings) the association hosts, latest first:
    what voting's meeting form offers to choose from."""
    return (
        Webinar.objects.filter(association=association).exclude(kind=Webinar.Kind.WEBINAR).order_by("-starts_at", "-pk")
    )


def calendar_webinars(*, user: User) -> list[Webinar]:
    """What goes in a person's calendar feed: confirmed registrations and webinars they present, not long past."""
    since = timezone.now() - datetime.timedelta(days=90)
    return list(
        Webinar.objects.filter(
            Q(registrations__user=user, registrations__status=Registration.Status.CONFIRMED) | Q(presenters=user),
            ends_at__gte=since,
        )
        .distinct()
        .order_by("starts_at")
    )
