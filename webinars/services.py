"""Writes for webinars: registration and waiting list, reminders, join, callbacks' effects, recordings, attendance.

Every refusal is an ``accounts.refusals.Refusal``. BBB is reached only through ``webinars.bigbluebutton``; when it
is down or slow the person gets a plain message (503) and nothing is half-written.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.compiled import CompiledInsert
from accounts.models import User
from accounts.refusals import Refusal
from accounts.roles import is_site_admin, runs
from accounts.selectors import user_preferred_language
from certificates.services import CertificateKind, certificate_issue
from webinars import attendance
from webinars.bigbluebutton import BigBlueButton, BigBlueButtonError, BigBlueButtonUnavailable
from webinars.calendar import registration_ics
from webinars.models import (
    AttendanceInterval,
    CalendarFeed,
    CallbackReceipt,
    MeetingSession,
    Recording,
    RecordingPolicy,
    Registration,
    Webinar,
    WebinarEvent,
    secret_new,
)
from webinars.selectors import Standing, recording_visible_to, webinar_standing

logger = logging.getLogger(__name__)

BBB_DOWN = gettext_lazy("The meeting server is not answering right now. Nothing is lost: please try again in a minute.")
# The 1 h reminder first: when it goes, the 24 h one (if not sent yet) is pointless and is claimed with it.
REMINDERS = {
    "1h": ("reminded_1h_at", datetime.timedelta(hours=1)),
    "24h": ("reminded_24h_at", datetime.timedelta(hours=24)),
}


def bbb_client() -> BigBlueButton:
    return BigBlueButton.from_settings()


def _unavailable(exc: BigBlueButtonError) -> Refusal:
    logger.warning("BigBlueButton call failed: %s", exc)
    return Refusal(BBB_DOWN, code="bbb_unavailable", status=503)


# ------------------------------------------------------------------------------------------------------- rules


def webinar_runs(*, user, webinar: Webinar, standing: Standing | None = None) -> bool:
    """Presenters, officers of the host association and site administrators run (moderate) a webinar.
    ``standing``: the person's standing when already read (no query then)."""
    if standing is not None and user is not None and standing.user_id == user.pk:
        return _runs_as(user, standing)
    return runs(user, webinar, webinar.association_id)


def _runs_as(user, standing: Standing) -> bool:
    """``webinar_runs`` (``accounts.roles.runs``: a presenter, an officer of the host, a site administrator) answered
    from the standing already read."""
    return is_site_admin(user) or standing.presents or standing.officer


def webinar_audience_refusal(*, user, webinar: Webinar, standing: Standing | None = None) -> Refusal | None:
    """Why this person may not take part (None: they may). Association meetings are for members (board: officers).
    ``standing``: the person's standing in the webinar when already read (else one query reads it)."""
    if not (user and user.is_authenticated):
        return Refusal(_("Sign in to register."), code="anonymous", status=403)
    if standing is None or standing.user_id != user.pk:
        standing = webinar_standing(webinar=webinar, user=user)
    if _runs_as(user, standing):
        return None
    if webinar.kind == Webinar.Kind.BOARD_MEETING:
        if not standing.officer:
            return Refusal(_("Only the board of %(name)s takes part in this meeting.") % {"name": webinar.association})
    elif webinar.is_meeting or webinar.audience == Webinar.Audience.MEMBERS:
        if not standing.member:
            return Refusal(
                _("This is for current members of %(name)s.") % {"name": webinar.association}, code="members_only"
            )
    elif webinar.audience == Webinar.Audience.INVITED and not standing.invited:
        return Refusal(_("This webinar is by invitation only."), code="invited_only")
    return None


# ------------------------------------------------------------------------------------------------ registration


def webinar_register(*, webinar: Webinar, user: User, now: datetime.datetime | None = None) -> Registration:
    """Register, or join the waiting list when full. Idempotent: an active registration is returned as it is."""
    now = now or timezone.now()
    if refusal := webinar_audience_refusal(user=user, webinar=webinar):
        raise refusal
    if webinar.cancelled_at is not None:
        raise _called_off()
    if not webinar.registration_is_open(now):
        raise Refusal.conflict(_("Registration for this webinar is closed."), code="registration_closed")
    with transaction.atomic():
        # The webinar row is the lock that makes "count, then place" safe against a racing registration.
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        registration = Registration.objects.filter(webinar=locked, user=user).first()
        if registration is not None and registration.status != Registration.Status.CANCELLED:
            return registration
        status = Registration.Status.CONFIRMED
        if locked.capacity is not None:
            taken = Registration.objects.filter(webinar=locked, status=Registration.Status.CONFIRMED).count()
            if taken >= locked.capacity:
                status = Registration.Status.WAITING
        if registration is None:
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        webinar=locked, user=user, status=status, registered_at=now
                    )
            except IntegrityError:
                return Registration.objects.get(webinar=locked, user=user)
        else:
            registration.status, registration.registered_at, registration.cancelled_at = status, now, None
            registration.reminded_24h_at = registration.reminded_1h_at = registration.cancellation_sent_at = None
            registration.ics_sequence += 1  # a new invitation supersedes the cancellation the calendar holds
            registration.save(
                update_fields=[
                    "status",
                    "registered_at",
                    "cancelled_at",
                    "reminded_24h_at",
                    "reminded_1h_at",
                    "cancellation_sent_at",
                    "ics_sequence",
                ]
            )
    transaction.on_commit(lambda: _queue_confirmation(registration.pk))
    return registration


def webinar_cancel(*, webinar: Webinar, user: User, now: datetime.datetime | None = None) -> Registration:
    """Cancel a registration; a freed seat goes to the first person waiting, who is told by e-mail."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        registration = Registration.objects.filter(webinar=locked, user=user).first()
        if registration is None or registration.status == Registration.Status.CANCELLED:
            raise Refusal.conflict(_("You are not registered for this webinar."), code="not_registered")
        if now >= locked.starts_at:
            raise Refusal.conflict(_("This webinar has started; a registration can no longer be cancelled."))
        freed = registration.status == Registration.Status.CONFIRMED
        _registration_cancel(registration, now=now)
        if freed:
            _waiting_list_promote(webinar=locked, now=now)
    return registration


def _registration_cancel(registration: Registration, *, now: datetime.datetime) -> None:
    """Cancelled, with a raised iCalendar SEQUENCE; the cancellation (METHOD:CANCEL) is e-mailed after commit."""
    registration.status, registration.cancelled_at = Registration.Status.CANCELLED, now
    registration.ics_sequence += 1
    registration.cancellation_sent_at = None
    registration.save(update_fields=["status", "cancelled_at", "ics_sequence", "cancellation_sent_at"])
    transaction.on_commit(lambda pk=registration.pk: _queue_cancellation(pk))


def _called_off() -> Refusal:
    return Refusal.conflict(_("This webinar is cancelled."), code="webinar_cancelled")


def webinar_call_off(*, webinar: Webinar, actor: User, now: datetime.datetime | None = None) -> int:
    """Cancel the webinar (its presenters, its association's officers): every registration is cancelled and each
    person gets the cancellation with a calendar CANCEL. Returns how many registrations were cancelled."""
    now = now or timezone.now()
    if not webinar_runs(user=actor, webinar=webinar):
        raise Refusal(_("Only the webinar's presenters and its association's officers can cancel it."))
    with transaction.atomic():
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        if locked.cancelled_at is not None:
            raise _called_off()
        if now >= locked.ends_at:
            raise Refusal.conflict(_("This webinar has ended."), code="ended")
        locked.cancelled_at = now
        locked.save(update_fields=["cancelled_at", "updated_at"])
        active = Registration.objects.filter(webinar=locked).exclude(status=Registration.Status.CANCELLED)
        cancelled = 0
        for registration in active.order_by("pk"):
            _registration_cancel(registration, now=now)
            cancelled += 1
        WebinarEvent.objects.create(
            webinar=locked, action=WebinarEvent.Action.WEBINAR_CANCELLED, actor=actor, note=f"{cancelled} registrations"
        )
    webinar.cancelled_at = now
    return cancelled


def _waiting_list_promote(*, webinar: Webinar, now: datetime.datetime) -> list[int]:
    """Fill free seats from the waiting list in order of registration (inside the caller's lock)."""
    promoted = []
    confirmed = Registration.objects.filter(webinar=webinar, status=Registration.Status.CONFIRMED).count()
    free = None if webinar.capacity is None else webinar.capacity - confirmed
    waiting = Registration.objects.filter(webinar=webinar, status=Registration.Status.WAITING).order_by(
        "registered_at", "pk"
    )
    for registration in waiting if free is None else waiting[: max(free, 0)]:
        registration.status, registration.promoted_at = Registration.Status.CONFIRMED, now
        registration.save(update_fields=["status", "promoted_at"])
        promoted.append(registration.pk)
    for registration_id in promoted:
        transaction.on_commit(lambda pk=registration_id: _queue_confirmation(pk))
    return promoted


def _queue_confirmation(registration_id: int) -> None:
    from webinars.tasks import registration_confirmation_send

    registration_confirmation_send.delay(registration_id)


def _queue_cancellation(registration_id: int) -> None:
    from webinars.tasks import registration_cancellation_send

    registration_cancellation_send.delay(registration_id)


def _send(registration: Registration, *, subject: str, template: str, ics: bool = False, cancel: bool = False) -> None:
    user, webinar = registration.user, registration.webinar
    with translation.override(user_preferred_language(user=user)):
        context = {
            "registration": registration,
            "webinar": webinar,
            "url": f"{settings.SITE_URL}{webinar.get_absolute_url()}",
        }
        message = EmailMessage(
            subject=str(subject) % {"title": webinar.title},
            body=render_to_string(template, context),
            to=[user.email],
        )
        if ics:
            message.attach("webinar.ics", registration_ics(registration, cancel=cancel), "text/calendar")
        message.send()


def registration_confirmation_send(*, registration_id: int) -> bool:
    """The confirmation (with an .ics invitation) or the waiting-list notice, for the registration's current state."""
    registration = Registration.objects.select_related("user", "webinar").filter(pk=registration_id).first()
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return False
    if registration.status == Registration.Status.WAITING:
        _send(
            registration,
            subject=gettext_lazy("On the waiting list: %(title)s"),
            template="webinars/email/waiting.txt",
            ics=False,
        )
    else:
        _send(
            registration,
            subject=gettext_lazy("You are registered: %(title)s"),
            template="webinars/email/confirmed.txt",
            ics=True,
        )
    return True


def registration_cancellation_send(*, registration_id: int) -> bool:
    """The cancellation notice with a calendar CANCEL (same UID, the raised SEQUENCE), once per cancellation: a
    conditional UPDATE claims it first; a registration renewed since is not told."""
    claimed = Registration.objects.filter(
        pk=registration_id, status=Registration.Status.CANCELLED, cancellation_sent_at__isnull=True
    ).update(cancellation_sent_at=timezone.now())
    if claimed != 1:
        return False
    registration = Registration.objects.select_related("user", "webinar__association").get(pk=registration_id)
    try:
        _send(
            registration,
            subject=gettext_lazy("Cancelled: %(title)s"),
            template="webinars/email/cancelled.txt",
            ics=True,
            cancel=True,
        )
    except Exception:
        Registration.objects.filter(pk=registration_id).update(cancellation_sent_at=None)
        raise
    return True


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the 24 h and 1 h reminders that are due. Each goes once: a conditional UPDATE claims it first."""
    now = now or timezone.now()
    sent = 0
    for label, (field, before) in REMINDERS.items():
        due = Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            webinar__starts_at__gt=now,
            webinar__starts_at__lte=now + before,
            **{f"{field}__isnull": True},
        ).values_list("pk", flat=True)
        # The 1 h claim takes the 24 h one in the same UPDATE: a twin run can never send the 24 h one after it.
        claim = {field: now}
        if label == "1h":
            claim["reminded_24h_at"] = Coalesce("reminded_24h_at", Value(now))
        for registration_id in list(due):
            claimed = Registration.objects.filter(pk=registration_id, **{f"{field}__isnull": True}).update(**claim)
            if claimed != 1:
                continue  # a twin run took it
            registration = Registration.objects.select_related("user", "webinar").get(pk=registration_id)
            try:
                _send(
                    registration,
                    subject=gettext_lazy("Reminder: %(title)s starts soon"),
                    template="webinars/email/reminder.txt",
                    ics=False,
                )
            except Exception:
                Registration.objects.filter(pk=registration_id, **{field: now}).update(**{field: None})
                raise
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------------------- join


@dataclass(frozen=True)
class JoinResult:
    """Where to send the person: ``url`` into the meeting, or ``waiting`` (a viewer before a moderator)."""

    url: str | None
    waiting: bool = False
    moderator: bool = False


def end_callback_token(webinar: Webinar) -> str:
    """The end callback's per-meeting token: a signature of the meeting id under the webinar's own secret."""
    return signing.Signer(salt=f"webinars.end-callback:{webinar.callback_secret}").signature(webinar.meeting_id)


def end_callback_token_valid(webinar: Webinar, token: str) -> bool:
    return constant_time_compare(end_callback_token(webinar), token or "")


def _meeting_create(client: BigBlueButton, webinar: Webinar) -> None:
    site = settings.SITE_URL
    token = end_callback_token(webinar)
    answer = client.create(
        meeting_id=webinar.meeting_id,
        name=webinar.title[:64],
        welcome=_("Welcome to %(title)s. This session is recorded.") % {"title": webinar.title},
        record=True,
        mute_on_start=True,
        logout_url=f"{site}{webinar.get_absolute_url()}",
        end_callback_url=f"{site}{reverse('webinar_callbacks:end', args=[webinar.meeting_id, token])}",
        recording_ready_url=f"{site}{reverse('webinar_callbacks:recording_ready')}",
        analytics_url=f"{site}{reverse('webinar_callbacks:analytics')}",
    )
    MeetingSession.objects.get_or_create(
        internal_meeting_id=answer.get("internalMeetingID") or f"{webinar.meeting_id}-{timezone.now():%s}",
        defaults={"webinar": webinar},
    )


def registration_is_confirmed(*, webinar: Webinar, user) -> bool:
    return Registration.objects.filter(webinar=webinar, user=user, status=Registration.Status.CONFIRMED).exists()


def not_registered() -> Refusal:
    return Refusal(_("Only registered participants can join this webinar."), code="not_registered")


def webinar_may_enter(*, webinar: Webinar, user, standing: Standing | None = None) -> bool:
    """May use the meeting room (join, wait, ask whether it runs): runners, confirmed registrants, and for
    association meetings the members it is for. One query (the standing), none when it is given."""
    if standing is None or standing.user_id != user.pk:
        standing = webinar_standing(webinar=webinar, user=user)
    if _runs_as(user, standing):
        return True
    if webinar.is_meeting:
        return webinar_audience_refusal(user=user, webinar=webinar, standing=standing) is None
    return standing.confirmed


def webinar_join(
    *, webinar: Webinar, user: User, now: datetime.datetime | None = None, standing: Standing | None = None
) -> JoinResult:
    """A signed BBB join link. Presenters create the meeting on demand and join as moderators; confirmed
    registrants (members, for association meetings) join as viewers with our user id, once a moderator is in.

    The join storm's path (a viewer, the meeting running): with ``standing`` read together with the webinar
    (``selectors.webinar_with_standing``), one INSERT of the attendance interval and nothing else."""
    now = now or timezone.now()
    if webinar.cancelled_at is not None:
        raise _called_off()
    if standing is None or standing.user_id != user.pk:
        standing = webinar_standing(webinar=webinar, user=user)
    moderator = _runs_as(user, standing)
    if not moderator:
        if webinar.is_meeting:
            if refusal := webinar_audience_refusal(user=user, webinar=webinar, standing=standing):
                raise refusal
        elif not standing.confirmed:
            raise not_registered()
    if now < webinar.join_opens_at(presenter=moderator):
        raise Refusal.conflict(
            _("The meeting room opens %(minutes)s minutes before the start.")
            % {"minutes": int((webinar.starts_at - webinar.join_opens_at(presenter=moderator)).total_seconds() // 60)},
            code="too_early",
        )
    if now >= webinar.ends_at:
        raise Refusal.conflict(_("This webinar has ended."), code="ended")
    try:
        client = bbb_client()
        if moderator:
            _meeting_create(client, webinar)
        elif not (standing.running or webinar_is_running(webinar=webinar, client=client)):
            return JoinResult(url=None, waiting=True)
        url = client.join_url(
            meeting_id=webinar.meeting_id,
            full_name=user.get_full_name(),
            role="MODERATOR" if moderator else "VIEWER",
            user_id=str(user.pk),
        )
    except BigBlueButtonError as exc:
        raise _unavailable(exc) from exc
    attendance_seen(
        webinar=webinar,
        user_ids=[user.pk],
        now=now,
        source=AttendanceInterval.Source.JOIN,
        open_ids=None if moderator else ({user.pk} if standing.in_meeting else set()),
    )
    return JoinResult(url=url, moderator=moderator)


# How long BBB's "not running yet" is trusted: a waiting room of hundreds polls every few seconds.
NOT_RUNNING_SECONDS = 5


def webinar_is_running(*, webinar: Webinar, client: BigBlueButton | None = None) -> bool:
    """Whether viewers may go in. No call to BBB on the hot path: once a presenter created the meeting, our own
    record (a session not ended) says so, and the hundreds who join in the first minute cost one query each. Before
    that, BBB is asked, and its "no" is kept for a few seconds for everyone in the waiting room."""
    if MeetingSession.objects.filter(webinar=webinar, ended_at__isnull=True).exists():
        return True
    key = f"webinars:not-running:{webinar.pk}"
    if cache.get(key):
        return False
    try:
        running = (client or bbb_client()).is_meeting_running(webinar.meeting_id)
    except BigBlueButtonError as exc:
        raise _unavailable(exc) from exc
    if not running:
        cache.set(key, True, NOT_RUNNING_SECONDS)
    return running


# -------------------------------------------------------------------------------------------------- attendance


def attendance_seen(
    *,
    webinar: Webinar,
    user_ids,
    now: datetime.datetime,
    source: str = AttendanceInterval.Source.POLL,
    open_ids: set[int] | None = None,
) -> None:
    """These people are in the meeting now: extend their open interval, or open one. Two statements whatever the
    number of people: an UPDATE of the open intervals, then (unless it extended everyone's) one INSERT of new ones
    that skips whoever has one (``one_open_interval_per_person``: the UPDATE just extended it, or a racing poll or
    join opened it). ``open_ids``: who of them the caller read has an open interval (the UPDATE is only for them,
    and skipped when none has); None: read nothing, try everyone."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    extend = user_ids if open_ids is None else [user_id for user_id in user_ids if user_id in open_ids]
    updated = 0
    if extend:
        updated = AttendanceInterval.objects.filter(webinar=webinar, user_id__in=extend, left_at__isnull=True).update(
            last_seen_at=now
        )
    if updated == len(user_ids):  # everyone had an open interval (one each at most: the constraint)
        return
    if len(user_ids) == 1:  # a join: the same INSERT, compiled once, one statement in autocommit
        _open_interval_insert(connection.vendor).run(
            webinar=webinar.pk, user=user_ids[0], joined_at=now, last_seen_at=now, left_at=None, source=source
        )
        return
    AttendanceInterval.objects.bulk_create(
        [
            AttendanceInterval(webinar=webinar, user_id=user_id, joined_at=now, last_seen_at=now, source=source)
            for user_id in user_ids
        ],
        ignore_conflicts=True,
    )


@functools.cache
def _open_interval_insert(vendor: str) -> CompiledInsert:
    """``attendance_seen``'s INSERT for one person (``bulk_create(ignore_conflicts=True)``'s SQL): building it with
    the ORM, in the transaction ``bulk_create`` opens, cost a join storm several times what running it costs."""
    fields = ["webinar", "user", "joined_at", "last_seen_at", "left_at", "source"]
    return CompiledInsert(AttendanceInterval, fields)


def attendance_poll(*, webinar: Webinar, now: datetime.datetime | None = None) -> int:
    """Read who is in the meeting from ``getMeetingInfo``; people gone since the last poll get their interval closed
    at the time they were last seen. Returns how many are present."""
    now = now or timezone.now()
    info = bbb_client().meeting_info(webinar.meeting_id)
    present = {int(a.user_id) for a in info.attendees if a.user_id.isdigit()}
    present &= set(User.objects.filter(pk__in=present).values_list("pk", flat=True))
    with transaction.atomic():
        attendance_seen(webinar=webinar, user_ids=sorted(present), now=now)
        gone = AttendanceInterval.objects.filter(webinar=webinar, left_at__isnull=True).exclude(user_id__in=present)
        for interval in gone:
            AttendanceInterval.objects.filter(pk=interval.pk, left_at__isnull=True).update(
                left_at=interval.last_seen_at
            )
    return len(present)


def attendance_close(*, webinar: Webinar, at: datetime.datetime) -> int:
    """The meeting ended: every open interval ends now (never before the person was last seen)."""
    open_intervals = AttendanceInterval.objects.filter(webinar=webinar, left_at__isnull=True)
    later = open_intervals.filter(last_seen_at__gt=at).update(left_at=models.F("last_seen_at"))
    return later + open_intervals.update(left_at=at, last_seen_at=at)


def attendance_from_analytics(*, webinar: Webinar, data: dict) -> int:
    """BBB's analytics (Learning Dashboard) after the end: each attendee's joins and leaves become intervals.
    One more source, merged with ours when minutes are counted; a replay adds nothing. Returns intervals added."""
    added = 0
    attendees = (data.get("data") or {}).get("attendees") or []
    for attendee in attendees if isinstance(attendees, list) else []:
        user_id = str(attendee.get("ext_user_id", ""))
        if not user_id.isdigit() or not User.objects.filter(pk=int(user_id)).exists():
            continue  # a guest, or someone not ours
        joins, leaves = attendee.get("joins") or [], attendee.get("leaves") or []
        for joined_raw, left_raw in zip(joins, leaves, strict=False):
            joined, left = _parse_time(joined_raw), _parse_time(left_raw)
            if joined is None or left is None or left <= joined:
                continue
            _interval, created = AttendanceInterval.objects.get_or_create(
                webinar=webinar,
                user_id=int(user_id),
                joined_at=joined,
                source=AttendanceInterval.Source.ANALYTICS,
                defaults={"last_seen_at": left, "left_at": left},
            )
            added += created
    if added:
        transaction.on_commit(lambda: _queue_sync(webinar.pk))
    return added


def _parse_time(value) -> datetime.datetime | None:
    if isinstance(value, int | float):  # milliseconds since the epoch
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    for parse in (
        datetime.datetime.fromisoformat,
        lambda text: datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z"),
    ):
        try:
            parsed = parse(str(value))
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
    return None


def attendance_minutes(*, webinar: Webinar) -> dict[int, int]:
    """Minutes per user id, summed over all their sessions, inside the scheduled time."""
    intervals = [
        (user_id, joined, left or seen)
        for user_id, joined, left, seen in AttendanceInterval.objects.filter(webinar=webinar).values_list(
            "user_id", "joined_at", "left_at", "last_seen_at"
        )
    ]
    return attendance.minutes_by_person(intervals, window_start=webinar.starts_at, window_end=webinar.ends_at)


def attendance_finalise(*, webinar: Webinar) -> list[int]:
    """Record minutes and attended on each registration; a webinar's attendees over the threshold get a
    certificate of attendance (idempotent: certificate_issue returns the existing one). Returns their user ids."""
    minutes = attendance_minutes(webinar=webinar)
    attended_ids = []
    with transaction.atomic():
        for registration in Registration.objects.filter(webinar=webinar).exclude(status=Registration.Status.CANCELLED):
            spent = minutes.get(registration.user_id, 0)
            passed = registration.status == Registration.Status.CONFIRMED and attendance.attended(
                spent, scheduled_minutes=webinar.scheduled_minutes, threshold_percent=webinar.attendance_threshold
            )
            if (registration.attended_minutes, registration.attended) != (spent, passed):
                registration.attended_minutes, registration.attended = spent, passed
                registration.save(update_fields=["attended_minutes", "attended"])
            if passed:
                attended_ids.append(registration.user_id)
    if webinar.kind == Webinar.Kind.WEBINAR:
        for user in User.objects.filter(pk__in=attended_ids):
            certificate_issue(
                recipient=user,
                achievement_title=webinar.title,
                kind=CertificateKind.WEBINAR,
                cpd_hours=webinar.cpd_hours,
                issuer=webinar.association,
                source=webinar,
            )
    return attended_ids


# --------------------------------------------------------------------------------------- callbacks and sync


def meeting_ended(*, webinar: Webinar, at: datetime.datetime | None = None) -> bool:
    """BBB says the meeting ended. Idempotent: a replayed callback changes nothing and queues nothing."""
    at = at or timezone.now()
    with transaction.atomic():
        changed = MeetingSession.objects.filter(webinar=webinar, ended_at__isnull=True).update(ended_at=at)
        cache.delete(f"webinars:not-running:{webinar.pk}")
        if not changed:
            return False
        attendance_close(webinar=webinar, at=at)
        WebinarEvent.objects.create(webinar=webinar, action=WebinarEvent.Action.MEETING_ENDED)
    transaction.on_commit(lambda: _queue_sync(webinar.pk))
    return True


def _queue_sync(webinar_id: int) -> None:
    from webinars.tasks import webinar_sync

    webinar_sync.delay(webinar_id)


def recording_ready(*, webinar: Webinar, token: str) -> None:
    """BBB says a recording is ready (``token``: its checked ``signed_parameters``): fetch the recordings. The same
    token twice is a replay: refused (409), nothing queued."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    try:
        with transaction.atomic():
            CallbackReceipt.objects.create(webinar=webinar, digest=digest)
    except IntegrityError:
        raise Refusal.conflict(
            _("This recording-ready callback was already received; a replay is refused."), code="replayed"
        ) from None
    transaction.on_commit(lambda: _queue_sync(webinar.pk))


def recordings_sync(*, webinar: Webinar) -> int:
    """Fetch the webinar's recordings from BBB and store what is new or changed. Returns how many there are."""
    found = bbb_client().recordings(meeting_ids=[webinar.meeting_id])
    now = timezone.now()
    for item in found:
        formats = [{"type": f.type, "url": f.url, "length": f.length_minutes} for f in item.formats]
        Recording.objects.update_or_create(
            record_id=item.record_id,
            defaults={
                "webinar": webinar,
                "published": item.published,
                "started_at": item.start_time,
                "ended_at": item.end_time,
                "formats": formats,
                "synced_at": now,
            },
        )
    return len(found)


# ---------------------------------------------------------------------------------------------- recordings


def recording_playback_url(*, webinar: Webinar, recording_id: int, index: int, user) -> str:
    """The BBB playback address of one format of a recording, for a person allowed to watch it. Only our watch
    view hands it out, as a redirect: the raw address is never on a page someone not allowed could see.

    Runners see every recording that is not deleted; others see published ones the webinar's recording visibility
    admits them to. A recording that is deleted, unpublished (for a non-runner), or of another webinar: 404."""
    recording = Recording.objects.filter(pk=recording_id, webinar=webinar, deleted_at__isnull=True).first()
    formats = recording.formats if recording is not None else []
    if recording is None or not 0 <= index < len(formats) or not isinstance(formats[index], dict):
        raise Refusal.not_found()
    signed_in = bool(user and user.is_authenticated)
    if not (signed_in and webinar_runs(user=user, webinar=webinar)):
        if not recording.published:
            raise Refusal.not_found()
        registration = Registration.objects.filter(webinar=webinar, user=user).first() if signed_in else None
        if not recording_visible_to(webinar=webinar, user=user, registration=registration):
            raise Refusal(_recording_refusal_text(webinar, signed_in=signed_in), code="recording_not_visible")
    url = str(formats[index].get("url") or "")
    if not url.startswith(("https://", "http://")):
        raise Refusal.not_found()
    return url


def _recording_refusal_text(webinar: Webinar, *, signed_in: bool) -> str:
    if not signed_in:
        return _("Sign in to watch this recording.")
    if webinar.recording_visibility == Webinar.RecordingVisibility.MEMBERS:
        return _("This recording is for current members of %(name)s.") % {"name": webinar.association}
    return _("This recording is for the webinar's registered participants.")


def recording_publish(*, recording: Recording, actor: User, publish: bool) -> Recording:
    """Publish or unpublish on BBB, then here, with an audit row."""
    webinar = recording.webinar
    if not webinar_runs(user=actor, webinar=webinar):
        raise Refusal(_("Only the webinar's presenters and its association's officers manage recordings."))
    try:
        bbb_client().recordings_publish([recording.record_id], publish=publish)
    except BigBlueButtonUnavailable as exc:
        raise _unavailable(exc) from exc
    except BigBlueButtonError as exc:
        raise Refusal.conflict(_("The meeting server does not know this recording any more.")) from exc
    with transaction.atomic():
        Recording.objects.filter(pk=recording.pk).update(published=publish)
        action = WebinarEvent.Action.RECORDING_PUBLISHED if publish else WebinarEvent.Action.RECORDING_UNPUBLISHED
        WebinarEvent.objects.create(webinar=webinar, action=action, actor=actor, note=recording.record_id)
    recording.published = publish
    return recording


def recording_delete(*, recording: Recording, actor: User | None, note: str = "") -> Recording:
    """Delete on BBB, then mark it deleted here, with an audit row (``actor`` None: the retention task)."""
    webinar = recording.webinar
    if actor is not None and not webinar_runs(user=actor, webinar=webinar):
        raise Refusal(_("Only the webinar's presenters and its association's officers manage recordings."))
    try:
        bbb_client().recordings_delete([recording.record_id])
    except BigBlueButtonUnavailable as exc:
        raise _unavailable(exc) from exc
    except BigBlueButtonError:
        logger.info("Recording %s was already gone from BBB", recording.record_id)
    now = timezone.now()
    with transaction.atomic():
        if Recording.objects.filter(pk=recording.pk, deleted_at__isnull=True).update(deleted_at=now) == 1:
            WebinarEvent.objects.create(
                webinar=webinar,
                action=WebinarEvent.Action.RECORDING_DELETED,
                actor=actor,
                note=(note or recording.record_id)[:300],
            )
    recording.deleted_at = now
    return recording


def recordings_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete recordings older than their association's retention period (beat task)."""
    now = now or timezone.now()
    expired = 0
    for policy in RecordingPolicy.objects.filter(retention_days__isnull=False):
        cutoff = now - datetime.timedelta(days=policy.retention_days)
        old = Recording.objects.filter(
            Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, synced_at__lt=cutoff),
            webinar__association_id=policy.association_id,
            deleted_at__isnull=True,
        ).select_related("webinar")
        for recording in old:
            recording_delete(
                recording=recording, actor=None, note=f"retention {policy.retention_days} days: {recording.record_id}"
            )
            expired += 1
    return expired


# --------------------------------------------------------------------------------------------- calendar feed


def calendar_feed_get(*, user: User) -> CalendarFeed:
    """The person's private feed (made on first use)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_revoke(*, user: User) -> CalendarFeed:
    """A new private address; the old one stops working at once."""
    feed = calendar_feed_get(user=user)
    feed.token, feed.created_at = secret_new(), timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
