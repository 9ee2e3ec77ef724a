"""Webinars and association meetings: what is scheduled (Webinar) and what the platform records about it
(registrations, BBB sessions, attendance intervals, recordings, audit events, calendar feed tokens).

A webinar is a plain model, authored in the Wagtail admin as a snippet with revisions (see ``wagtail_hooks.py``):
it is an event with capacity, registrations, BBB state and times that selectors filter and count across
associations, not a page of the site tree. Its page on the site is a Django view.
"""

import datetime
import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin, RevisionMixin

from cms.tracks import Track

TIME_ZONES = sorted(zoneinfo.available_timezones())
# Viewers may join from this long before the start; presenters earlier, to prepare.
JOIN_OPENS_BEFORE = datetime.timedelta(minutes=15)
PRESENTER_JOIN_OPENS_BEFORE = datetime.timedelta(hours=1)


def _meeting_id() -> str:
    return f"lis-{secrets.token_hex(12)}"


def secret_new() -> str:
    return secrets.token_urlsafe(24)


class Webinar(PreviewableMixin, RevisionMixin, models.Model):
    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        GENERAL_ASSEMBLY = "general-assembly", _("General assembly")
        BOARD_MEETING = "board-meeting", _("Board meeting")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Anyone signed in")
        MEMBERS = "members", _("Members of the host association")
        INVITED = "invited", _("Invited people only")

    class RecordingVisibility(models.TextChoices):
        REGISTRANTS = "registrants", _("Registrants")
        MEMBERS = "members", _("Members of the host association")
        PUBLIC = "public", _("Anyone")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.WEBINAR)
    track = models.CharField(_("track"), max_length=32, choices=Track.choices, blank=True)
    association = models.ForeignKey(
        "accounts.Association", on_delete=models.PROTECT, related_name="webinars", verbose_name=_("host association")
    )
    presenters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="webinars_presented", blank=True, verbose_name=_("presenters")
    )
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="webinars_invited", blank=True, verbose_name=_("invited people")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=[(name, name) for name in TIME_ZONES], default="UTC"
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit. Over it, people join a waiting list.")
    )
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    cpd_hours = models.DecimalField(_("CPD hours"), max_digits=5, decimal_places=2, default=Decimal("0"))
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance threshold (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the scheduled time a person must attend to be marked attended."),
    )
    recording_visibility = models.CharField(
        _("recording visibility"),
        max_length=16,
        choices=RecordingVisibility.choices,
        default=RecordingVisibility.REGISTRANTS,
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked course"),
    )
    # BBB: our external meeting id, and the secret in the end callback's URL (per meeting, never shown).
    meeting_id = models.CharField(max_length=64, unique=True, default=_meeting_id, editable=False)
    callback_secret = models.CharField(max_length=64, default=secret_new, editable=False)
    # Called off by its presenters or officers (``services.webinar_call_off``): registrations cancelled, people told.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="webinar")

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("webinar")
        verbose_name_plural = _("webinars")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="webinar_ends_after_start"),
            models.CheckConstraint(
                condition=Q(attendance_threshold__gte=1, attendance_threshold__lte=100),
                name="webinar_threshold_is_a_percentage",
            ),
            models.CheckConstraint(condition=Q(cpd_hours__gte=0), name="webinar_cpd_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("webinars:detail", args=[self.pk])

    @property
    def revisions(self):
        return self._revisions

    # Preview in the Wagtail admin: the real webinar page, as a visitor who is not signed in sees it.
    def get_preview_template(self, request, mode_name):
        return "webinars/webinar_detail.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        now = timezone.now()
        saved = self.pk is not None
        counts = Registration.objects.filter(webinar_id=self.pk).values_list("status", flat=True) if saved else []
        statuses = list(counts)
        self.confirmed_count = statuses.count(Registration.Status.CONFIRMED)
        self.waiting_count = statuses.count(Registration.Status.WAITING)
        context.update(
            {
                "webinar": self,
                "user": AnonymousUser(),
                "registration_status": "",
                "runs": False,
                "now": now,
                "ended": now >= self.ends_at,
                "registration_open": self.registration_is_open(now),
                "recordings": [],
                "Status": Registration.Status,
                "viewer_time_zone": timezone.get_current_timezone_name(),
                "preview": True,
            }
        )
        return context

    @property
    def presenters_shown(self):
        """The presenters for a page (prefetched by the selectors); none yet for a webinar being previewed unsaved."""
        return self.presenters.all() if self.pk is not None else []

    @property
    def trainers(self):
        """The presenters, as ``accounts.roles.is_trainer_of`` reads them."""
        return self.presenters

    @property
    def is_meeting(self) -> bool:
        return self.kind != self.Kind.WEBINAR

    @property
    def scheduled_minutes(self) -> int:
        return max(1, int((self.ends_at - self.starts_at).total_seconds() // 60))

    def join_opens_at(self, *, presenter: bool = False) -> datetime.datetime:
        return self.starts_at - (PRESENTER_JOIN_OPENS_BEFORE if presenter else JOIN_OPENS_BEFORE)

    def registration_is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.ends_at
        return now < closes


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webinar_registrations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    registered_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Claimed by a conditional UPDATE before the e-mail is sent: each reminder goes once.
    reminded_24h_at = models.DateTimeField(null=True, blank=True)
    reminded_1h_at = models.DateTimeField(null=True, blank=True)
    attended_minutes = models.PositiveIntegerField(default=0)
    # The iCalendar SEQUENCE of this person's copy of the event (same UID throughout): raised on each cancellation
    # and re-registration, so a calendar applies the newest message.
    ics_sequence = models.PositiveIntegerField(default=0)
    # Claimed by a conditional UPDATE before the cancellation e-mail is sent (once per cancellation).
    cancellation_sent_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["webinar", "user"], name="one_registration_per_person_and_webinar"),
        ]
        indexes = [models.Index(fields=["webinar", "status", "registered_at"])]

    def __str__(self):
        return f"{self.user} → {self.webinar} ({self.status})"


class MeetingSession(models.Model):
    """One run of the webinar's meeting on BBB (created on demand; may run more than once)."""

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="sessions")
    internal_meeting_id = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.internal_meeting_id


class AttendanceInterval(models.Model):
    """A person in the meeting from ``joined_at`` to ``left_at`` (open while ``left_at`` is empty)."""

    class Source(models.TextChoices):
        JOIN = "join", _("Our join link")
        POLL = "poll", _("Meeting information polled")
        ANALYTICS = "analytics", _("BBB analytics")

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="attendance_intervals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "user"], condition=Q(left_at__isnull=True), name="one_open_interval_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.joined_at:%H:%M} to {self.left_at or 'now'}"


class Recording(models.Model):
    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="recordings")
    record_id = models.CharField(max_length=128, unique=True)
    published = models.BooleanField(default=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    formats = models.JSONField(default=list)  # [{"type": "presentation", "url": "...", "length": 60}, ...]
    synced_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self):
        return self.record_id


class WebinarEvent(models.Model):
    """Audit trail: recordings published, unpublished, deleted (by a person or the retention task)."""

    class Action(models.TextChoices):
        RECORDING_PUBLISHED = "recording-published", _("Recording published")
        RECORDING_UNPUBLISHED = "recording-unpublished", _("Recording unpublished")
        RECORDING_DELETED = "recording-deleted", _("Recording deleted")
        MEETING_ENDED = "meeting-ended", _("Meeting ended")
        WEBINAR_CANCELLED = "webinar-cancelled", _("Webinar cancelled")

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.action} {self.webinar_id}"


class RecordingPolicy(models.Model):
    """How long an association keeps its recordings on BBB (empty: forever)."""

    association = models.OneToOneField(
        "accounts.Association", on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    retention_days = models.PositiveIntegerField(_("keep recordings for (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("recording retention")
        verbose_name_plural = _("recording retention")

    def __str__(self):
        return f"{self.association_id}: {self.retention_days or '∞'}"


class CalendarFeed(models.Model):
    """A person's private calendar address; revoking replaces the token (the old address stops working)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webinar_feed")
    token = models.CharField(max_length=64, unique=True, default=secret_new)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"feed of {self.user_id}"


class CallbackReceipt(models.Model):
    """A recording-ready callback we accepted, by the SHA-256 of its ``signed_parameters``: the same token sent
    again is a replay and is refused (BBB signs each recording's callback once; a repeat is not BBB retrying a
    callback we answered)."""

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.webinar_id}: {self.digest[:12]}"
