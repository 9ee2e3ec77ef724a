"""Writes for certificates. Any app may call ``certificate_issue`` for any achievement."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from accounts.models import Association, User
from certificates.models import Certificate, CertificateEvent


def certificate_issue(
    *,
    recipient: User,
    achievement_title: str,
    kind: str,
    cpd_hours: Decimal | int | float,
    issuer: Association,
    source: models.Model,
    template=None,
    actor: User | None = None,
) -> Certificate:
    """Idempotent: one certificate per recipient and source; a repeat (or a racing twin) returns the first."""
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=False)
    lookup = {"recipient": recipient, "source_type": source_type, "source_id": str(source.pk)}
    existing = Certificate.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                **lookup,
                issuer=issuer,
                kind=kind,
                recipient_name=recipient.get_full_name(),
                achievement_title=achievement_title,
                issuer_name=issuer.name,
                cpd_hours=Decimal(str(cpd_hours)),
            )
            CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.ISSUED, actor=actor)
    except IntegrityError:
        return Certificate.objects.get(**lookup)
    return certificate
