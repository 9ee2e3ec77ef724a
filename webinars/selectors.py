"""Reads for webinars, with the joins and prefetches that keep query counts flat.

``present_members`` is what voting reads: who of the association is in its meeting right now.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts import compiled
from accounts.compiled import CompiledSelect
from accounts.models import Association, User
from accounts.roles import OFFICER_ROLES, is_current_member, membership_current_q, membership_exists
from webinars.models import AttendanceInterval, MeetingSession, Recording, Registration, Webinar

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


def _webinar_get_query() -> QuerySet[Webinar]:
    recordings = Recording.objects.filter(webinar=OuterRef("pk"), deleted_at__isnull=True)
    return (
        _with_counts(Webinar.objects.filter(pk=compiled.STAND_IN_1).select_related("course"))
        .annotate(has_recordings=Exists(recordings))
        .order_by()[:1]
    )


def webinar_get(*, webinar_id: int) -> Webinar | None:
    """The webinar with its counts and presenters, and ``has_recordings`` (so that a page asks for them only then).
    Its SQL is compiled once (accounts.compiled): building it was half of the webinar page's queries' cost."""
    found = compiled.rows("webinar_get", _webinar_get_query, {compiled.STAND_IN_1: int(webinar_id)})
    return found[0] if found else None


@dataclass(frozen=True)
class Standing:
    """What one signed-in person is to one webinar, read in one query (``webinar_standing``): the facts behind
    ``services.webinar_runs``, ``webinar_audience_refusal`` and ``webinar_may_enter`` (the roles are defined in
    ``accounts.roles``) and the meeting's state, for the join storm's hot path."""

    user_id: int
    presents: bool  # ``accounts.roles.is_trainer_of``: a webinar's trainers are its presenters
    officer: bool  # ``accounts.roles.is_association_officer`` of the host (site administrators hold every role)
    member: bool  # ``accounts.roles.is_current_member`` of the host
    invited: bool
    registration_status: str  # of the person's registration ("" when none)
    running: bool  # a meeting session not ended: ``services.webinar_is_running``'s own record
    in_meeting: bool  # an open attendance interval

    @property
    def confirmed(self) -> bool:
        """Holds a confirmed registration."""
        return self.registration_status == Registration.Status.CONFIRMED


def _standing_annotations(user) -> dict:
    webinar = OuterRef("pk")
    return {
        "standing_presents": Exists(Webinar.presenters.through.objects.filter(webinar_id=webinar, user_id=user.pk)),
        "standing_officer": membership_exists(user, OuterRef("association_id"), OFFICER_ROLES),
        "standing_member": membership_exists(user, OuterRef("association_id")),
        "standing_invited": Exists(Webinar.invitees.through.objects.filter(webinar_id=webinar, user_id=user.pk)),
        "standing_registration_status": Subquery(
            Registration.objects.filter(webinar_id=webinar, user_id=user.pk).values("status")[:1]
        ),
        "standing_running": Exists(MeetingSession.objects.filter(webinar_id=webinar, ended_at__isnull=True)),
        "standing_in_meeting": Exists(
            AttendanceInterval.objects.filter(webinar_id=webinar, user_id=user.pk, left_at__isnull=True)
        ),
    }


_FACTS = [name for name in Standing.__dataclass_fields__ if name not in {"user_id", "registration_status"}]


def _standing_read(webinar: Webinar, user) -> Standing:
    return Standing(
        user_id=user.pk,
        registration_status=webinar.standing_registration_status or "",
        **{name: bool(getattr(webinar, f"standing_{name}")) for name in _FACTS},
    )


# Stand-ins for the person and the webinar while the join's query is compiled (no real id is negative).
_USER_STAND_IN, _WEBINAR_STAND_IN = -7_340_033, -7_340_034
_compiled_join: dict[tuple, CompiledSelect] = {}


def _join_query(user) -> CompiledSelect:
    """The query of ``webinar_with_standing``, compiled once per day and kind of person (``accounts.compiled``).

    Building this query with the ORM (seven subqueries) costs several times what running it costs: in a join storm
    it was most of each join. The query depends on the person and the webinar only through their ids (and on the
    date, by ``membership_current_q``, and on whether the person is a site administrator, by
    ``membership_exists``): it is compiled with stand-in ids, and each call runs it with the real ones."""
    superuser = bool(user.is_superuser)
    key = (connection.vendor, timezone.localdate(), superuser)
    select = _compiled_join.get(key)
    if select is None:
        stand_in = User(pk=_USER_STAND_IN, is_active=True, is_superuser=superuser)
        queryset = Webinar.objects.filter(pk=_WEBINAR_STAND_IN).annotate(**_standing_annotations(stand_in))
        select = CompiledSelect(queryset, [_WEBINAR_STAND_IN, _USER_STAND_IN])
        for stale in [other for other in list(_compiled_join) if other[1] != key[1]]:  # yesterday's
            _compiled_join.pop(stale, None)
        _compiled_join[key] = select
    return select


def webinar_with_standing(*, webinar_id: int, user) -> tuple[Webinar, Standing] | None:
    """The webinar (its own row only) and the signed-in person's standing in it, in one query: what joining needs."""
    webinar = _join_query(user).first(int(webinar_id), user.pk)
    return None if webinar is None else (webinar, _standing_read(webinar, user))


def webinar_standing(*, webinar: Webinar, user) -> Standing:
    """The signed-in person's standing in a webinar already read (one query, the join's)."""
    found = webinar_with_standing(webinar_id=webinar.pk, user=user)
    if found is None:  # deleted since it was read: nobody's standing
        return Standing(user.pk, registration_status="", **dict.fromkeys(_FACTS, False))
    return found[1]


def recordings_visible(*, webinar: Webinar, user, standing: Standing | None, runs: bool) -> list[Recording]:
    """The recordings this person may watch: presenters and officers see all (published or not); others see
    published ones when the webinar's recording visibility admits them. ``standing``: the person's (None when
    signed out)."""
    if hasattr(webinar, "has_recordings") and not webinar.has_recordings:  # ``webinar_get`` read there are none
        return []
    recordings = Recording.objects.filter(webinar=webinar, deleted_at__isnull=True)
    if runs:
        return list(recordings)
    if not recording_visible_to(webinar=webinar, user=user, standing=standing):
        return []
    return list(recordings.filter(published=True))


def recording_visible_to(*, webinar: Webinar, user, registration=None, standing: Standing | None = None) -> bool:
    """Published recordings: to anyone, to current members of the host, or to confirmed registrants, as the
    webinar says. The person's ``standing`` when read (else their ``registration``, and membership asked here)."""
    visibility = webinar.recording_visibility
    if visibility == Webinar.RecordingVisibility.PUBLIC:
        return True
    if not (user and user.is_authenticated):
        return False
    if standing is not None and standing.user_id != user.pk:
        standing = None
    if visibility == Webinar.RecordingVisibility.MEMBERS:
        return standing.member if standing is not None else is_current_member(user, webinar.association_id)
    if standing is not None:
        return standing.confirmed
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
