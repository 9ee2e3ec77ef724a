from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person on the platform; logs in with the e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]


class Profile(models.Model):
    """What a library professional tells about themself."""

    class JobRole(models.TextChoices):
        LIBRARIAN = "librarian", _("Librarian")
        ARCHIVIST = "archivist", _("Archivist")
        INFORMATION_SPECIALIST = "information_specialist", _("Information specialist")
        MANAGER = "manager", _("Library manager or director")
        EDUCATOR = "educator", _("Educator or trainer")
        RESEARCHER = "researcher", _("Researcher")
        STUDENT = "student", _("Student")
        OTHER = "other", _("Other")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 two-letter code."))
    job_role = models.CharField(_("job role"), max_length=32, choices=JobRole.choices, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    bio = models.TextField(_("about me"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class Association(models.Model):
    """A library association: runs webinars and meetings, issues certificates, holds votes."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 two-letter code."))
    logo = models.ImageField(_("logo"), upload_to="associations/logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:association_detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A person's standing in an association: role, status, vote weight, validity."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        TRAINER = "trainer", _("Trainer")
        BOARD = "board", _("Board member")
        ADMIN = "admin", _("Administrator")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    vote_weight = models.DecimalField(
        _("vote weight"),
        max_digits=8,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Claimed by a conditional UPDATE before the invitation e-mail goes out, so a retried task never sends twice.
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["association", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "association"], name="accounts_membership_one_per_user"),
            models.CheckConstraint(condition=models.Q(vote_weight__gte=0), name="accounts_membership_weight_gte_0"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.association} ({self.get_role_display()}, {self.get_status_display()})"

    # The rules themselves live in accounts.roles (one definition each); these read them for templates.
    @property
    def is_current(self) -> bool:
        from accounts.roles import membership_is_current

        return membership_is_current(self)

    @property
    def is_current_admin(self) -> bool:
        from accounts.roles import ADMIN_ROLES, membership_holds

        return membership_holds(self, ADMIN_ROLES)

    @property
    def is_current_officer(self) -> bool:
        from accounts.roles import OFFICER_ROLES, membership_holds

        return membership_holds(self, OFFICER_ROLES)

    @classmethod
    def current_admin_q(cls) -> models.Q:
        """``is_current_admin`` as a filter."""
        from accounts.roles import ADMIN_ROLES, membership_current_q

        return membership_current_q() & models.Q(role__in=ADMIN_ROLES)


class MembershipEvent(models.Model):
    """Audit row: who changed a membership, how, and what it was before and after."""

    class Action(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        APPROVED = "approved", _("Approved")
        LAPSED = "lapsed", _("Lapsed")
        REACTIVATED = "reactivated", _("Reactivated")
        ROLE_CHANGED = "role_changed", _("Role changed")
        TERMS_CHANGED = "terms_changed", _("Vote weight or validity changed")
        IMPORTED = "imported", _("Imported from CSV")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    old_value = models.JSONField(_("old value"), default=dict, blank=True)
    new_value = models.JSONField(_("new value"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["membership", "-created_at"], name="accounts_mevent_membership")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.membership_id} at {self.created_at:%Y-%m-%d %H:%M}"
