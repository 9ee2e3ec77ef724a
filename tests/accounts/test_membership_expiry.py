"""Memberships past their validity lapse by a daily scheduled task, each with an audit row."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.utils import timezone

from accounts.models import Membership, MembershipEvent
from accounts.tasks import memberships_lapse_expired
from lms.celery import app
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def memberships(association):
    today = timezone.localdate()
    return {
        "expired": MembershipFactory(association=association, valid_until=today - timedelta(days=1)),
        "last_day": MembershipFactory(association=association, valid_until=today),
        "open_ended": MembershipFactory(association=association, valid_until=None),
        "pending_expired": MembershipFactory(
            association=association, status=Membership.Status.PENDING, valid_until=today - timedelta(days=3)
        ),
    }


def _status(membership):
    return Membership.objects.get(pk=membership.pk).status


def test_an_expired_active_membership_lapses_with_an_audit_row_and_nothing_else_changes(memberships):
    assert memberships_lapse_expired.delay().get() == 1
    assert _status(memberships["expired"]) == Membership.Status.LAPSED
    assert _status(memberships["last_day"]) == Membership.Status.ACTIVE
    assert _status(memberships["open_ended"]) == Membership.Status.ACTIVE
    assert _status(memberships["pending_expired"]) == Membership.Status.PENDING
    event = MembershipEvent.objects.get(membership=memberships["expired"])
    assert event.action == MembershipEvent.Action.LAPSED
    assert event.actor is None
    assert (event.old_value["status"], event.new_value["status"]) == ("active", "lapsed")


def test_running_it_twice_lapses_once_and_writes_one_audit_row(memberships):
    memberships_lapse_expired.delay()
    assert memberships_lapse_expired.delay().get() == 0
    assert MembershipEvent.objects.filter(action=MembershipEvent.Action.LAPSED).count() == 1


def test_it_is_scheduled_daily():
    entry = app.conf.beat_schedule["lapse-expired-memberships"]
    assert entry["task"] == "accounts.memberships_lapse_expired"
    assert entry["schedule"] == crontab(hour=0, minute=15)
