"""Receivers that hand allauth's events to services (no rules here)."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from accounts import services


@receiver(password_reset, dispatch_uid="accounts_verify_email_after_reset")
def verify_email_after_reset(sender, request, user, **kwargs):
    services.user_email_verify_after_reset(user=user)
