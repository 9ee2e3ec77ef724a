"""The webinar list and a webinar page read a fixed number of queries, whatever the number of webinars."""

import datetime
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import services
from webinars.models import AttendanceInterval, MeetingSession, Registration

# Ours: associations for the filter, webinars with counts, presenters (list); webinar with counts (and whether it
# has recordings), presenters, the viewer's standing: registration, roles, membership in one query (page). The
# site's chrome (base.html) adds none for a visitor (menus, footer, the catalogue link are kept in cms.cache) and,
# signed in, the user (the Voting link's waiting polls and "Edit the site" are kept per person in the cache:
# lms.person_chrome, and Wagtail's userbar is asked only of editors); the session comes from the cache. Before the
# chrome was kept and the standing read at once: 12 and 21; before the permissions were read at once, the page 7;
# before the person's header facts were kept, 6.
LIST_QUERIES = 3
PAGE_QUERIES = 4


def _webinars(association, count):
    presenters = UserFactory.create_batch(2)
    people = UserFactory.create_batch(3)
    webinars = []
    for _ in range(count):
        webinar = WebinarFactory(association=association, presenters=presenters)
        for person in people:
            Registration.objects.create(webinar=webinar, user=person)
        webinars.append(webinar)
    return webinars, people


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_reads_the_same_queries_for_3_and_60_webinars(client, association, count, django_assert_num_queries):
    _webinars(association, count)
    client.get(reverse("webinars:list"))  # the first request of a site creates its navigation settings
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("webinars:list"))
    assert response.content.decode().count('class="webinar-card"') == count


@pytest.mark.parametrize("count", [3, 60])
def test_a_webinar_page_reads_the_same_queries_for_3_and_60_webinars(
    client, association, count, django_assert_num_queries
):
    webinars, people = _webinars(association, count)
    client.force_login(people[0])
    client.get(reverse("webinars:list"))
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(webinars[-1].get_absolute_url())


# The join storm's request (a registrant joining a running meeting): the session, the user, the webinar with the
# person's standing in it (one query), the attendance interval's INSERT (a second join: its UPDATE). 11 before:
# the webinar with counts and presenters, presenter?, officer?, registered?, running?, then UPDATE, BEGIN, INSERT.
JOIN_QUERIES = 4


def test_joining_a_running_meeting_costs_four_queries_and_no_call_to_bbb(
    client, association, django_assert_max_num_queries, settings
):
    with socket.socket() as probe:  # nothing listens there: a call to BBB would fail the join
        probe.bind(("127.0.0.1", 0))
        settings.BIGBLUEBUTTON_URL = f"http://127.0.0.1:{probe.getsockname()[1]}/bigbluebutton/"
    webinar = WebinarFactory(association=association, starts_at=timezone.now() + datetime.timedelta(minutes=5))
    MeetingSession.objects.create(webinar=webinar, internal_meeting_id="started")
    people = UserFactory.create_batch(2)
    for person in people:
        services.webinar_register(webinar=webinar, user=person)
    for person in [*people, people[0]]:  # the last one joins again
        client.force_login(person)
        with django_assert_max_num_queries(JOIN_QUERIES):
            response = client.post(reverse("webinars:join", args=[webinar.pk]))
        assert response.status_code == 302 and response["Location"].startswith(settings.BIGBLUEBUTTON_URL)
    assert AttendanceInterval.objects.filter(left_at__isnull=True).count() == 2
