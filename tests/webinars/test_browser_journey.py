"""In Chromium, against the BBB simulator: register, wait for the presenter, join, see the recording; axe on each
page. Each step asserts on its own page, so a failure names the step."""

import datetime

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone

pytest.importorskip("playwright")

from playwright.sync_api import expect

from tests.factories import AssociationFactory, UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import services
from webinars.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _no_axe_violations(axe, page):
    violations = axe(page)
    assert not violations, str(violations)


def test_register_wait_join_and_watch_the_recording(page, live_server, bbb, axe):
    presenter = UserFactory(display_name="Tom Presenter")
    learner = UserFactory(display_name="Lena Learner")
    start = (timezone.now() + datetime.timedelta(minutes=5)).replace(microsecond=0)
    webinar = WebinarFactory(
        association=AssociationFactory(name="Baltic Library Association", slug="bla"),
        title="Spotting synthetic images",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        presenters=[presenter],
    )
    _log_in(page, live_server, learner)

    # the list and the page
    page.goto(f"{live_server.url}/webinars/")
    expect(page.get_by_role("heading", name="Upcoming webinars")).to_be_visible()
    _no_axe_violations(axe, page)
    page.get_by_role("link", name="Spotting synthetic images").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spotting synthetic images")
    _no_axe_violations(axe, page)

    # register
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()
    assert Registration.objects.get(user=learner).status == Registration.Status.CONFIRMED
    _no_axe_violations(axe, page)

    # join before the presenter: the waiting room, which says the session is recorded
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#waiting-status")).to_contain_text("has not started")
    expect(page.get_by_text("The session is recorded.")).to_be_visible()
    _no_axe_violations(axe, page)

    # the presenter starts the meeting; the waiting room notices and lets the learner in
    joined = services.webinar_join(webinar=webinar, user=presenter)
    assert requests.get(joined.url, timeout=5).status_code == 200
    page.wait_for_url("**/bigbluebutton-simulator/client/**", timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Spotting synthetic images")
    expect(page.get_by_text("Lena Learner")).to_be_visible()
    _no_axe_violations(axe, page)

    # the meeting ends; BBB's callbacks bring the recording, which the registrant now sees
    services.bbb_client().end(webinar.meeting_id)
    bbb.callbacks_fire()
    page.goto(f"{live_server.url}{webinar.get_absolute_url()}")
    recording_link = page.get_by_role("link", name="Watch (presentation, 60 min)")
    expect(recording_link).to_be_visible()
    _no_axe_violations(axe, page)
    recording_link.click()
    expect(page.get_by_text("played by the BigBlueButton simulator")).to_be_visible()
