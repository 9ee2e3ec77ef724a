"""Registration, the waiting list, the confirmation with its .ics, and reminders sent exactly once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.refusals import Refusal
from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import services
from webinars.models import Registration, Webinar


@pytest.fixture
def webinar(association):
    return WebinarFactory(association=association, capacity=2)


def test_registering_confirms_and_mails_a_valid_ics_invitation(webinar, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.webinar_register(webinar=webinar, user=learner)
    assert registration.status == Registration.Status.CONFIRMED
    (message,) = mail.outbox
    assert message.to == [learner.email] and webinar.title in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name == "webinar.ics" and mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == webinar.starts_at and event.decoded("dtend") == webinar.ends_at
    assert str(event["summary"]) == webinar.title
    assert webinar.get_absolute_url() in str(event["url"])


def test_registering_twice_is_idempotent(webinar, learner):
    first = services.webinar_register(webinar=webinar, user=learner)
    assert services.webinar_register(webinar=webinar, user=learner).pk == first.pk
    assert Registration.objects.count() == 1


def test_over_capacity_people_wait_and_a_cancellation_promotes_the_first_in_line(
    webinar, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(4)
    statuses = [services.webinar_register(webinar=webinar, user=person).status for person in people]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.webinar_cancel(webinar=webinar, user=people[0])
    assert Registration.objects.get(user=people[2]).status == Registration.Status.CONFIRMED
    assert Registration.objects.get(user=people[2]).promoted_at is not None
    assert Registration.objects.get(user=people[3]).status == Registration.Status.WAITING
    assert [m.to for m in mail.outbox] == [[people[2].email]]
    assert mail.outbox[0].attachments  # the promoted person now gets the invitation


def test_cancelling_a_waiting_place_promotes_nobody(webinar):
    people = UserFactory.create_batch(3)
    for person in people:
        services.webinar_register(webinar=webinar, user=person)
    services.webinar_cancel(webinar=webinar, user=people[2])
    assert list(Registration.objects.values_list("status", flat=True).order_by("pk")) == [
        "confirmed",
        "confirmed",
        "cancelled",
    ]


def test_cancelling_without_a_registration_is_refused(webinar, learner):
    with pytest.raises(Refusal) as caught:
        services.webinar_cancel(webinar=webinar, user=learner)
    assert caught.value.status == 409


def test_registration_after_it_closed_is_refused_and_nothing_is_written(webinar, learner):
    webinar.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    webinar.save()
    with pytest.raises(Refusal):
        services.webinar_register(webinar=webinar, user=learner)
    assert not Registration.objects.exists() and not mail.outbox


def test_a_members_only_webinar_refuses_an_outsider_and_admits_a_member(association, outsider, member):
    webinar = WebinarFactory(association=association, audience=Webinar.Audience.MEMBERS)
    with pytest.raises(Refusal) as caught:
        services.webinar_register(webinar=webinar, user=outsider)
    assert caught.value.code == "members_only"
    assert not Registration.objects.exists()
    assert services.webinar_register(webinar=webinar, user=member).status == "confirmed"


def test_an_invited_webinar_admits_only_invitees(association, outsider, learner):
    webinar = WebinarFactory(association=association, audience=Webinar.Audience.INVITED)
    webinar.invitees.add(learner)
    with pytest.raises(Refusal):
        services.webinar_register(webinar=webinar, user=outsider)
    assert services.webinar_register(webinar=webinar, user=learner).status == "confirmed"


def test_reminders_24h_and_1h_go_once_each_even_when_the_task_runs_twice(association, learner):
    start = timezone.now() + datetime.timedelta(hours=30)
    webinar = WebinarFactory(association=association, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    services.webinar_register(webinar=webinar, user=learner)
    mail.outbox.clear()
    assert services.reminders_send(now=start - datetime.timedelta(hours=30)) == 0  # too early
    day_before = start - datetime.timedelta(hours=23, minutes=55)
    assert services.reminders_send(now=day_before) == 1
    assert services.reminders_send(now=day_before) == 0
    hour_before = start - datetime.timedelta(minutes=55)
    assert services.reminders_send(now=hour_before) == 1
    assert services.reminders_send(now=hour_before + datetime.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 2 and all("Reminder" in m.subject for m in mail.outbox)


def test_a_late_registrant_gets_only_the_1h_reminder(association, learner):
    start = timezone.now() + datetime.timedelta(hours=2)
    webinar = WebinarFactory(association=association, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    services.webinar_register(webinar=webinar, user=learner)
    mail.outbox.clear()
    now = start - datetime.timedelta(minutes=50)
    assert services.reminders_send(now=now) == 1
    assert services.reminders_send(now=now) == 0
    assert len(mail.outbox) == 1


def test_waiting_people_get_no_reminder(association):
    start = timezone.now() + datetime.timedelta(hours=2)
    webinar = WebinarFactory(
        association=association, capacity=1, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    first, second = UserFactory.create_batch(2)
    services.webinar_register(webinar=webinar, user=first)
    services.webinar_register(webinar=webinar, user=second)
    mail.outbox.clear()
    assert services.reminders_send(now=start - datetime.timedelta(minutes=50)) == 1
    assert mail.outbox[0].to == [first.email]
