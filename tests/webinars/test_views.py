"""Webinar pages: anonymous, wrong-role and right-role; refusals change nothing; BBB down is a plain 503 page."""

import datetime
import socket

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import selectors, services
from webinars.models import (
    AttendanceInterval,
    CalendarFeed,
    MeetingSession,
    Recording,
    Registration,
    Webinar,
    WebinarEvent,
)


@pytest.fixture
def presenter(db):
    return UserFactory(display_name="Tom Presenter")


@pytest.fixture
def webinar(association, presenter):
    return WebinarFactory(association=association, presenters=[presenter], title="Linked data for librarians")


@pytest.fixture
def closed_port(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BIGBLUEBUTTON_URL = f"http://127.0.0.1:{port}/bigbluebutton/"
    settings.BIGBLUEBUTTON_TIMEOUT = 1
    return port


def test_anyone_sees_the_list_and_the_page(client, webinar):
    assert "Linked data for librarians" in client.get(reverse("webinars:list")).content.decode()
    page = client.get(webinar.get_absolute_url()).content.decode()
    assert "Sign in to register" in page and "Tom Presenter" in page


def test_the_list_filters_by_track_and_association_and_splits_past_from_upcoming(client, webinar, other_association):
    past = WebinarFactory(
        association=other_association,
        title="Archive talk",
        track="media-literacy",
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(hours=1),
    )
    upcoming = client.get(reverse("webinars:list")).content.decode()
    assert webinar.title in upcoming and past.title not in upcoming
    assert past.title in client.get(reverse("webinars:list") + "?when=past").content.decode()
    filtered = client.get(reverse("webinars:list") + "?track=media-literacy").content.decode()
    assert webinar.title not in filtered
    by_association = client.get(reverse("webinars:list") + f"?when=past&association={other_association.slug}")
    assert past.title in by_association.content.decode()


def test_times_are_shown_in_the_viewers_time_zone(client, association):
    start = datetime.datetime(2030, 5, 1, 12, 0, tzinfo=datetime.UTC)
    webinar = WebinarFactory(association=association, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    client.cookies["tz"] = "Asia/Tokyo"
    page = client.get(webinar.get_absolute_url()).content.decode()
    assert "Asia/Tokyo" in page and "21:00" in page  # English times on the 24-hour clock (lms/formats)
    client.cookies["tz"] = "Not/AZone"
    assert "UTC" in client.get(webinar.get_absolute_url()).content.decode()


def test_anonymous_register_goes_to_sign_in_and_writes_nothing(client, webinar):
    response = client.post(reverse("webinars:register", args=[webinar.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Registration.objects.exists()


def test_an_outsider_is_refused_a_members_only_webinar_and_nothing_is_written(client, webinar, outsider):
    webinar.audience = "members"
    webinar.save()
    client.force_login(outsider)
    response = client.post(reverse("webinars:register", args=[webinar.pk]), follow=True)
    assert "current members" in response.content.decode()
    assert not Registration.objects.exists()


def test_registering_and_cancelling_through_the_page(client, webinar, learner):
    client.force_login(learner)
    client.post(reverse("webinars:register", args=[webinar.pk]))
    assert Registration.objects.get().status == "confirmed"
    client.post(reverse("webinars:cancel", args=[webinar.pk]))
    assert Registration.objects.get().status == "cancelled"


def test_the_page_tells_each_person_where_they_stand(client, webinar, learner, outsider, presenter):
    Registration.objects.create(webinar=webinar, user=outsider, status=Registration.Status.WAITING)
    services.webinar_register(webinar=webinar, user=learner)
    pages = {}
    for person in (learner, outsider, presenter):
        client.force_login(person)
        pages[person] = client.get(webinar.get_absolute_url()).content.decode()
    assert "You are registered." in pages[learner] and "Cancel my registration" in pages[learner]
    assert ">Join<" in pages[learner] and "Start or join as presenter" not in pages[learner]
    assert "You are on the waiting list." in pages[outsider] and "Cancel my registration" in pages[outsider]
    assert ">Join<" not in pages[outsider]
    assert "Start or join as presenter" in pages[presenter] and "Cancel my registration" not in pages[presenter]
    assert "Attendance" in pages[presenter] and "Attendance" not in pages[learner]


def test_an_unregistered_person_cannot_join_and_nothing_is_written(client, webinar, learner, closed_port):
    client.force_login(learner)
    webinar.starts_at = timezone.now() + datetime.timedelta(minutes=5)
    webinar.save()
    response = client.post(reverse("webinars:join", args=[webinar.pk]), follow=True)
    assert "Only registered participants" in response.content.decode()
    assert client.get(reverse("webinars:join", args=[webinar.pk]), follow=True).redirect_chain
    assert not AttendanceInterval.objects.exists() and not MeetingSession.objects.exists()
    status = client.get(reverse("webinars:status", args=[webinar.pk]))
    assert status.status_code == 403 and status.json()["code"] == "not_registered"


def test_joining_outside_the_window_is_refused(client, webinar, learner, closed_port):
    services.webinar_register(webinar=webinar, user=learner)  # starts in two days
    client.force_login(learner)
    response = client.post(reverse("webinars:join", args=[webinar.pk]), follow=True)
    assert "opens 15 minutes before" in response.content.decode()
    webinar.starts_at = timezone.now() - datetime.timedelta(hours=2)
    webinar.ends_at = timezone.now() - datetime.timedelta(hours=1)
    webinar.save()
    assert "has ended" in client.post(reverse("webinars:join", args=[webinar.pk]), follow=True).content.decode()
    assert not AttendanceInterval.objects.exists()


def test_bbb_down_is_a_plain_503_page_and_nothing_is_written(client, webinar, presenter, closed_port):
    webinar.starts_at = timezone.now() + datetime.timedelta(minutes=5)
    webinar.save()
    client.force_login(presenter)
    response = client.post(reverse("webinars:join", args=[webinar.pk]))
    assert response.status_code == 503
    assert "not answering right now" in response.content.decode()
    assert not MeetingSession.objects.exists() and not AttendanceInterval.objects.exists()
    status = client.get(reverse("webinars:status", args=[webinar.pk]))
    assert status.status_code == 200 and status.json()["running"] is False and status.json()["error"]


def test_viewers_join_a_started_meeting_without_a_call_to_bbb(client, webinar, learner, closed_port):
    """The join storm: once a presenter started the meeting (our own record says so), hundreds of viewers join in
    the first minute with no call to BBB each. Here BBB does not even answer, yet the viewer is let in."""
    webinar.starts_at = timezone.now() + datetime.timedelta(minutes=5)
    webinar.save()
    services.webinar_register(webinar=webinar, user=learner)
    MeetingSession.objects.create(webinar=webinar, internal_meeting_id="started-by-the-presenter")
    client.force_login(learner)

    response = client.post(reverse("webinars:join", args=[webinar.pk]))

    assert response.status_code == 302
    assert f"meetingID={webinar.meeting_id}" in response["Location"]
    assert client.get(reverse("webinars:status", args=[webinar.pk])).json() == {"running": True}


def _running(webinar):
    webinar.starts_at = timezone.now() + datetime.timedelta(minutes=5)
    webinar.save()
    MeetingSession.objects.create(webinar=webinar, internal_meeting_id=f"running-{webinar.pk}")


def test_a_registrant_on_the_waiting_list_cannot_join_a_running_meeting_and_nothing_is_written(
    client, webinar, learner, closed_port
):
    _running(webinar)
    Registration.objects.create(webinar=webinar, user=learner, status=Registration.Status.WAITING)
    client.force_login(learner)

    response = client.post(reverse("webinars:join", args=[webinar.pk]), follow=True)

    assert "Only registered participants" in response.content.decode()
    assert not AttendanceInterval.objects.exists()


def test_one_persons_right_to_join_is_never_taken_for_the_next_ones(client, webinar, learner, outsider, closed_port):
    """The join reads who may come in with a query compiled once: each person gets their own answer."""
    _running(webinar)
    services.webinar_register(webinar=webinar, user=learner)
    client.force_login(learner)
    assert client.post(reverse("webinars:join", args=[webinar.pk])).status_code == 302
    client.force_login(outsider)

    response = client.post(reverse("webinars:join", args=[webinar.pk]), follow=True)

    assert "Only registered participants" in response.content.decode()
    assert list(AttendanceInterval.objects.values_list("user_id", flat=True)) == [learner.pk]


def test_a_members_meeting_lets_in_current_members_only(client, association, member, outsider, closed_port):
    meeting = WebinarFactory(association=association, kind="general-assembly")
    _running(meeting)
    client.force_login(outsider)
    response = client.post(reverse("webinars:join", args=[meeting.pk]), follow=True)
    assert "for current members of" in response.content.decode()
    assert not AttendanceInterval.objects.exists()
    client.force_login(member)

    response = client.post(reverse("webinars:join", args=[meeting.pk]))

    assert response.status_code == 302 and f"meetingID={meeting.meeting_id}" in response["Location"]
    assert list(AttendanceInterval.objects.values_list("user_id", flat=True)) == [member.pk]


def test_joining_again_extends_the_open_interval_instead_of_opening_another(client, webinar, learner, closed_port):
    _running(webinar)
    services.webinar_register(webinar=webinar, user=learner)
    client.force_login(learner)
    client.post(reverse("webinars:join", args=[webinar.pk]))
    first = AttendanceInterval.objects.get()

    assert client.post(reverse("webinars:join", args=[webinar.pk])).status_code == 302

    again = AttendanceInterval.objects.get()
    assert again.pk == first.pk and again.source == "join" and again.left_at is None
    assert again.joined_at == first.joined_at and again.last_seen_at > first.last_seen_at


def test_the_standing_read_for_joining_matches_each_persons_roles(webinar, presenter, learner, association_admin):
    """Presenters and officers run the webinar (site administrators too), and each answer is the person's own,
    whichever kind of person asked first."""
    admin = UserFactory()
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    services.webinar_register(webinar=webinar, user=learner)
    for _ in range(2):
        standings = {
            person: selectors.webinar_with_standing(webinar_id=webinar.pk, user=person)[1]
            for person in (learner, admin, presenter, association_admin)
        }
        assert standings[learner].confirmed and not (standings[learner].presents or standings[learner].officer)
        assert standings[admin].officer and not standings[admin].confirmed
        assert standings[presenter].presents and not standings[presenter].officer
        assert standings[association_admin].officer and standings[association_admin].member
    assert selectors.webinar_with_standing(webinar_id=webinar.pk + 1000, user=learner) is None


def test_the_webinar_read_for_joining_is_the_row_the_orm_reads(webinar, learner):
    """The join's compiled query (accounts.compiled) builds the webinar as the ORM does: every field converted (aware
    datetimes, decimals), the standing's answers as booleans, and no field left deferred."""
    found, standing = selectors.webinar_with_standing(webinar_id=webinar.pk, user=learner)
    expected = Webinar.objects.get(pk=webinar.pk)
    for field in Webinar._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.starts_at.tzinfo is not None and not found.get_deferred_fields()
    assert standing.running is False and standing.presents is False and standing.registration_status == ""
    found.title = "Renamed"
    found.save(update_fields=["title"])  # a model instance like any other (state.db, adding)
    assert Webinar.objects.get(pk=webinar.pk).title == "Renamed"


def test_once_the_meeting_ended_viewers_are_no_longer_let_in_on_our_record(client, webinar, learner, closed_port):
    webinar.starts_at = timezone.now() + datetime.timedelta(minutes=5)
    webinar.save()
    services.webinar_register(webinar=webinar, user=learner)
    MeetingSession.objects.create(webinar=webinar, internal_meeting_id="ended-already")
    services.meeting_ended(webinar=webinar)
    client.force_login(learner)

    response = client.post(reverse("webinars:join", args=[webinar.pk]))

    assert response.status_code == 503  # it asks BBB again, which does not answer here


def test_calling_off_a_webinar_through_the_page_anonymous_wrong_role_and_right_role(
    client, webinar, presenter, learner, member
):
    services.webinar_register(webinar=webinar, user=learner)
    url = reverse("webinars:call_off", args=[webinar.pk])
    response = client.post(url)
    assert response.status_code == 302 and "login" in response["Location"]
    for person in (learner, member):
        client.force_login(person)
        assert "call-off" not in client.get(webinar.get_absolute_url()).content.decode()
        refused = client.post(url, follow=True).content.decode()
        assert "Only the webinar&#x27;s presenters and its association&#x27;s officers can cancel it." in refused
    webinar.refresh_from_db()
    assert webinar.cancelled_at is None and Registration.objects.get().status == "confirmed"
    client.force_login(presenter)
    assert url in client.get(webinar.get_absolute_url()).content.decode()
    done = client.post(url, follow=True).content.decode()
    assert "The webinar is cancelled; 1 registration was cancelled" in done
    assert "This webinar is cancelled." in done
    assert Registration.objects.get().status == "cancelled"
    assert WebinarEvent.objects.filter(webinar=webinar, action="webinar-cancelled", actor=presenter).exists()
    assert "This webinar is cancelled." in client.get(reverse("webinars:list")).content.decode()


def test_attendance_is_for_presenters_and_officers_only(client, webinar, presenter, learner, association_admin):
    client.force_login(learner)
    assert client.get(reverse("webinars:attendance", args=[webinar.pk])).status_code == 403
    for person in (presenter, association_admin):
        client.force_login(person)
        assert client.get(reverse("webinars:attendance", args=[webinar.pk])).status_code == 200


def test_attendance_table_and_csv_list_minutes_and_absentees(client, webinar, presenter, learner):
    absentee = UserFactory(display_name="Zed Absent")
    for person in (learner, absentee):
        Registration.objects.create(webinar=webinar, user=person)
    start = webinar.starts_at
    AttendanceInterval.objects.create(
        webinar=webinar,
        user=learner,
        joined_at=start,
        last_seen_at=start + datetime.timedelta(minutes=30),
        left_at=start + datetime.timedelta(minutes=30),
        source="poll",
    )
    client.force_login(presenter)
    page = client.get(reverse("webinars:attendance", args=[webinar.pk])).content.decode()
    assert "Zed Absent" in page and "30" in page
    csv_text = client.get(reverse("webinars:attendance", args=[webinar.pk]) + "?format=csv").content.decode()
    assert f"{learner.email},confirmed,30,no" in csv_text
    assert f"{absentee.email},confirmed,0,no" in csv_text


def test_only_runners_manage_recordings(client, webinar, learner, presenter, bbb_recording):
    url = reverse("webinars:recording", args=[webinar.pk, bbb_recording.pk])
    client.force_login(learner)
    client.post(url, {"action": "delete"})
    assert Recording.objects.get().deleted_at is None and not WebinarEvent.objects.exists()


@pytest.fixture
def bbb_recording(webinar):
    return Recording.objects.create(webinar=webinar, record_id="rec-1", formats=[])


def test_calendar_feed_lists_my_webinars_and_a_revoked_address_stops_working(client, webinar, learner):
    services.webinar_register(webinar=webinar, user=learner)
    other = WebinarFactory(association=webinar.association, title="Not mine")
    client.force_login(learner)
    assert client.get(reverse("webinars:calendar")).status_code == 200
    token = CalendarFeed.objects.get(user=learner).token
    client.logout()
    feed = client.get(reverse("webinars:calendar_feed", args=[token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert webinar.title in feed.content.decode() and other.title not in feed.content.decode()
    client.force_login(learner)
    client.post(reverse("webinars:calendar"))
    client.logout()
    assert client.get(reverse("webinars:calendar_feed", args=[token])).status_code == 404


def test_the_calendar_page_needs_sign_in(client, db):
    assert client.get(reverse("webinars:calendar")).status_code == 302
    assert client.get(reverse("webinars:calendar_feed", args=["guess"])).status_code == 404


def test_the_pages_are_translated_to_russian(client, webinar):
    with translation.override("ru"):
        list_url, page_url = reverse("webinars:list"), webinar.get_absolute_url()
    assert list_url.startswith("/ru/")
    assert "Предстоящие вебинары" in client.get(list_url).content.decode()
    assert "Войдите, чтобы зарегистрироваться" in client.get(page_url).content.decode()


def test_the_choices_of_webinars_are_translated_to_russian():
    from webinars.models import RecordingPolicy, Webinar

    with translation.override("ru"):
        assert str(Webinar.RecordingVisibility.REGISTRANTS.label) == "Зарегистрированные участники"
        assert str(Webinar.Kind.GENERAL_ASSEMBLY.label) == "Общее собрание"
        assert str(Registration.Status.CANCELLED.label) == "Отменена"
        assert str(WebinarEvent.Action.WEBINAR_CANCELLED.label) == "Вебинар отменён"
        assert str(RecordingPolicy._meta.verbose_name) == "хранение записей"
        assert str(RecordingPolicy._meta.get_field("retention_days").verbose_name) == "хранить записи (дней)"


def test_officers_author_webinars_in_the_wagtail_admin(client, db):
    admin = UserFactory()
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(admin)
    assert client.get(reverse("wagtailsnippets_webinars_webinar:add")).status_code == 200
    assert client.get(reverse("wagtailsnippets_webinars_webinar:list")).status_code == 200


def test_an_officer_authoring_a_webinar_may_name_only_their_own_association_as_host(
    association, other_association, association_admin
):
    from webinars.models import Webinar
    from webinars.wagtail_hooks import WebinarViewSet

    form_class = WebinarViewSet.edit_handler.bind_to_model(Webinar).get_form_class()
    form = form_class(for_user=association_admin)
    assert list(form.fields["association"].queryset) == [association]
