"""Races on PostgreSQL with threads: the last seat goes to one person; a reminder claimed twice is sent once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import services
from webinars.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(functions):
    barrier = threading.Barrier(len(functions))
    results = []

    def run(function):
        try:
            barrier.wait(timeout=10)
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_five_people_racing_for_the_last_seat_leave_one_confirmed_and_four_waiting(association):
    webinar = WebinarFactory(association=association, capacity=1)
    people = UserFactory.create_batch(5)
    _together([lambda person=person: services.webinar_register(webinar=webinar, user=person) for person in people])
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting", "waiting", "waiting", "waiting"]


def test_two_reminder_runs_at_the_same_moment_send_each_reminder_once(association, learner):
    start = timezone.now() + datetime.timedelta(minutes=50)
    webinar = WebinarFactory(association=association, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    Registration.objects.create(webinar=webinar, user=learner)
    now = timezone.now()
    sent = _together([lambda: services.reminders_send(now=now), lambda: services.reminders_send(now=now)])
    assert sorted(sent) == [0, 1]
    assert len(mail.outbox) == 1
