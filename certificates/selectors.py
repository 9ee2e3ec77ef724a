"""Reads for certificates: who may manage what, lookups by code, the learner's list and transcript."""

import hmac
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import Association, Membership, User
from certificates.models import (
    Certificate,
    CertificateExport,
    CertificateTemplate,
    PendingCertificate,
    verification_code_digest,
    verification_code_normalise,
)

TRAINERS_GROUP = "Trainers"
# A code no certificate can have (wrong length): unknown codes still pay for one constant-time comparison.
_DUMMY_CODE = "-" * 32


def associations_managed_by(user: User | AnonymousUser) -> QuerySet[Association]:
    """Associations whose certificates this person may issue by hand, revoke and export.

    Staff: every association. Otherwise a current (active, not expired) membership that is either an
    officer's (admin or board) or belongs to a member of the platform's Trainers group.
    """
    if not user.is_authenticated:
        return Association.objects.none()
    if user.is_staff:
        return Association.objects.all()
    today = timezone.localdate()
    current = Q(
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
    ) & (Q(memberships__valid_until__isnull=True) | Q(memberships__valid_until__gte=today))
    is_trainer = user.groups.filter(name=TRAINERS_GROUP).exists()
    if is_trainer:
        return Association.objects.filter(current).distinct()
    officer = Q(memberships__role__in=[Membership.Role.ADMIN, Membership.Role.BOARD])
    return Association.objects.filter(current & officer).distinct()


def user_manages_association(*, user: User | AnonymousUser, association: Association) -> bool:
    return associations_managed_by(user).filter(pk=association.pk).exists()


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


def certificates_waiting_for_name(*, user: User) -> dict:
    """What a missing name holds back: certificates not issued yet, and legacy ones issued without a name."""
    return {
        "pending": list(PendingCertificate.objects.filter(recipient=user).select_related("issuer")),
        "nameless": Certificate.objects.filter(recipient=user, recipient_name="").count(),
    }


def certificate_for_download(*, user: User | AnonymousUser, code: str) -> Certificate | None:
    """The certificate if this person may download its files: its recipient, staff, or its issuer's managers."""
    certificate = certificate_by_code(code)
    if certificate is None or not user.is_authenticated:
        return None
    if certificate.recipient_id == user.pk or user.is_staff:
        return certificate
    if user_manages_association(user=user, association=certificate.issuer):
        return certificate
    return None


def certificate_for_manager(*, user: User | AnonymousUser, code: str) -> Certificate | None:
    """The certificate if this person manages its issuing association (else None: the view answers 404)."""
    certificate = certificate_by_code(code)
    if certificate is None or not user_manages_association(user=user, association=certificate.issuer):
        return None
    return certificate


def certificates_issued_by(*, associations: QuerySet[Association], limit: int = 200) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(issuer__in=associations)
        .select_related("issuer", "recipient")
        .order_by("-issued_at")[:limit]
    )


def certificate_sources(*, associations: QuerySet[Association]) -> list[dict]:
    """One row per (issuer, source): the achievement title and how many certificates; for bulk export."""
    return list(
        Certificate.objects.filter(issuer__in=associations)
        .values("issuer_id", "issuer__name", "source_type_id", "source_id")
        .annotate(count=Count("id"), title=Max("achievement_title"))
        .order_by("issuer__name", "title", "source_id")
    )


def certificates_of_source(*, association: Association, source_type: ContentType, source_id: str):
    return Certificate.objects.filter(issuer=association, source_type=source_type, source_id=source_id).order_by(
        "recipient_name", "pk"
    )


def exports_of(*, user: User) -> QuerySet[CertificateExport]:
    return CertificateExport.objects.filter(requested_by=user).select_related("association")[:20]


def template_resolve(
    *, issuer: Association, recipient: User, template: CertificateTemplate | None
) -> CertificateTemplate | None:
    """Explicit template -> issuer's default in the recipient's language -> issuer's default -> None (built-in)."""
    if template is not None:
        return template
    defaults = list(CertificateTemplate.objects.filter(association=issuer, is_default=True))
    if not defaults:
        return None
    preferred = recipient_language(recipient)
    for candidate in defaults:
        if candidate.language == preferred:
            return candidate
    for candidate in defaults:
        if candidate.language == settings.LANGUAGE_CODE:
            return candidate
    return defaults[0]


def recipient_language(user: User) -> str:
    profile = getattr(user, "profile", None)
    language = getattr(profile, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def cpd_transcript(*, user: User) -> dict:
    """Valid certificates only: rows, totals per year, per kind and per issuer, and the grand total."""
    rows = list(
        Certificate.objects.filter(recipient=user, status=Certificate.Status.VALID)
        .select_related("issuer")
        .order_by("issued_at")
    )
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
