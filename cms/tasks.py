"""Periodic work for the site pages (scheduled from lms/celery.py)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.publish_scheduled")
def pages_publish_scheduled() -> None:
    """Publish every revision whose go-live time has passed and unpublish every page whose expiry has passed.

    Idempotent: Wagtail clears a revision's schedule as it publishes it, so a second run finds nothing to do.
    """
    call_command("publish_scheduled", verbosity=0)
