"""Writes for certificates. Any app may call ``certificate_issue`` for any achievement."""

import datetime
import io
import logging
import zipfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Association, User
from certificates import selectors
from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateExport,
    CertificateTemplate,
    ManualAward,
    verification_code_digest,
    verification_code_new,
)
from certificates.pdf import certificate_pdf_bytes, certificate_pdf_filename, verification_url

logger = logging.getLogger(__name__)


def _hours(value: Decimal | int | float) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(_("CPD hours must be a number.")) from exc
    if hours < 0 or not hours.is_finite():
        raise ValidationError(_("CPD hours cannot be negative."))
    return hours.quantize(Decimal("0.01"))


# What callers pass as ``kind`` (courses, webinars): part of this module's public contract.
CertificateKind = Certificate.Kind


def certificate_issue(
    *,
    recipient: User,
    achievement_title: str,
    kind: str,
    cpd_hours: Decimal | int | float,
    issuer: Association,
    source: models.Model,
    template: CertificateTemplate | None = None,
    actor: User | None = None,
) -> Certificate:
    """Idempotent: one certificate per recipient and source; a repeat (or a racing twin) returns the first.

    The template is resolved now (explicit, else the issuer's default in the recipient's language, else the
    issuer's default, else the built-in one) and recorded; the PDF and the e-mail follow on commit.
    """
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=False)
    lookup = {"recipient": recipient, "source_type": source_type, "source_id": str(source.pk)}
    existing = Certificate.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    if template is not None and template.association_id != issuer.pk:
        # A course or webinar pointing at another association's template must not block the learner's
        # certificate: the issuer's own default is used instead, and the misconfiguration is logged.
        logger.warning(
            "Template %s belongs to another association than issuer %s; using the default", template.pk, issuer.pk
        )
        template = None
    hours = _hours(cpd_hours)
    resolved = selectors.template_resolve(issuer=issuer, recipient=recipient, template=template)
    language = resolved.language if resolved is not None else selectors.recipient_language(recipient)
    code = verification_code_new()
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                **lookup,
                issuer=issuer,
                kind=kind,
                recipient_name=recipient.get_full_name(),
                achievement_title=achievement_title,
                issuer_name=issuer.name,
                cpd_hours=hours,
                verification_code=code,
                code_digest=verification_code_digest(code),
                template=resolved,
                language=language,
            )
            CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.ISSUED, actor=actor)
    except IntegrityError:
        return Certificate.objects.get(**lookup)
    transaction.on_commit(lambda: _queue_delivery(certificate.pk))
    return certificate


def _queue_delivery(certificate_id: int) -> None:
    from certificates.tasks import certificate_deliver

    certificate_deliver.delay(certificate_id)


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Revoke once, with a reason, by a manager of the issuing association; writes an audit row."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the revocation."))
    if len(reason) > 500:
        raise ValidationError(_("The reason can be at most 500 characters long."))
    if not selectors.user_manages_association(user=actor, association=certificate.issuer):
        raise PermissionDenied(_("Only the issuing association may revoke this certificate."))
    now = timezone.now()
    with transaction.atomic():
        changed = Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.VALID).update(
            status=Certificate.Status.REVOKED, revoked_at=now, revoked_by=actor, revocation_reason=reason
        )
        if changed != 1:
            raise ValidationError(_("This certificate is already revoked."))
        CertificateEvent.objects.create(
            certificate=certificate, action=CertificateEvent.Action.REVOKED, actor=actor, note=reason
        )
    certificate.refresh_from_db(fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    return certificate


def certificate_pdf_render(*, certificate_id: int, force: bool = False) -> bool:
    """Idempotent: renders only when no PDF exists (or ``force``); returns whether this call stored one.

    Two racing renders both draw, but a conditional UPDATE lets exactly one attach its file; the loser
    deletes its copy.
    """
    # The template's images are read for every render (bulk exports render hundreds): fetch them with it.
    certificate = Certificate.objects.select_related(
        "template__logo", "template__signature_1_image", "template__signature_2_image"
    ).get(pk=certificate_id)
    if certificate.pdf and not force:
        return False
    previous = certificate.pdf.name
    content = certificate_pdf_bytes(certificate)
    storage = certificate.pdf.storage
    name = storage.save(certificate.pdf.field.generate_filename(certificate, "certificate.pdf"), ContentFile(content))
    with transaction.atomic():
        claim = Certificate.objects.filter(pk=certificate_id)
        claim = claim.filter(pdf=previous) if force else claim.filter(pdf="")
        if claim.update(pdf=name, pdf_rendered_at=timezone.now()) != 1:
            storage.delete(name)
            return False
        CertificateEvent.objects.create(
            certificate_id=certificate_id,
            action=CertificateEvent.Action.PDF_RENDERED,
            note="forced" if force else "",
        )
    if previous and previous != name:
        transaction.on_commit(lambda: storage.delete(previous))
    return True


def certificate_pdf_regenerate(*, certificate: Certificate) -> None:
    """Queue a fresh render (admin action or after a template fix); the e-mail is not sent again."""
    from certificates.tasks import certificate_render_pdf

    transaction.on_commit(lambda: certificate_render_pdf.delay(certificate.pk, force=True))


def certificate_email_send(*, certificate_id: int) -> bool:
    """Once per certificate: a conditional UPDATE claims ``emailed_at``; a failed send releases the claim."""
    now = timezone.now()
    if Certificate.objects.filter(pk=certificate_id, emailed_at__isnull=True).update(emailed_at=now) != 1:
        return False
    certificate = Certificate.objects.select_related("recipient", "issuer").get(pk=certificate_id)
    try:
        with translation.override(certificate.language or selectors.recipient_language(certificate.recipient)):
            context = {"certificate": certificate, "verification_url": verification_url(certificate)}
            subject = _("Your certificate: %(title)s") % {"title": certificate.achievement_title}
            message = EmailMessage(
                subject=subject,
                body=render_to_string("certificates/email/issued.txt", context),
                to=[certificate.recipient.email],
            )
            if certificate.pdf:
                with certificate.pdf.open("rb") as handle:
                    message.attach(certificate_pdf_filename(certificate), handle.read(), "application/pdf")
            message.send()
    except Exception:
        Certificate.objects.filter(pk=certificate_id, emailed_at=now).update(emailed_at=None)
        raise
    CertificateEvent.objects.create(certificate_id=certificate_id, action=CertificateEvent.Action.EMAILED)
    return True


@transaction.atomic
def manual_award_issue(
    *,
    actor: User,
    association: Association,
    title: str,
    description: str,
    date: datetime.date,
    cpd_hours: Decimal,
    recipients: Iterable[User],
    kind: str = Certificate.Kind.EVENT,
    template: CertificateTemplate | None = None,
) -> tuple[ManualAward, list[Certificate]]:
    """A trainer or officer of the association awards an achievement by hand; one certificate per recipient."""
    if not selectors.user_manages_association(user=actor, association=association):
        raise PermissionDenied(_("You may issue certificates only for associations you train for or administer."))
    recipients = list(recipients)
    if not recipients:
        raise ValidationError(_("Name at least one recipient."))
    award = ManualAward.objects.create(
        association=association,
        title=title,
        description=description,
        date=date,
        cpd_hours=_hours(cpd_hours),
        created_by=actor,
    )
    certificates = [
        certificate_issue(
            recipient=recipient,
            achievement_title=title,
            kind=kind,
            cpd_hours=award.cpd_hours,
            issuer=association,
            source=award,
            template=template,
            actor=actor,
        )
        for recipient in recipients
    ]
    return award, certificates


def certificate_export_request(
    *, actor: User, association: Association, source_type: ContentType, source_id: str
) -> CertificateExport:
    """Queue a ZIP of all certificates of one source of this association (its managers only)."""
    if not selectors.user_manages_association(user=actor, association=association):
        raise PermissionDenied(_("You may export certificates only of associations you manage."))
    certificates = selectors.certificates_of_source(
        association=association, source_type=source_type, source_id=source_id
    )
    first = certificates.first()
    if first is None:
        raise ValidationError(_("There are no certificates for this achievement."))
    export = CertificateExport.objects.create(
        association=association,
        source_type=source_type,
        source_id=source_id,
        title=first.achievement_title,
        requested_by=actor,
        total=certificates.count(),
    )
    from certificates.tasks import certificate_export_build as task

    transaction.on_commit(lambda: task.delay(export.pk))
    return export


def certificate_export_build(*, export_id: int) -> bool:
    """Claimed once (PENDING -> RUNNING by a conditional UPDATE); renders missing PDFs; counts progress."""
    if (
        CertificateExport.objects.filter(pk=export_id, status=CertificateExport.Status.PENDING).update(
            status=CertificateExport.Status.RUNNING
        )
        != 1
    ):
        return False
    export = CertificateExport.objects.get(pk=export_id)
    try:
        certificates = list(
            selectors.certificates_of_source(
                association=export.association, source_type=export.source_type, source_id=export.source_id
            )
        )
        CertificateExport.objects.filter(pk=export_id).update(total=len(certificates), done=0)
        buffer = io.BytesIO()
        used: set[str] = set()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for certificate in certificates:
                if not certificate.pdf:
                    certificate_pdf_render(certificate_id=certificate.pk)
                    certificate.refresh_from_db(fields=["pdf"])
                name = certificate_pdf_filename(certificate)
                if name in used:
                    name = name.replace(".pdf", f"-{certificate.verification_code[:6].lower()}.pdf")
                used.add(name)
                with certificate.pdf.open("rb") as handle:
                    archive.writestr(name, handle.read())
                CertificateExport.objects.filter(pk=export_id).update(done=F("done") + 1)
        export.file.save(f"{export.public_id}.zip", ContentFile(buffer.getvalue()), save=False)
        CertificateExport.objects.filter(pk=export_id).update(
            file=export.file.name, status=CertificateExport.Status.DONE, finished_at=timezone.now()
        )
    except Exception as exc:
        logger.exception("Certificate export %s failed", export_id)
        CertificateExport.objects.filter(pk=export_id).update(
            status=CertificateExport.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        return False
    return True
