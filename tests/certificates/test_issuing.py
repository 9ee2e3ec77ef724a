"""Issuing: one certificate per recipient and source, whatever happens twice; snapshots; audit rows;
the PDF and the e-mail follow on commit, exactly once."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from certificates import services, tasks
from certificates.models import Certificate, CertificateEvent, verification_code_digest
from tests.certificates.factories import ManualAwardFactory, issue


def test_issuing_twice_returns_the_first_certificate(learner, award, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = issue(recipient=learner, source=award)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = issue(recipient=learner, source=award)
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1
    assert callbacks == []  # the repeat queues no second render or e-mail
    assert len(mailoutbox) == 1


def test_the_certificate_snapshots_the_name_and_achievement_at_issue_time(learner, award):
    certificate = issue(recipient=learner, source=award, hours="2.25")
    learner.display_name = "Someone Else"
    learner.save(update_fields=["display_name"])
    award.title = "Renamed"
    award.save(update_fields=["title"])
    certificate.refresh_from_db()
    assert certificate.recipient_name != "Someone Else"
    assert certificate.achievement_title == "Цифровая грамотность для библиотекарей"
    assert certificate.cpd_hours == Decimal("2.25")
    assert certificate.issuer_name == award.association.name


def test_issue_writes_an_audit_row_with_the_actor(learner, award, association_admin):
    certificate = issue(recipient=learner, source=award, actor=association_admin)
    event = certificate.events.get()
    assert (event.action, event.actor) == (CertificateEvent.Action.ISSUED, association_admin)


def test_the_verification_code_has_160_bits_and_its_digest_is_stored(learner, award):
    certificate = issue(recipient=learner, source=award)
    assert len(certificate.verification_code) == 32  # 32 base32 characters = 160 bits
    assert certificate.code_digest == verification_code_digest(certificate.verification_code)
    assert certificate.code_grouped.count("-") == 7


def test_codes_are_unique_across_many_certificates(learner, association):
    codes = {issue(recipient=learner, issuer=association).verification_code for _ in range(25)}
    assert len(codes) == 25


def test_negative_hours_are_refused_and_nothing_is_written(learner, award):
    with pytest.raises(ValidationError):
        issue(recipient=learner, source=award, hours="-1")
    assert not Certificate.objects.exists()


def test_the_pdf_and_the_email_follow_on_commit(learner, award, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = issue(recipient=learner, source=award)
    certificate.refresh_from_db()
    assert not certificate.pdf and certificate.emailed_at is None  # nothing happens before the commit
    for callback in callbacks:
        callback()
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.emailed_at is not None
    assert len(mailoutbox) == 1


def test_running_the_delivery_task_twice_gives_one_pdf_and_one_email(
    learner, award, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(recipient=learner, source=award)
    certificate.refresh_from_db()
    first_pdf = certificate.pdf.name
    tasks.certificate_deliver.delay(certificate.pk)
    tasks.certificate_render_pdf.delay(certificate.pk)
    tasks.certificate_email.delay(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.name == first_pdf
    assert len(mailoutbox) == 1
    assert certificate.events.filter(action=CertificateEvent.Action.PDF_RENDERED).count() == 1
    assert certificate.events.filter(action=CertificateEvent.Action.EMAILED).count() == 1


def test_a_forced_render_replaces_the_pdf(certificate):
    certificate.refresh_from_db()
    old = certificate.pdf.name
    assert services.certificate_pdf_render(certificate_id=certificate.pk, force=True)
    certificate.refresh_from_db()
    assert certificate.pdf.name != old


def test_the_admin_regenerate_service_queues_a_forced_render(certificate, django_capture_on_commit_callbacks):
    certificate.refresh_from_db()
    old = certificate.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_pdf_regenerate(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.pdf.name != old


def test_a_failed_send_releases_the_claim_so_a_retry_sends(learner, award, mailoutbox):
    certificate = issue(recipient=learner, source=award)
    with (
        mock.patch("certificates.services.EmailMessage.send", side_effect=OSError("smtp down")),
        pytest.raises(OSError),
    ):
        services.certificate_email_send(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.emailed_at is None
    assert services.certificate_email_send(certificate_id=certificate.pk) is True
    assert len(mailoutbox) == 1


def test_the_email_goes_to_the_recipient_with_the_pdf_and_the_verification_link(certificate, mailoutbox):
    message = mailoutbox[0]
    assert message.to == [certificate.recipient.email]
    _name, content, mime = message.attachments[0]
    assert mime == "application/pdf" and content.startswith(b"%PDF")
    assert f"/certificates/verify/{certificate.verification_code}/" in message.body


def test_any_model_can_be_a_source(learner, association):
    """certificates knows nothing of courses: an association (or anything with a pk) works as a source."""
    certificate = issue(recipient=learner, source=association, issuer=association)
    assert certificate.source == association
    again = issue(recipient=learner, source=association, issuer=association)
    assert again.pk == certificate.pk
    assert ManualAwardFactory._meta.model.objects.count() == 0


def test_a_transient_mail_failure_is_retried_and_sent_once(learner, award, mailoutbox):
    import smtplib

    from django.core.mail import EmailMessage

    certificate = issue(recipient=learner, source=award)
    real_send = EmailMessage.send
    failures = iter([smtplib.SMTPServerDisconnected("bye")])

    def flaky_send(self, *args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_send(self, *args, **kwargs)

    from celery.exceptions import Retry

    # The task asks Celery for a retry (eager mode hands the Retry to the caller instead of scheduling it)...
    with mock.patch.object(EmailMessage, "send", flaky_send), pytest.raises(Retry):
        tasks.certificate_email.delay(certificate.pk)
    assert mailoutbox == []
    # ...and the retry, as a worker would run it later, sends the e-mail exactly once.
    with mock.patch.object(EmailMessage, "send", flaky_send):
        tasks.certificate_email.delay(certificate.pk)
        tasks.certificate_email.delay(certificate.pk)
    assert len(mailoutbox) == 1
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
