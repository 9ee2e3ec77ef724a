"""Background work for voting: opening and closing on schedule (Celery beat), notices by e-mail.

Every task takes ids, re-reads the rows and is safe to run twice: a poll opens or closes once (the services
refuse a second time under the row lock), and a reminder is claimed by a conditional UPDATE before it is sent.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.refusals import Refusal
from voting import notices, services
from voting.models import PendingVote, Poll

logger = logging.getLogger(__name__)


@shared_task(name="voting.polls_tick")
def polls_tick() -> dict:
    """Open the drafts whose time has come, close the polls whose time is up, remind those who have not voted, seal
    votes left pending (``services.votes_seal``: normally the next vote or the close does it)."""
    now = timezone.now()
    done = {"opened": 0, "closed": 0, "reminded": 0, "sealed": 0}
    for poll_id in Poll.objects.filter(state=Poll.State.DRAFT, opens_at__lte=now).values_list("pk", flat=True):
        try:
            services.poll_open(poll_id=poll_id)
            done["opened"] += 1
        except Refusal as refusal:  # opened meanwhile by the chair, or its rules cannot be applied: say so
            logger.warning("poll %s not opened on schedule: %s", poll_id, refusal.text)
    for poll_id in Poll.objects.filter(state=Poll.State.OPEN, closes_at__lte=now).values_list("pk", flat=True):
        try:
            services.poll_close(poll_id=poll_id)
            done["closed"] += 1
        except Refusal as refusal:
            logger.warning("poll %s not closed on schedule: %s", poll_id, refusal.text)
    for poll_id in PendingVote.objects.order_by("poll_id").values_list("poll_id", flat=True).distinct():
        done["sealed"] += services.votes_seal(poll_id=poll_id)
    window = timedelta(hours=settings.VOTING_REMINDER_HOURS)
    # Within the window before closing; a poll that was opened inside that window already told everyone.
    due = Poll.objects.filter(
        state=Poll.State.OPEN,
        reminded_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + window,
        opened_at__lt=F("closes_at") - window,
    )
    for poll_id in due.values_list("pk", flat=True):
        poll_reminder_send.delay(poll_id)
        done["reminded"] += 1
    return done


@shared_task(
    name="voting.poll_opened_notify",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def poll_opened_notify(poll_id: int) -> int:
    """Tell everyone who casts a vote on the roll that the poll is open, with a link."""
    poll = Poll.objects.filter(pk=poll_id, state=Poll.State.OPEN).first()
    return notices.poll_opened(poll) if poll else 0


@shared_task(
    name="voting.poll_reminder_send",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def poll_reminder_send(poll_id: int) -> int:
    """Remind those who have not cast all their votes yet; claimed once (``reminded_at``), so never sent twice."""
    claimed = Poll.objects.filter(pk=poll_id, state=Poll.State.OPEN, reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    )
    if not claimed:
        return 0
    return notices.poll_reminder(Poll.objects.get(pk=poll_id))


@shared_task(
    name="voting.proxies_not_applied_notify",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def proxies_not_applied_notify(poll_id: int) -> int:
    """Tell the members whose proxies were not applied at the opening why, and that they vote themselves."""
    poll = Poll.objects.filter(pk=poll_id).exclude(state=Poll.State.DRAFT).first()
    return notices.proxies_not_applied(poll) if poll else 0
