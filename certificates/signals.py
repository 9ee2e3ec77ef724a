"""Receivers that hand other apps' events to certificates' tasks (no rules here)."""

from django.dispatch import receiver

from accounts.names import display_name_changed


@receiver(display_name_changed, dispatch_uid="certificates_issue_pending_on_name")
def issue_pending_on_name(sender, user, **kwargs):
    # Sent on commit by accounts: the certificates that waited for this name can be issued now.
    from certificates.tasks import certificate_pending_issue

    certificate_pending_issue.delay(user.pk)
