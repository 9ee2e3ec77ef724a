import base64
import hashlib
import secrets
import string
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin

# Codes are 160 random bits in RFC 4648 base32 (A-Z, 2-7): URL-safe, case-insensitive and without
# look-alike pairs, so a code can be read aloud and typed back in groups.
CODE_LENGTH = 32
CODE_GROUP = 4
_CODE_ALPHABET = set(string.ascii_uppercase + "234567")
# What people mistype when reading a code aloud or from paper: digits that the alphabet lacks.
_CODE_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})


def verification_code_new() -> str:
    """160 bits from the OS CSPRNG, base32 (32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def verification_code_normalise(raw: str) -> str:
    """What a person typed (any case, spaces, dashes, look-alike digits) -> the stored form, or ''."""
    cleaned = "".join(ch for ch in raw.upper() if not ch.isspace() and ch not in "-\u2013\u2014_.")
    cleaned = cleaned.translate(_CODE_LOOKALIKES)
    if len(cleaned) != CODE_LENGTH or not set(cleaned) <= _CODE_ALPHABET:
        return ""
    return cleaned


def verification_code_digest(code: str) -> str:
    """The indexed lookup key: the code itself is compared in constant time after the lookup."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def verification_code_grouped(code: str) -> str:
    """ABCD-EFGH-...: the form printed on certificates and read aloud."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


# Template placeholders: the only names a body may use.
PLACEHOLDERS = ("recipient", "achievement", "date", "cpd_hours", "issuer", "code")


def validate_placeholders(value: str) -> None:
    """A template body may only use the known {placeholders}; braces must be balanced."""
    try:
        parsed = [
            (field, spec, conv) for _text, field, spec, conv in string.Formatter().parse(value) if field is not None
        ]
    except ValueError as exc:
        raise ValidationError(
            _("The text has an unmatched brace: write placeholders as {recipient}, and a literal brace as {{ or }}."),
            code="braces",
        ) from exc
    names = [field for field, _spec, _conv in parsed]
    # Format specs and conversions ({recipient:>99999}, {code!r}) are refused: placeholders are plain names.
    decorated = sorted({"{%s}" % field for field, spec, conv in parsed if spec or conv})  # noqa: UP031
    if decorated:
        raise ValidationError(
            _("Placeholders take no format: write %(allowed)s without ':' or '!'. Found: %(found)s."),
            code="placeholder_format",
            params={"allowed": ", ".join("{%s}" % name for name in PLACEHOLDERS), "found": ", ".join(decorated)},  # noqa: UP031
        )
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if "" in names:
        unknown = ["{}", *[name for name in unknown if name]]
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(unknown)s. Allowed: %(allowed)s."),
            code="placeholders",
            params={
                "unknown": ", ".join(unknown),
                "allowed": ", ".join("{%s}" % name for name in PLACEHOLDERS),  # noqa: UP031
            },
        )


class CertificateTemplate(PreviewableMixin, models.Model):
    """How an association's certificates look (a Wagtail snippet); one default per association and language.

    Editors preview it in Wagtail as the PDF a sample recipient would get.
    """

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape")
        PORTRAIT = "portrait", _("Portrait")

    association = models.ForeignKey(
        "accounts.Association",
        on_delete=models.CASCADE,
        related_name="certificate_templates",
        verbose_name=_("association"),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("For editors only, e.g. 'Course, English'."))
    title = models.CharField(_("title"), max_length=200, help_text=_("The heading printed on the certificate."))
    body = models.TextField(
        _("body"),
        validators=[validate_placeholders],
        help_text=_(
            "Placeholders: {recipient}, {achievement}, {date}, {cpd_hours}, {issuer}, {code}. "
            "Blank lines start a new paragraph."
        ),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    orientation = models.CharField(
        _("orientation"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    signature_1_name = models.CharField(_("first signatory"), max_length=120, blank=True)
    signature_1_title = models.CharField(_("first signatory's title"), max_length=120, blank=True)
    signature_1_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("first signature image"),
    )
    signature_2_name = models.CharField(_("second signatory"), max_length=120, blank=True)
    signature_2_title = models.CharField(_("second signatory's title"), max_length=120, blank=True)
    signature_2_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("second signature image"),
    )
    is_default = models.BooleanField(
        _("default for the association"),
        default=False,
        help_text=_("Used when a course or event names no template; one default per association and language."),
    )

    panels = [
        FieldPanel("association"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("language"), FieldPanel("orientation"), FieldPanel("is_default")]),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [FieldPanel("signature_1_name"), FieldPanel("signature_1_title"), FieldPanel("signature_1_image")],
            heading=_("First signature"),
        ),
        MultiFieldPanel(
            [FieldPanel("signature_2_name"), FieldPanel("signature_2_title"), FieldPanel("signature_2_image")],
            heading=_("Second signature"),
        ),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["association", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "language"],
                condition=models.Q(is_default=True),
                name="certificates_one_default_template_per_association_language",
                violation_error_message=_("This association already has a default template in this language."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.association})"

    @property
    def preview_modes(self):
        return [("pdf", _("PDF"))]

    def serve_preview(self, request, mode_name):
        """The PDF of an unsaved sample certificate, rendered exactly as issued ones are."""
        # pdf.py renders these models, so it imports them; Wagtail wants the preview hook here.
        from certificates.pdf import certificate_pdf_bytes

        sample = Certificate(
            template=self,
            language=self.language,
            recipient_name="Anna Example-Иванова",
            achievement_title=str(_("Sample achievement")),
            issuer_name=self.association.name if self.association_id else "",
            kind=Certificate.Kind.COURSE,
            cpd_hours=Decimal("6"),
            issued_at=timezone.now(),
            verification_code=verification_code_new(),
        )
        response = HttpResponse(certificate_pdf_bytes(sample), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        response["X-Frame-Options"] = "SAMEORIGIN"  # shown in Wagtail's preview panel
        return response

    def signatures(self) -> list[dict]:
        """The filled signature slots, in order."""
        slots = [
            (self.signature_1_name, self.signature_1_title, self.signature_1_image),
            (self.signature_2_name, self.signature_2_title, self.signature_2_image),
        ]
        return [{"name": n, "title": t, "image": i} for n, t, i in slots if n or i]


class ManualAward(models.Model):
    """An achievement recorded by hand (a workshop, a conference session): the source of manual certificates."""

    association = models.ForeignKey(
        "accounts.Association", on_delete=models.PROTECT, related_name="manual_awards", verbose_name=_("association")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    date = models.DateField(_("date"))
    cpd_hours = models.DecimalField(
        _("CPD hours"), max_digits=6, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("manual award")
        verbose_name_plural = _("manual awards")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cpd_hours__gte=0), name="certificates_manual_cpd_hours_gte_0"),
        ]

    def __str__(self):
        return self.title


# W3C Bitstring Status List v1.0: a list holds at least 131,072 entries (16 KB) so that one bit does not single
# out a person. Indexes are drawn at random below the issuer's capacity (the spec's advice against correlation
# by issue order); the capacity grows by whole lists so that at most half of it is used.
STATUS_LIST_LENGTH = 131_072


def status_list_capacity(used: int) -> int:
    """How many indexes an issuer with ``used`` of them draws from (whole lists, at most half full)."""
    return STATUS_LIST_LENGTH * (1 + used // (STATUS_LIST_LENGTH // 2))


def status_index_draw(used: int) -> int:
    """A random index for the next certificate of an issuer (the unique constraint settles collisions)."""
    return secrets.randbelow(status_list_capacity(used))


def certificate_pdf_path(instance, filename):
    # No code and no sequential id alone in the name: the file name says nothing useful to a guesser.
    return f"certificates/pdf/{instance.issued_at:%Y}/{secrets.token_hex(16)}.pdf"


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
    # Snapshots at issue time: later renames change nothing on an issued certificate. Empty only on legacy
    # certificates whose snapshot was an e-mail address: filled in when the recipient gives a name.
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    achievement_title = models.CharField(_("achievement"), max_length=300)
    issuer_name = models.CharField(_("issuer name"), max_length=200)
    cpd_hours = models.DecimalField(_("CPD hours"), max_digits=6, decimal_places=2, default=0)
    # When the achievement was awarded (a workshop's day), kept apart from when the certificate was issued: a
    # certificate handed out today for last month's workshop says last month's date. The issue date by default.
    awarded_on = models.DateField(_("awarded on"), default=timezone.localdate)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    verification_code = models.CharField(max_length=64, unique=True, default=verification_code_new, editable=False)
    code_digest = models.CharField(max_length=64, unique=True, editable=False, default="")
    # The Open Badges credential's id (urn:uuid:...): opaque, so a public status list names nobody.
    credential_uuid = models.UUIDField(_("credential id"), default=uuid.uuid4, unique=True, editable=False)
    # The certificate's bit in its issuer's W3C Bitstring Status List (revocation); unique per issuer.
    status_index = models.PositiveIntegerField(_("status list index"), editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    template = models.ForeignKey(
        CertificateTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        verbose_name=_("template"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=certificate_pdf_path, blank=True, max_length=200)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_type", "source_id"], name="certificates_one_per_recipient_and_source"
            ),
            models.CheckConstraint(condition=models.Q(cpd_hours__gte=0), name="certificates_cpd_hours_gte_0"),
            models.UniqueConstraint(fields=["issuer", "status_index"], name="certificates_one_status_index_per_issuer"),
            models.CheckConstraint(
                condition=models.Q(status="valid", revoked_at__isnull=True)
                | models.Q(status="revoked", revoked_at__isnull=False),
                name="certificates_revoked_has_time",
            ),
        ]
        indexes = [models.Index(fields=["issuer", "source_type", "source_id"], name="certificates_by_source")]

    def __str__(self):
        return f"{self.achievement_title} — {self.recipient_name}"

    @property
    def code_grouped(self) -> str:
        return verification_code_grouped(self.verification_code)

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    @property
    def public_recipient_name(self) -> str:
        """The name to show or print: never an e-mail address (legacy snapshots held one), else ''."""
        name = self.recipient_name.strip()
        return "" if "@" in name else name


class PendingCertificate(models.Model):
    """A certificate earned by someone who has not yet given the name to print on it.

    ``certificate_issue`` records the request here instead of issuing it; once the recipient sets their name,
    ``certificate_pending_issue`` issues it with exactly these arguments and removes the row.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pending_certificates",
        verbose_name=_("recipient"),
    )
    issuer = models.ForeignKey(
        "accounts.Association",
        on_delete=models.CASCADE,
        related_name="pending_certificates",
        verbose_name=_("issuer"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Certificate.Kind.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(max_length=64)
    achievement_title = models.CharField(_("achievement"), max_length=300)
    cpd_hours = models.DecimalField(_("CPD hours"), max_digits=6, decimal_places=2, default=0)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True, help_text=_("Empty: the day of issue."))
    template = models.ForeignKey(
        CertificateTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    created_at = models.DateTimeField(_("earned"), auto_now_add=True)
    notified_at = models.DateTimeField(_("recipient asked for a name"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate waiting for a name")
        verbose_name_plural = _("certificates waiting for a name")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_type", "source_id"], name="certificates_one_pending_per_recipient_source"
            ),
            models.CheckConstraint(condition=models.Q(cpd_hours__gte=0), name="certificates_pending_cpd_hours_gte_0"),
        ]

    def __str__(self):
        return self.achievement_title


class CertificateEvent(models.Model):
    """Audit trail: every issue and revocation, with who did it."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        PDF_RENDERED = "pdf_rendered", _("PDF rendered")
        EMAILED = "emailed", _("E-mailed")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class IssuerKey(models.Model):
    """An association's RSA signing key for Open Badges; the private half never leaves the server."""

    association = models.OneToOneField(
        "accounts.Association", on_delete=models.PROTECT, related_name="issuer_key", verbose_name=_("association")
    )
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    private_key_pem = models.TextField(editable=False)
    public_jwk = models.JSONField(_("public key (JWK)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")

    def __str__(self):
        return f"{self.association} ({self.kid})"


def certificate_export_path(instance, filename):
    return f"certificates/exports/{instance.public_id}.zip"


class CertificateExport(models.Model):
    """A ZIP of all certificates of one source, built in the background with visible progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    association = models.ForeignKey(
        "accounts.Association", on_delete=models.CASCADE, related_name="certificate_exports"
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    include_revoked = models.BooleanField(
        _("include revoked certificates"),
        default=True,
        help_text=_("Included: their PDFs are marked REVOKED in the file name and in the manifest. Else left out."),
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=certificate_export_path, blank=True, max_length=200)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate export")
        verbose_name_plural = _("certificate exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="certificates_export_done_lte_total"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
