import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def verification_code_new() -> str:
    """160 bits from the OS CSPRNG, URL-safe (27 characters)."""
    return secrets.token_urlsafe(20)


class Certificate(models.Model):
    """An achievement of one person, issued by an association; knows nothing of courses or webinars."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completion")
        WEBINAR = "webinar", _("Webinar attendance")
        EVENT = "event", _("Event or workshop")
        OTHER = "other", _("Other achievement")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("recipient")
    )
    issuer = models.ForeignKey(
        "accounts.Association", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("issuer")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # What the certificate is for: a course page, a webinar, a manual award... (generic on purpose).
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64)
    source = GenericForeignKey("source_type", "source_id")
    # Snapshots at issue time: later renames change nothing on an issued certificate.
    recipient_name = models.CharField(_("recipient name"), max_length=200)
    achievement_title = models.CharField(_("achievement"), max_length=300)
    issuer_name = models.CharField(_("issuer name"), max_length=200)
    cpd_hours = models.DecimalField(_("CPD hours"), max_digits=6, decimal_places=2, default=0)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    verification_code = models.CharField(max_length=64, unique=True, default=verification_code_new, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_type", "source_id"], name="certificates_one_per_recipient_and_source"
            ),
            models.CheckConstraint(condition=models.Q(cpd_hours__gte=0), name="certificates_cpd_hours_gte_0"),
        ]

    def __str__(self):
        return f"{self.achievement_title} — {self.recipient_name}"


class CertificateEvent(models.Model):
    """Audit trail: every issue and revocation, with who did it."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
