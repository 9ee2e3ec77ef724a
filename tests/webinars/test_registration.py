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
    assert [m.to for m in mail.outbox] == [[people[0].email], [people[2].email]]  # the cancellation, the promotion
    assert mail.outbox[1].attachments  # the promoted person now gets the invitation


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


def _ics_event(message, method):
    (name, content, mimetype) = message.attachments[0]
    calendar = Calendar.from_ical(content)
    assert (name, mimetype, str(calendar["method"])) == ("webinar.ics", "text/calendar", method)
    (event,) = calendar.walk("VEVENT")
    return event


def test_cancelling_mails_a_calendar_cancel_with_the_same_uid_and_a_higher_sequence(
    webinar, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.webinar_register(webinar=webinar, user=learner)
    invitation = _ics_event(mail.outbox[0], "PUBLISH")
    with django_capture_on_commit_callbacks(execute=True):
        services.webinar_cancel(webinar=webinar, user=learner)
    (cancellation_mail,) = mail.outbox[1:]
    assert cancellation_mail.to == [learner.email] and webinar.title in cancellation_mail.subject
    assert "Your registration for" in cancellation_mail.body
    cancellation = _ics_event(cancellation_mail, "CANCEL")
    assert str(cancellation["uid"]) == str(invitation["uid"])
    assert int(cancellation["sequence"]) == int(invitation["sequence"]) + 1
    assert str(cancellation["status"]) == "CANCELLED"
    assert str(cancellation["attendee"]) == f"mailto:{learner.email}"

    # the task running twice sends it once
    assert services.registration_cancellation_send(registration_id=Registration.objects.get().pk) is False
    assert len(mail.outbox) == 2

    # registering again: a new invitation that supersedes the cancellation in the calendar
    with django_capture_on_commit_callbacks(execute=True):
        services.webinar_register(webinar=webinar, user=learner)
    again = _ics_event(mail.outbox[2], "PUBLISH")
    assert str(again["uid"]) == str(invitation["uid"]) and int(again["sequence"]) == int(cancellation["sequence"]) + 1


def test_calling_off_a_webinar_cancels_every_registration_and_tells_each_person(
    webinar, trainer, django_capture_on_commit_callbacks
):
    webinar.presenters.add(trainer)
    people = UserFactory.create_batch(3)  # capacity 2: two confirmed, one waiting
    for person in people:
        services.webinar_register(webinar=webinar, user=person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webinar_call_off(webinar=webinar, actor=trainer) == 3
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)  # nobody promoted, all told
    for message in mail.outbox:
        assert "is cancelled by" in message.body
        event = _ics_event(message, "CANCEL")
        assert int(event["sequence"]) == 1 and str(event["status"]) == "CANCELLED"
    webinar.refresh_from_db()
    assert webinar.cancelled_at is not None
    # a second call, registering and joining are refused
    for attempt in (
        lambda: services.webinar_call_off(webinar=webinar, actor=trainer),
        lambda: services.webinar_register(webinar=webinar, user=people[0]),
        lambda: services.webinar_join(webinar=webinar, user=trainer),
    ):
        with pytest.raises(Refusal) as caught:
            attempt()
        assert caught.value.code == "webinar_cancelled"


def test_only_presenters_and_officers_call_off_a_webinar(webinar, learner, member, association_admin):
    services.webinar_register(webinar=webinar, user=learner)
    for person in (learner, member):
        with pytest.raises(Refusal) as caught:
            services.webinar_call_off(webinar=webinar, actor=person)
        assert caught.value.status == 403
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert services.webinar_call_off(webinar=webinar, actor=association_admin) == 1
