"""Background work for accounts: e-mails that must not hold up a request."""

import smtplib

from celery import shared_task

from accounts import services


@shared_task(
    name="accounts.membership_invitation_send",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def membership_invitation_send(membership_id: int) -> bool:
    """Send a membership's invitation e-mail; safe to run twice (the service sends it once)."""
    return services.membership_invitation_send(membership_id=membership_id)


@shared_task(name="accounts.memberships_lapse_expired")
def memberships_lapse_expired() -> int:
    """Daily: memberships past their ``valid_until`` lapse, each with an audit row (safe to run twice)."""
    return services.memberships_lapse_expired()
