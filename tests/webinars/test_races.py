"""Races on PostgreSQL with threads: the last seat goes to one person; a reminder claimed twice is sent once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import UserFactory
from tests.races import race
from tests.webinars.factories import WebinarFactory
from webinars import services
from webinars.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_five_people_racing_for_the_last_seat_leave_one_confirmed_and_four_waiting(association):
    webinar = WebinarFactory(association=association, capacity=1)
    people = UserFactory.create_batch(5)
    results, errors = race(5, lambda index: services.webinar_register(webinar=webinar, user=people[index]))
    assert not errors and len(results) == 5
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting", "waiting", "waiting", "waiting"]


def test_two_reminder_runs_at_the_same_moment_send_each_reminder_once(association, learner):
    start = timezone.now() + datetime.timedelta(minutes=50)
    webinar = WebinarFactory(association=association, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    Registration.objects.create(webinar=webinar, user=learner)
    now = timezone.now()
    sent, errors = race(2, lambda index: services.reminders_send(now=now))
    assert not errors and sorted(sent) == [0, 1]
    assert len(mail.outbox) == 1
