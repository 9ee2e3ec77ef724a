"""Writes for certificates. Any app may call ``certificate_issue`` for any achievement."""

import csv
import datetime
import functools
import io
import logging
import zipfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from accounts.models import Association, User
from accounts.names import display_name_is_printable
from accounts.refusals import Refusal
from accounts.validators import spreadsheet_text
from certificates import access, selectors
from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateExport,
    CertificateTemplate,
    ManualAward,
    PendingCertificate,
    status_index_draw,
    verification_code_digest,
    verification_code_new,
)
from certificates.pdf import certificate_pdf_bytes, certificate_pdf_filename, verification_url

logger = logging.getLogger(__name__)


def _hours(value: Decimal | int | float) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation as exc:
        raise Refusal.invalid(_("CPD hours must be a number."), code="hours_not_a_number") from exc
    if hours < 0 or not hours.is_finite():
        raise Refusal.invalid(_("CPD hours cannot be negative."), code="hours_negative")
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
    awarded_on: datetime.date | None = None,
    language: str = "",
) -> Certificate | None:
    """Idempotent: one certificate per recipient and source; a repeat (or a racing twin) returns the first.

    ``language``: the language of the achievement (a course taken in Russian): the certificate is printed in it.
    Empty: the recipient's preferred language.

    A recipient without a printable name gets no certificate yet (``None``): the request is kept as a
    ``PendingCertificate`` and issued, exactly as asked, once they give their name (``certificate_pending_issue``).
    The template is resolved at issue (explicit, else the issuer's default in that language, else the
    issuer's default, else the built-in one) and recorded; the PDF and the e-mail follow on commit.
    """
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=False)
    return _certificate_issue(
        recipient=recipient,
        achievement_title=achievement_title,
        kind=kind,
        cpd_hours=cpd_hours,
        issuer=issuer,
        source_type=source_type,
        source_id=str(source.pk),
        template=template,
        actor=actor,
        awarded_on=awarded_on,
        language=language if language in dict(settings.LANGUAGES) else "",
    )


def _certificate_issue(
    *,
    recipient: User,
    achievement_title: str,
    kind: str,
    cpd_hours,
    issuer: Association,
    source_type: ContentType,
    source_id: str,
    template: CertificateTemplate | None,
    actor: User | None,
    awarded_on: datetime.date | None = None,
    language: str = "",
) -> Certificate | None:
    lookup = {"recipient": recipient, "source_type": source_type, "source_id": source_id}
    existing = Certificate.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    hours = _hours(cpd_hours)
    if not display_name_is_printable(recipient.display_name):
        _certificate_hold(
            lookup=lookup,
            issuer=issuer,
            kind=kind,
            achievement_title=achievement_title,
            hours=hours,
            template=template,
            actor=actor,
            awarded_on=awarded_on,
            language=language,
        )
        return None
    template = _template_of_issuer(template, issuer)
    resolved = selectors.template_resolve(issuer=issuer, recipient=recipient, template=template, language=language)
    language = resolved.language if resolved is not None else (language or selectors.recipient_language(recipient))
    code = verification_code_new()
    fields = {
        **lookup,
        "issuer": issuer,
        "kind": kind,
        "recipient_name": recipient.display_name.strip(),
        "achievement_title": achievement_title,
        "issuer_name": issuer.name,
        "cpd_hours": hours,
        "verification_code": code,
        "code_digest": verification_code_digest(code),
        "template": resolved,
        "language": language,
        "awarded_on": awarded_on or timezone.localdate(),
    }
    used = Certificate.objects.filter(issuer=issuer).count()
    for _attempt in range(STATUS_INDEX_ATTEMPTS):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(**fields, status_index=status_index_draw(used))
                CertificateEvent.objects.create(
                    certificate=certificate, action=CertificateEvent.Action.ISSUED, actor=actor
                )
                PendingCertificate.objects.filter(**lookup).delete()
        except IntegrityError:
            # Either a racing twin issued this very certificate (return it), or the drawn status index was
            # taken by another certificate of the issuer (draw again).
            twin = list(Certificate.objects.filter(**lookup)[:1])
            if twin:
                return twin[0]
            continue
        transaction.on_commit(functools.partial(_queue_delivery, certificate.pk))
        return certificate
    raise RuntimeError(f"No free status list index for issuer {issuer.pk} after {STATUS_INDEX_ATTEMPTS} draws")


def certificates_issue_many(
    *,
    recipients: Iterable[User],
    achievement_title: str,
    kind: str,
    cpd_hours: Decimal | int | float,
    issuer: Association,
    source: models.Model,
    template: CertificateTemplate | None = None,
    actor: User | None = None,
    awarded_on: datetime.date | None = None,
) -> list[Certificate]:
    """``certificate_issue`` for many recipients of one source in a fixed number of queries, however many they are.

    Bulk lookups (existing certificates, languages, templates, taken status indexes) and bulk inserts; the PDFs and
    e-mails follow on commit as one task per certificate. Idempotent per recipient: an existing certificate is
    returned as it is. Recipients without a printable name are held (``PendingCertificate``), as one at a time.
    If a racing issue collides with the bulk insert, it falls back to ``certificate_issue`` one by one.
    Returns the certificates of the recipients that have one now, in the recipients' order.
    """
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=False)
    source_id = str(source.pk)
    hours = _hours(cpd_hours)
    people = list({recipient.pk: recipient for recipient in recipients}.values())
    if not people:
        return []
    existing = {
        certificate.recipient_id: certificate
        for certificate in Certificate.objects.filter(
            source_type=source_type, source_id=source_id, recipient__in=people
        )
    }
    todo = [person for person in people if person.pk not in existing]
    named = [person for person in todo if display_name_is_printable(person.display_name)]
    common = {
        "issuer": issuer,
        "kind": kind,
        "achievement_title": achievement_title,
        "source_type": source_type,
        "source_id": source_id,
        "actor": actor,
    }
    _certificates_hold_many(
        [person for person in todo if person not in named],
        hours=hours,
        template=template,
        awarded_on=awarded_on,
        **common,
    )
    if named:
        try:
            with transaction.atomic():
                existing.update(
                    _certificates_create_many(named, hours=hours, template=template, awarded_on=awarded_on, **common)
                )
        except IntegrityError:
            # A racing issue of the same certificate (or a status index drawn twice at once): one at a time, each
            # of which settles its own collision.
            for person in named:
                certificate = certificate_issue(
                    recipient=person,
                    achievement_title=achievement_title,
                    kind=kind,
                    cpd_hours=hours,
                    issuer=issuer,
                    source=source,
                    template=template,
                    actor=actor,
                    awarded_on=awarded_on,
                )
                if certificate is not None:
                    existing[person.pk] = certificate
    return [existing[person.pk] for person in people if person.pk in existing]


def _certificates_create_many(
    people: list[User], *, issuer, kind, achievement_title, source_type, source_id, actor, hours, template, awarded_on
) -> dict[int, Certificate]:
    template = _template_of_issuer(template, issuer)
    defaults = selectors.template_defaults(issuer=issuer) if template is None else []
    languages = selectors.recipient_languages(users=people)
    indexes = _status_indexes_draw(issuer=issuer, count=len(people))
    certificates = []
    for person, status_index in zip(people, indexes, strict=True):
        resolved = template or selectors.template_pick(defaults, language=languages[person.pk])
        code = verification_code_new()
        certificates.append(
            Certificate(
                recipient=person,
                issuer=issuer,
                kind=kind,
                source_type=source_type,
                source_id=source_id,
                recipient_name=person.display_name.strip(),
                achievement_title=achievement_title,
                issuer_name=issuer.name,
                cpd_hours=hours,
                awarded_on=awarded_on or timezone.localdate(),
                verification_code=code,
                code_digest=verification_code_digest(code),
                template=resolved,
                language=resolved.language if resolved is not None else languages[person.pk],
                status_index=status_index,
            )
        )
    created = Certificate.objects.bulk_create(certificates)
    if any(certificate.pk is None for certificate in created):  # a database that returns no ids from bulk inserts
        created = list(Certificate.objects.filter(source_type=source_type, source_id=source_id, recipient__in=people))
    CertificateEvent.objects.bulk_create(
        CertificateEvent(certificate=certificate, action=CertificateEvent.Action.ISSUED, actor=actor)
        for certificate in created
    )
    PendingCertificate.objects.filter(source_type=source_type, source_id=source_id, recipient__in=people).delete()
    transaction.on_commit(functools.partial(_queue_deliveries, [certificate.pk for certificate in created]))
    return {certificate.recipient_id: certificate for certificate in created}


def _status_indexes_draw(*, issuer: Association, count: int) -> list[int]:
    """``count`` distinct free status indexes of the issuer: random draws, the taken ones drawn again (two queries
    at first, one more per rare round of collisions)."""
    used = Certificate.objects.filter(issuer=issuer).count()
    chosen: set[int] = set()
    for _attempt in range(STATUS_INDEX_ATTEMPTS):
        draws = set()
        while len(draws) < count - len(chosen):
            index = status_index_draw(used + count)
            if index not in chosen:
                draws.add(index)
        taken = set(
            Certificate.objects.filter(issuer=issuer, status_index__in=draws).values_list("status_index", flat=True)
        )
        chosen |= draws - taken
        if len(chosen) == count:
            return list(chosen)
    raise RuntimeError(f"No free status list indexes for issuer {issuer.pk} after {STATUS_INDEX_ATTEMPTS} rounds")


def _certificates_hold_many(
    people: list[User], *, issuer, kind, achievement_title, source_type, source_id, actor, hours, template, awarded_on
) -> None:
    """``_certificate_hold`` for many: the new pending rows in one insert, each recipient asked once on commit."""
    if not people:
        return
    lookup = {"source_type": source_type, "source_id": source_id}
    held = set(PendingCertificate.objects.filter(**lookup, recipient__in=people).values_list("recipient_id", flat=True))
    new = [person for person in people if person.pk not in held]
    if not new:
        return
    PendingCertificate.objects.bulk_create(
        [
            PendingCertificate(
                recipient=person,
                issuer=issuer,
                kind=kind,
                achievement_title=achievement_title,
                cpd_hours=hours,
                template=template,
                actor=actor,
                awarded_on=awarded_on,
                **lookup,
            )
            for person in new
        ],
        ignore_conflicts=True,  # a racing twin recorded one first: it asks for the name itself
    )
    pending_ids = list(
        PendingCertificate.objects.filter(**lookup, recipient__in=new, notified_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(functools.partial(_queue_name_requests, pending_ids))


def _template_of_issuer(template: CertificateTemplate | None, issuer: Association) -> CertificateTemplate | None:
    """A course or webinar pointing at another association's template must not block the learner's certificate:
    the issuer's own default is used instead (None), and the misconfiguration is logged."""
    if template is not None and template.association_id != issuer.pk:
        logger.warning(
            "Template %s belongs to another association than issuer %s; using the default", template.pk, issuer.pk
        )
        return None
    return template


# Each draw succeeds with probability at least 1/2 (a list is at most half full): 40 failures in a row is a bug.
STATUS_INDEX_ATTEMPTS = 40


def _certificate_hold(
    *, lookup: dict, issuer, kind, achievement_title, hours, template, actor, awarded_on, language
) -> None:
    """Idempotent: keep the request until the recipient gives a name; ask them for it once, on commit."""
    try:
        with transaction.atomic():
            pending, created = PendingCertificate.objects.get_or_create(
                **lookup,
                defaults={
                    "issuer": issuer,
                    "kind": kind,
                    "achievement_title": achievement_title,
                    "cpd_hours": hours,
                    "template": template,
                    "actor": actor,
                    "awarded_on": awarded_on,
                    "language": language,
                },
            )
    except IntegrityError:  # a racing twin recorded it first
        return
    if created:
        transaction.on_commit(lambda: _queue_name_request(pending.pk))


def _queue_name_requests(pending_ids: list[int]) -> None:
    for pending_id in pending_ids:
        _queue_name_request(pending_id)


def _queue_name_request(pending_id: int) -> None:
    from certificates.tasks import certificate_name_request

    certificate_name_request.delay(pending_id)


def certificate_name_request_send(*, pending_id: int) -> bool:
    """Once per pending certificate (conditional UPDATE of ``notified_at``): e-mail the learner to give a name."""
    now = timezone.now()
    if PendingCertificate.objects.filter(pk=pending_id, notified_at__isnull=True).update(notified_at=now) != 1:
        return False
    pending = PendingCertificate.objects.select_related("recipient").get(pk=pending_id)
    try:
        with translation.override(selectors.recipient_language(pending.recipient)):
            context = {"pending": pending, "name_url": settings.SITE_URL + reverse("certificates:name")}
            message = EmailMessage(
                subject=_("Your certificate is waiting for your name"),
                body=render_to_string("certificates/email/name_needed.txt", context),
                to=[pending.recipient.email],
            )
            message.send()
    except Exception:
        PendingCertificate.objects.filter(pk=pending_id, notified_at=now).update(notified_at=None)
        raise
    return True


def certificate_pending_issue(*, recipient: User) -> list[Certificate]:
    """Idempotent: issue every certificate held for want of a name, now that the recipient has one.

    Certificates issued before names were required and left without one (their snapshot was an e-mail address)
    get the name too, and a fresh PDF. Does nothing while the name is still missing.
    """
    recipient.refresh_from_db(fields=["display_name"])
    if not display_name_is_printable(recipient.display_name):
        return []
    issued = []
    for pending in PendingCertificate.objects.filter(recipient=recipient).select_related(
        "issuer", "source_type", "template"
    ):
        certificate = _certificate_issue(
            recipient=recipient,
            achievement_title=pending.achievement_title,
            kind=pending.kind,
            cpd_hours=pending.cpd_hours,
            issuer=pending.issuer,
            source_type=pending.source_type,
            source_id=pending.source_id,
            template=pending.template,
            actor=pending.actor,
            awarded_on=pending.awarded_on,
            language=pending.language,
        )
        PendingCertificate.objects.filter(pk=pending.pk).delete()
        if certificate is not None:
            issued.append(certificate)
    nameless = Certificate.objects.filter(recipient=recipient, recipient_name="")
    for certificate_id in list(nameless.values_list("pk", flat=True)):
        if Certificate.objects.filter(pk=certificate_id, recipient_name="").update(
            recipient_name=recipient.display_name.strip()
        ):
            certificate_pdf_regenerate(certificate=Certificate(pk=certificate_id))
    return issued


def recipient_name_set(*, user: User, display_name: str) -> list[Certificate]:
    """The learner gives the name to print: stored on the user, then the certificates waiting for it are issued."""
    with transaction.atomic():
        accounts_services.display_name_set(user=user, display_name=display_name)
        return certificate_pending_issue(recipient=user)


def _queue_deliveries(certificate_ids: list[int]) -> None:
    for certificate_id in certificate_ids:
        _queue_delivery(certificate_id)


def _queue_delivery(certificate_id: int) -> None:
    from certificates.tasks import certificate_deliver

    certificate_deliver.delay(certificate_id)


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Revoke once, with a reason, by one of its managers (an officer of the issuer, a trainer of its course)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refusal.invalid(_("Give a reason for the revocation."), code="reason_missing")
    if len(reason) > 500:
        raise Refusal.invalid(_("The reason can be at most 500 characters long."), code="reason_too_long")
    if not selectors.user_manages_certificate(user=actor, certificate=certificate):
        raise Refusal.not_found(
            _(
                "Only officers of the issuing association and the trainers of its course or event may revoke "
                "this certificate."
            ),
            code="not_manager",
        )
    now = timezone.now()
    with transaction.atomic():
        changed = Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.VALID).update(
            status=Certificate.Status.REVOKED, revoked_at=now, revoked_by=actor, revocation_reason=reason
        )
        if changed != 1:
            raise Refusal.conflict(_("This certificate is already revoked."), code="already_revoked")
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
    if not certificate.public_recipient_name:
        # A legacy certificate whose recipient has not given a name: never print an e-mail address instead.
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
    """An officer of the association awards an achievement by hand in its name; one certificate per recipient."""
    if not selectors.user_manages_association(user=actor, association=association):
        raise Refusal.not_found(
            _("Only officers of an association issue certificates by hand in its name."), code="not_officer"
        )
    recipients = list(recipients)
    if not recipients:
        raise Refusal.invalid(_("Name at least one recipient."), code="no_recipients")
    award = ManualAward.objects.create(
        association=association,
        title=title,
        description=description,
        date=date,
        cpd_hours=_hours(cpd_hours),
        created_by=actor,
    )
    # Recipients without a name yet get theirs when they give it: only issued ones are returned.
    issued = certificates_issue_many(
        recipients=recipients,
        achievement_title=title,
        kind=kind,
        cpd_hours=award.cpd_hours,
        issuer=association,
        source=award,
        template=template,
        actor=actor,
        awarded_on=date,
    )
    return award, issued


@transaction.atomic
def source_certificates_issue(
    *, actor: User, source: models.Model, recipients: Iterable[User], awarded_on: datetime.date | None = None
) -> list[Certificate]:
    """A manager of a source (a trainer of the course, an officer of its issuer) hands its certificate to people
    by hand, as the source's app describes it. Idempotent per recipient: one certificate per person and source.
    Returns the certificates issued now (those of recipients without a name yet follow when they give it)."""
    registration = access.registration_for(ContentType.objects.get_for_model(source, for_concrete_model=False))
    if registration is None:
        raise Refusal.not_found(code="unknown_source")
    achievement = registration.achievement(source)
    if not selectors.user_manages_source(
        user=actor,
        issuer=achievement.issuer,
        source_type=registration.content_type,
        source_id=str(source.pk),
    ):
        raise Refusal.not_found(
            _("Only the trainers of the course or event and officers of its association issue its certificate."),
            code="not_manager",
        )
    recipients = list(recipients)
    if not recipients:
        raise Refusal.invalid(_("Name at least one recipient."), code="no_recipients")
    # Recipients without a name yet get theirs when they give it: only issued ones are returned.
    return certificates_issue_many(
        recipients=recipients,
        achievement_title=achievement.title,
        kind=achievement.kind,
        cpd_hours=achievement.cpd_hours,
        issuer=achievement.issuer,
        source=source,
        actor=actor,
        awarded_on=awarded_on,
    )


def certificate_export_request(
    *,
    actor: User,
    association: Association,
    source_type: ContentType,
    source_id: str,
    include_revoked: bool = True,
) -> CertificateExport:
    """Queue a ZIP of all certificates of one source of this association (officers of it, or the source's
    trainers), with a manifest; revoked certificates marked as such (``include_revoked``) or left out."""
    if not selectors.user_manages_source(user=actor, issuer=association, source_type=source_type, source_id=source_id):
        raise Refusal.not_found(
            _("Only officers of the association and the trainers of the course or event export these certificates."),
            code="not_manager",
        )
    certificates = selectors.certificates_of_source(
        association=association, source_type=source_type, source_id=source_id, include_revoked=include_revoked
    )
    first = certificates.first()
    if first is None:
        raise Refusal.invalid(_("There are no certificates to export for this achievement."), code="no_certificates")
    export = CertificateExport.objects.create(
        association=association,
        source_type=source_type,
        source_id=source_id,
        title=first.achievement_title,
        requested_by=actor,
        include_revoked=include_revoked,
        total=certificates.count(),
    )
    from certificates.tasks import certificate_export_build as task

    transaction.on_commit(lambda: task.delay(export.pk))
    return export


EXPORT_MANIFEST_NAME = "manifest.csv"
EXPORT_MANIFEST_COLUMNS = ("recipient", "code", "status", "awarded", "issued", "file")


def _export_manifest_row(certificate: Certificate, *, file_name: str) -> list[str]:
    """One manifest line: who, the code to verify, valid or revoked, the ISO dates, and the PDF's name in the ZIP."""
    return [
        spreadsheet_text(certificate.public_recipient_name),
        certificate.code_grouped,
        certificate.status,
        certificate.awarded_on.isoformat(),
        timezone.localtime(certificate.issued_at).date().isoformat(),
        spreadsheet_text(file_name),
    ]


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
                association=export.association,
                source_type=export.source_type,
                source_id=export.source_id,
                include_revoked=export.include_revoked,
            )
        )
        CertificateExport.objects.filter(pk=export_id).update(total=len(certificates), done=0)
        buffer = io.BytesIO()
        used: set[str] = set()
        manifest = io.StringIO()
        writer = csv.writer(manifest)
        writer.writerow(EXPORT_MANIFEST_COLUMNS)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for certificate in certificates:
                if not certificate.pdf:
                    certificate_pdf_render(certificate_id=certificate.pk)
                    certificate.refresh_from_db(fields=["pdf"])
                name = certificate_pdf_filename(certificate)
                if certificate.is_revoked:
                    name = "REVOKED-" + name
                if name in used:
                    name = name.replace(".pdf", f"-{certificate.verification_code[:6].lower()}.pdf")
                used.add(name)
                if certificate.pdf:
                    with certificate.pdf.open("rb") as handle:
                        archive.writestr(name, handle.read())
                else:  # a legacy certificate whose recipient gave no name yet: listed, never printed
                    name = ""
                writer.writerow(_export_manifest_row(certificate, file_name=name))
                CertificateExport.objects.filter(pk=export_id).update(done=F("done") + 1)
            # UTF-8 with a byte order mark, so spreadsheet programs read Cyrillic names.
            archive.writestr(EXPORT_MANIFEST_NAME, "\ufeff" + manifest.getvalue())
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
