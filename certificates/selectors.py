"""Reads for certificates: who may manage what, lookups by code, the learner's list and transcript."""

import datetime
import hmac
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Max, Model, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts import compiled, roles
from accounts.models import Association, Profile, User
from certificates import access
from certificates.models import (
    Certificate,
    CertificateExport,
    CertificateTemplate,
    PendingCertificate,
    verification_code_digest,
    verification_code_normalise,
)

# A code no certificate can have (wrong length): unknown codes still pay for one constant-time comparison.
_DUMMY_CODE = "-" * 32


# ------------------------------------------------------------------------------- who manages which certificates
# Officers of an association (accounts.roles) manage all of its certificates; the people who run a source (a course's
# trainers, through certificates.access) manage the certificates of that source only. Nobody else manages any.


def associations_managed_by(user: User | AnonymousUser) -> QuerySet[Association]:
    """Associations all of whose certificates this person manages (hand-issue, revoke, export): its officers.

    Site administrators: every association. Trainers (of the association or of a course) manage no association as
    a whole: they manage the certificates of the courses they train (``user_manages_source``).
    """
    return roles.associations_officered_by(user)


def user_manages_association(*, user: User | AnonymousUser, association: Association | int) -> bool:
    return roles.is_association_officer(user, association)


def user_manages_source(
    *, user: User | AnonymousUser, issuer: Association | int, source_type: ContentType | int, source_id: str
) -> bool:
    """An officer of the issuing association, or someone who runs the source (a trainer of the course)."""
    return roles.is_association_officer(user, issuer) or access.source_run_by(
        user, source_type=source_type, source_id=source_id
    )


def user_manages_certificate(*, user: User | AnonymousUser, certificate: Certificate) -> bool:
    return user_manages_source(
        user=user,
        issuer=certificate.issuer_id,
        source_type=certificate.source_type_id,
        source_id=certificate.source_id,
    )


def _managed_q(user: User | AnonymousUser) -> Q | None:
    """The certificates this person manages, as one filter (subqueries, no query now); None when there are none."""
    if not getattr(user, "is_authenticated", False):
        return None
    if roles.is_site_admin(user):
        return Q()
    condition = Q(issuer__in=roles.associations_officered_by(user))
    for registration, _sources in access.sources_run_by(user):
        condition |= Q(source_type=registration.content_type, source_id__in=registration.source_ids_run_by(user))
    return condition


def user_manages_any(user: User | AnonymousUser) -> bool:
    """May open certificate management at all: an officer somewhere, or runs at least one registered source."""
    if not getattr(user, "is_authenticated", False):
        return False
    # Each "is there any?" as an EXISTS of one query (the person's own row carries them): one query, not one each,
    # its SQL compiled once per day and kind of person (accounts.compiled), with a stand-in for the person.
    superuser, active = bool(user.is_superuser), bool(user.is_active)

    def build():
        stand_in = User(pk=compiled.STAND_IN_1, is_superuser=superuser, is_active=active)
        checks = [
            associations_managed_by(stand_in),
            *(sources for _registration, sources in access.sources_run_by(stand_in)),
        ]
        return (
            User.objects.filter(pk=stand_in.pk)
            .annotate(**{f"manages_{index}": Exists(check) for index, check in enumerate(checks)})
            .values_list(*(f"manages_{index}" for index in range(len(checks))))
            .order_by()[:1]
        )

    key = (timezone.localdate(), superuser, active)
    answers = compiled.rows("user_manages_any", build, {compiled.STAND_IN_1: user.pk}, key)
    return any(answers[0]) if answers else False


def certificates_managed_by(*, user: User | AnonymousUser, limit: int = 200) -> QuerySet[Certificate]:
    """The latest certificates this person manages, newest first (one query)."""
    condition = _managed_q(user)
    if condition is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(condition).select_related("issuer", "recipient").order_by("-issued_at")[:limit]


def certificate_sources_managed_by(*, user: User | AnonymousUser) -> list[dict]:
    """One row per (issuer, source) this person manages: the achievement title and how many; for bulk export."""
    condition = _managed_q(user)
    if condition is None:
        return []
    return list(
        Certificate.objects.filter(condition)
        .values("issuer_id", "issuer__name", "source_type_id", "source_id")
        .annotate(count=Count("id"), title=Max("achievement_title"))
        .order_by("issuer__name", "title", "source_id")
    )


def sources_issuable_by(user: User | AnonymousUser) -> list[tuple[str, Model]]:
    """The sources whose certificate this person may hand out (the courses they train), as (key, object) pairs;
    the key ``"<content type id>:<pk>"`` is what the issue form posts."""
    choices = []
    for registration, sources in access.sources_run_by(user):
        content_type = registration.content_type
        choices += [(f"{content_type.pk}:{source.pk}", source) for source in sources.order_by("pk")]
    return choices


def certificate_by_code(raw_code: str) -> Certificate | None:
    """Constant-time lookup: by the SHA-256 digest, then compare the code itself with hmac.compare_digest.

    Every input takes the same path (normalise, digest, one indexed query, one comparison), so neither the
    answer nor its timing hints at codes that exist.
    """
    code = verification_code_normalise(raw_code)
    digest = verification_code_digest(code or _DUMMY_CODE)
    certificate = Certificate.objects.select_related("issuer").filter(code_digest=digest).first()
    stored = certificate.verification_code if certificate is not None else _DUMMY_CODE
    if not hmac.compare_digest(stored.encode(), (code or "").encode()) or certificate is None:
        return None
    return certificate


def certificates_of_recipient(*, user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(recipient=user).select_related("issuer").order_by("-issued_at")


def certificates_of_recipient_list(*, user: User) -> list[Certificate]:
    """``certificates_of_recipient`` read, its SQL compiled once (accounts.compiled): the "My certificates" page."""
    ids = {compiled.STAND_IN_1: user.pk}
    return compiled.rows(
        "certificates_of_recipient", lambda: certificates_of_recipient(user=User(pk=compiled.STAND_IN_1)), ids
    )


def certificates_waiting_for_name(*, user: User, certificates: list[Certificate] | None = None) -> dict:
    """What a missing name holds back: certificates not issued yet, and legacy ones issued without a name.
    ``certificates``: all of the person's certificates when the caller has read them (counted here, not again)."""
    if certificates is None:
        nameless = Certificate.objects.filter(recipient=user, recipient_name="").count()
    else:
        nameless = sum(1 for certificate in certificates if certificate.recipient_name == "")
    return {
        "pending": compiled.rows(
            "pending_certificates",
            lambda: PendingCertificate.objects.filter(recipient_id=compiled.STAND_IN_1).select_related("issuer"),
            {compiled.STAND_IN_1: user.pk},
        ),
        "nameless": nameless,
    }


def certificate_for_download(*, user: User | AnonymousUser, code: str) -> Certificate | None:
    """The certificate if this person may download its files: its recipient, a site administrator, or one of its
    managers (an officer of the issuer, a trainer of its course)."""
    certificate = certificate_by_code(code)
    if certificate is None or not user.is_authenticated:
        return None
    if certificate.recipient_id == user.pk or roles.is_site_admin(user):
        return certificate
    if user_manages_certificate(user=user, certificate=certificate):
        return certificate
    return None


def certificate_for_manager(*, user: User | AnonymousUser, code: str) -> Certificate | None:
    """The certificate if this person manages it (else None: the view answers 404)."""
    certificate = certificate_by_code(code)
    if certificate is None or not user_manages_certificate(user=user, certificate=certificate):
        return None
    return certificate


def certificates_of_source(
    *, association: Association, source_type: ContentType, source_id: str, include_revoked: bool = True
) -> QuerySet[Certificate]:
    certificates = Certificate.objects.filter(issuer=association, source_type=source_type, source_id=source_id)
    if not include_revoked:
        certificates = certificates.filter(status=Certificate.Status.VALID)
    return certificates.order_by("recipient_name", "pk")


def exports_of(*, user: User) -> QuerySet[CertificateExport]:
    return CertificateExport.objects.filter(requested_by=user).select_related("association")[:20]


def template_resolve(
    *, issuer: Association, recipient: User, template: CertificateTemplate | None, language: str = ""
) -> CertificateTemplate | None:
    """Explicit template -> issuer's default in ``language`` (else the recipient's) -> issuer's default -> None."""
    if template is not None:
        return template
    return template_pick(template_defaults(issuer=issuer), language=language or recipient_language(recipient))


def template_defaults(*, issuer: Association) -> list[CertificateTemplate]:
    """The issuer's default templates (one per language), for ``template_pick``."""
    return list(CertificateTemplate.objects.filter(association=issuer, is_default=True))


def template_pick(defaults: list[CertificateTemplate], *, language: str) -> CertificateTemplate | None:
    """Of the issuer's defaults: the one in ``language``, else in the site's language, else any; None without."""
    for wanted in (language, settings.LANGUAGE_CODE):
        for candidate in defaults:
            if candidate.language == wanted:
                return candidate
    return defaults[0] if defaults else None


def recipient_languages(*, users: list[User]) -> dict[int, str]:
    """``recipient_language`` of many people in one query, by user id."""
    offered = dict(settings.LANGUAGES)
    stored = dict(Profile.objects.filter(user__in=users).values_list("user_id", "preferred_language"))
    return {
        user.pk: stored.get(user.pk) if stored.get(user.pk) in offered else settings.LANGUAGE_CODE for user in users
    }


def recipient_language(user: User) -> str:
    profile = getattr(user, "profile", None)
    language = getattr(profile, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _transcript_certificates(user: User) -> QuerySet[Certificate]:
    """What a transcript counts: the person's valid certificates, by date of issue."""
    return Certificate.objects.filter(recipient=user, status=Certificate.Status.VALID).order_by("issued_at")


def cpd_hours_per_year(*, user: User) -> list[tuple[int, Decimal]]:
    """The transcript's totals per year only (``cpd_transcript``'s ``per_year``), from two columns. One query."""
    per_year: dict[int, Decimal] = defaultdict(Decimal)

    def build():
        return _transcript_certificates(User(pk=compiled.STAND_IN_1)).values_list("issued_at", "cpd_hours")

    for issued_at, hours in compiled.rows("cpd_hours_per_year", build, {compiled.STAND_IN_1: user.pk}):
        per_year[timezone.localtime(issued_at).year] += hours
    return sorted(per_year.items())


def cpd_transcript(*, user: User) -> dict:
    """Valid certificates only: rows, totals per year, per kind and per issuer, and the grand total."""
    rows = list(_transcript_certificates(user).select_related("issuer"))
    per_year: dict[int, Decimal] = defaultdict(Decimal)
    per_kind: dict[str, Decimal] = defaultdict(Decimal)
    per_issuer: dict[str, Decimal] = defaultdict(Decimal)
    for cert in rows:
        per_year[timezone.localtime(cert.issued_at).year] += cert.cpd_hours
        per_kind[cert.get_kind_display()] += cert.cpd_hours
        per_issuer[cert.issuer_name] += cert.cpd_hours
    return {
        "rows": rows,
        "per_year": sorted(per_year.items()),
        "per_kind": sorted(per_kind.items()),
        "per_issuer": sorted(per_issuer.items()),
        "total": sum((c.cpd_hours for c in rows), Decimal("0")),
    }


def certificates_per_month(*, association: Association, months: int = 12, today=None) -> list[tuple]:
    """(first day of the month, certificates issued) for the last ``months`` months, oldest first, months without
    any included as 0; one query, months in the site's time zone."""
    today = today or timezone.localdate()
    firsts = []
    year, month = today.year, today.month
    for _step in range(months):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    start = timezone.make_aware(datetime.datetime.combine(firsts[0], datetime.time.min))
    counted = (
        Certificate.objects.filter(issuer=association, issued_at__gte=start)
        .annotate(month=TruncMonth("issued_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    per_month = {
        timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month: n for month, n in counted
    }
    return [(first, per_month.get(first, 0)) for first in firsts]
