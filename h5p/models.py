"""H5P packages, the results learners produce with them, and their resume state.

The app is generic: a *context key* (``"<prefix>:<rest>"``) says where a package is played. Host apps
register the prefix (see ``h5p.access``) and decide who may play; this app only records.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class H5PLibrary(models.Model):
    """An installed H5P library: its version and the SHA-256 of each of its files.

    A package brings its own copy of every library it uses and is served from that copy; the record says which
    code was accepted. Installing a library, or changing an installed one, needs ``h5p.install_library``.
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"), default=0)
    title = models.CharField(_("title"), max_length=255, blank=True)
    files = models.JSONField(_("files (path to SHA-256)"), default=dict)
    digest = models.CharField(_("SHA-256 of the whole library"), max_length=64)
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("installed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    installed_at = models.DateTimeField(_("installed at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        permissions = [("install_library", _("Can install or change H5P library code"))]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"], name="h5p_library_unique_version"
            )
        ]

    def __str__(self):
        return f"{self.machine_name} {self.version}"

    @property
    def version(self) -> str:
        return f"{self.major_version}.{self.minor_version}.{self.patch_version}"


class H5PLibraryChange(models.Model):
    """Audit: who installed or changed which library code, when, from which digest to which."""

    class Action(models.TextChoices):
        INSTALLED = "installed", _("installed")
        UPDATED = "updated", _("updated")

    library = models.ForeignKey(H5PLibrary, verbose_name=_("library"), on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    patch_version = models.PositiveIntegerField(_("patch version"))
    digest_before = models.CharField(_("digest before"), max_length=64, blank=True)
    digest_after = models.CharField(_("digest after"), max_length=64)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P library change")
        verbose_name_plural = _("H5P library changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.library}: {self.get_action_display()}"


class H5PPackage(models.Model):
    """A validated, self-contained .h5p file, extracted once under ``h5p/<content_hash>/``."""

    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("original file"), upload_to="h5p/originals/", max_length=255, blank=True)
    main_library = models.CharField(_("main library"), max_length=255, help_text=_("For example H5P.TrueFalse 1.6"))
    metadata = models.JSONField(_("h5p.json"), default=dict, blank=True)
    content_hash = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    storage_prefix = models.CharField(_("extracted to"), max_length=255)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    total_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    libraries = models.ManyToManyField(
        H5PLibrary, verbose_name=_("libraries"), related_name="packages", blank=True, editable=False
    )

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["title", "pk"]
        # Wagtail's snippet chooser has no permission of its own; this one decides who may pick packages.
        permissions = [("choose_h5ppackage", _("Can choose H5P packages"))]

    def __str__(self):
        return self.title


class XAPIStatement(models.Model):
    """One xAPI statement as the player sent it; the actor is always the session user's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    # Results outlive nothing: a package that has been played cannot be deleted.
    package = models.ForeignKey(
        H5PPackage, verbose_name=_("package"), on_delete=models.PROTECT, related_name="statements"
    )
    context_key = models.CharField(_("context"), max_length=255)
    statement_id = models.CharField(_("statement id"), max_length=64, blank=True)
    verb = models.CharField(_("verb"), max_length=255)
    statement = models.JSONField(_("statement"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "statement_id"],
                condition=~Q(statement_id=""),
                name="h5p_statement_id_unique_per_user",
            )
        ]
        indexes = [models.Index(fields=["user", "context_key"], name="h5p_stmt_user_ctx")]

    def __str__(self):
        return f"{self.verb} ({self.context_key})"


class H5PAttempt(models.Model):
    """A scored result: one row per top-level scored statement."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="h5p_attempts"
    )
    package = models.ForeignKey(
        H5PPackage, verbose_name=_("package"), on_delete=models.PROTECT, related_name="attempts"
    )
    context_key = models.CharField(_("context"), max_length=255)
    raw_score = models.FloatField(_("score"))
    max_score = models.FloatField(_("maximum score"))
    min_score = models.FloatField(_("minimum score"), default=0)
    scaled_score = models.FloatField(_("scaled score"))
    completion = models.BooleanField(_("completed"), default=False)
    success = models.BooleanField(_("passed"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    statement = models.OneToOneField(
        XAPIStatement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="attempt"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P attempt")
        verbose_name_plural = _("H5P attempts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scaled_score__gte=0) & Q(scaled_score__lte=1), name="h5p_attempt_scaled_0_1"
            ),
            models.CheckConstraint(condition=Q(max_score__gte=0), name="h5p_attempt_max_not_negative"),
        ]
        indexes = [models.Index(fields=["user", "context_key"], name="h5p_attempt_user_ctx")]

    def __str__(self):
        return f"{self.raw_score:g}/{self.max_score:g} ({self.context_key})"

    @property
    def percent(self) -> int:
        return round(self.scaled_score * 100)


class H5PUserState(models.Model):
    """Resume state the player saves (``contentUserData``), per user, package and context."""

    MAX_DATA_LENGTH = 64 * 1024

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    package = models.ForeignKey(
        H5PPackage, verbose_name=_("package"), on_delete=models.CASCADE, related_name="user_states"
    )
    context_key = models.CharField(_("context"), max_length=255)
    data_type = models.CharField(_("data type"), max_length=64)
    sub_content_id = models.CharField(_("sub-content id"), max_length=64)
    data = models.TextField(_("data"))
    preload = models.BooleanField(_("preload"), default=True)
    invalidate = models.BooleanField(_("reset when content changes"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P resume state")
        verbose_name_plural = _("H5P resume states")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "context_key", "data_type", "sub_content_id"],
                name="h5p_user_state_unique",
            )
        ]

    def __str__(self):
        return f"{self.data_type}/{self.sub_content_id} ({self.context_key})"
