"""Background work for certificates: thin callers of services, by id, safe to run twice."""

from celery import shared_task

from certificates import services


@shared_task(name="certificates.render_pdf")
def certificate_render_pdf(certificate_id: int, force: bool = False) -> bool:
    """Render and store the PDF unless one exists (``force`` re-renders)."""
    return services.certificate_pdf_render(certificate_id=certificate_id, force=force)


# Mail servers fail transiently (smtplib's errors are OSErrors): retry those with backoff, nothing else.
RETRY = {"autoretry_for": (OSError,), "retry_backoff": 30, "retry_backoff_max": 1800, "max_retries": 6}


@shared_task(name="certificates.email", **RETRY)
def certificate_email(certificate_id: int) -> bool:
    """Send the recipient the certificate once."""
    return services.certificate_email_send(certificate_id=certificate_id)


@shared_task(name="certificates.deliver", **RETRY)
def certificate_deliver(certificate_id: int) -> None:
    """After issue: the PDF first (the e-mail attaches it), then the e-mail; each step is idempotent."""
    services.certificate_pdf_render(certificate_id=certificate_id)
    services.certificate_email_send(certificate_id=certificate_id)


@shared_task(name="certificates.export_build")
def certificate_export_build(export_id: int) -> bool:
    """Build a bulk ZIP; a second run finds the export claimed and does nothing."""
    return services.certificate_export_build(export_id=export_id)


@shared_task(name="certificates.name_request", **RETRY)
def certificate_name_request(pending_id: int) -> bool:
    """Ask a learner once, by e-mail, for the name to print on a certificate they earned."""
    return services.certificate_name_request_send(pending_id=pending_id)


@shared_task(name="certificates.pending_issue")
def certificate_pending_issue(user_id: int) -> int:
    """Issue what waited for the user's name (idempotent); returns how many certificates were issued."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    return len(services.certificate_pending_issue(recipient=user)) if user is not None else 0
