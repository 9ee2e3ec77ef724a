"""In Chromium, keyboard only: a member votes, sees the receipt, and after the close finds it on the published list
and reads the outcome with its rule. axe-core on every voting page."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytest.importorskip("playwright")

from playwright.sync_api import expect

from accounts.models import Membership
from tests.factories import AssociationFactory, MembershipFactory
from tests.voting.factories import open_poll, ruleset_create
from voting import services
from voting.models import CastRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.fixture
def assembly(site_pages):
    association = AssociationFactory(name="Baltic Library Association", slug="bla")
    member = MembershipFactory(association=association, user__email="mia@example.org").user
    chair = MembershipFactory(association=association, role=Membership.Role.ADMIN).user
    rules = ruleset_create(association, quorum_base="roll", majority="absolute")
    poll = open_poll(association, ruleset=rules, title="Adopt the annual report")
    return {"poll": poll, "member": member, "chair": chair}


def _assert_accessible(page, axe):
    violations = axe(page)
    assert not violations, str(violations)


def _vote_yes_with_the_keyboard(page):
    """Tab to the first answer, Space to choose it, Tab to the button, Enter to cast: no mouse."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name === 'choice'"):
            break
    else:
        pytest.fail("the ballot cannot be reached with the Tab key")
    assert page.evaluate("document.activeElement.value") == "yes"
    page.keyboard.press("Space")
    expect(page.get_by_label("Yes")).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Cast this vote"
    page.keyboard.press("Enter")
    page.wait_for_url("**/receipt/")


def test_a_member_votes_with_the_keyboard_only_and_gets_a_receipt(live_server, page, axe, assembly):
    poll, member = assembly["poll"], assembly["member"]
    _log_in(page, live_server, member)

    page.goto(live_server.url + reverse("voting:poll_list"))
    expect(page.get_by_role("heading", name="Polls waiting for your vote")).to_be_visible()
    _assert_accessible(page, axe)
    page.goto(live_server.url + poll.get_absolute_url())
    expect(page.get_by_role("heading", name="Who can see how you vote")).to_be_visible()
    _assert_accessible(page, axe)
    _vote_yes_with_the_keyboard(page)

    code = page.locator("code.receipt").first.text_content()
    assert len(code) == 14
    _assert_accessible(page, axe)
    assert CastRecord.objects.filter(poll=poll).count() == 1


def test_after_the_close_the_member_finds_the_receipt_published_and_the_outcome_with_its_rule(
    live_server, page, axe, assembly
):
    poll, member = assembly["poll"], assembly["member"]
    _log_in(page, live_server, member)
    page.goto(live_server.url + poll.get_absolute_url())
    _vote_yes_with_the_keyboard(page)
    code = page.locator("code.receipt").first.text_content()
    services.poll_close(poll_id=poll.pk, actor=assembly["chair"])

    page.goto(live_server.url + reverse("voting:poll_receipts", args=[poll.pk]))
    expect(page.locator("li", has_text=code)).to_contain_text("(yours)")
    _assert_accessible(page, axe)
    page.goto(live_server.url + poll.get_absolute_url())
    expect(page.locator(".outcome")).to_have_text("Carried")
    expect(page.locator(".cited")).to_contain_text("Majority: absolute (more than half of the votes cast)")
    expect(page.get_by_role("table", name="Votes per option")).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(1)
    _assert_accessible(page, axe)
    page.goto(live_server.url + reverse("voting:poll_audit", args=[poll.pk]))
    expect(page.get_by_role("status")).to_contain_text("verifies")
    _assert_accessible(page, axe)


def test_a_member_gives_a_proxy_for_a_meeting_on_an_accessible_page(live_server, page, axe, assembly):
    from datetime import timedelta

    from django.utils import timezone

    from voting.models import Proxy

    association = assembly["poll"].association
    ruleset_create(association, proxy_limit=1)
    meeting = services.meeting_create(
        association=association, title="Annual assembly", starts_at=timezone.now() + timedelta(days=3)
    )
    _log_in(page, live_server, assembly["member"])

    page.goto(live_server.url + reverse("voting:meeting_proxy", args=[meeting.pk]))
    expect(page.get_by_role("heading", name="Your proxy")).to_be_visible()
    _assert_accessible(page, axe)
    page.get_by_label("Member who will cast your vote").select_option(str(assembly["chair"].pk))
    page.get_by_role("button", name="Give my proxy").press("Enter")

    expect(page.get_by_role("button", name="Revoke my proxy")).to_be_visible()
    _assert_accessible(page, axe)
    assert Proxy.objects.get(meeting=meeting).holder == assembly["chair"]


def test_a_former_member_reads_why_they_are_not_on_the_roll(live_server, page, axe, assembly):
    lapsed = MembershipFactory(association=assembly["poll"].association, status=Membership.Status.LAPSED).user
    _log_in(page, live_server, lapsed)

    response = page.goto(live_server.url + assembly["poll"].get_absolute_url())

    assert response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("You are not on the roll of this poll because")
    _assert_accessible(page, axe)
