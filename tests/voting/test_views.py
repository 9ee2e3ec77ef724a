"""Every voting page: anonymous people go to the login page, the wrong role gets 403/404 and changes nothing,
the right role sees or does what the page is for."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.voting.factories import members, open_poll, poll_create, ruleset_create
from voting import services
from voting.models import CastRecord, Poll, Presence, Proxy

pytestmark = pytest.mark.django_db

# The poll list's own queries are 3 (chaired associations, waiting polls, the association's polls); the other 15
# are the site's chrome (session, user, Wagtail site and settings, menus, footer, locale, permissions), one of which
# depends on Wagtail's settings cache being warm; two are the header's sections (the catalogue in the reader's
# language, the polls waiting for this member's vote).
PAGE_QUERIES = 20


def url(name, poll, *args):
    return reverse(f"voting:{name}", args=[poll.pk, *args])


def assert_login_redirect(response):
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.fixture
def poll(association, member, board_member, association_admin):
    return open_poll(association, title="Adopt the budget")


@pytest.fixture
def closed_poll(poll, member):
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    return services.poll_close(poll_id=poll.pk)


# ------------------------------------------------------------------------------------------- reading pages


def test_the_poll_list_shows_the_polls_waiting_for_my_vote(client, poll, member, django_assert_max_num_queries):
    client.force_login(member)

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("voting:poll_list"))

    assert response.status_code == 200
    waiting = response.context["waiting"]
    assert list(waiting) == [poll]
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["no"])
    assert list(client.get(reverse("voting:poll_list")).context["waiting"]) == []


def test_the_poll_list_keeps_its_query_count_with_many_polls(
    client, association, member, django_assert_max_num_queries
):
    ruleset = ruleset_create(association)
    for index in range(15):
        open_poll(association, ruleset=ruleset, title=f"Motion {index}")
    client.force_login(member)

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("voting:poll_list"))

    assert len(response.context["waiting"]) == 15


def test_anonymous_people_are_sent_to_log_in_from_every_page(client, poll):
    for name in ("poll_detail", "poll_receipt", "poll_receipts", "poll_audit", "poll_presence", "poll_proxies"):
        assert_login_redirect(client.get(url(name, poll)))
    assert_login_redirect(client.get(reverse("voting:poll_list")))
    for name in ("poll_vote", "poll_open", "poll_close", "poll_proxy_grant"):
        assert_login_redirect(client.post(url(name, poll), {"choice": "yes"}))
    assert CastRecord.objects.count() == 0
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.OPEN


def test_people_outside_the_association_do_not_find_its_polls(client, poll, outsider, other_admin):
    for person in (outsider, other_admin):
        client.force_login(person)
        for name in ("poll_detail", "poll_receipt", "poll_receipts", "poll_audit", "poll_proxies"):
            assert client.get(url(name, poll)).status_code == 404
        assert client.post(url("poll_vote", poll), {"choice": "yes"}).status_code == 404
        assert client.post(url("poll_close", poll)).status_code == 404
        assert poll not in client.get(reverse("voting:poll_list")).context["polls"]
    assert CastRecord.objects.count() == 0
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.OPEN


def test_a_member_sees_the_poll_its_rules_its_roll_hash_and_who_can_see_the_vote(client, poll, member):
    client.force_login(member)

    response = client.get(url("poll_detail", poll))

    page = response.content.decode()
    assert response.status_code == 200
    assert poll.roll_hash in page
    assert "nobody can see how you voted" in page
    assert "Majority: simple" in page
    assert 'name="choice" value="yes"' in page
    assert "<legend>" in page


def test_a_named_poll_says_the_vote_is_shown_with_the_name(client, association, member):
    named = open_poll(association, secrecy=Poll.Secrecy.NAMED)
    client.force_login(member)

    assert "This is a named vote" in client.get(url("poll_detail", named)).content.decode()


# ------------------------------------------------------------------------------------------------ voting


def test_a_member_votes_and_gets_a_receipt_to_find_on_the_published_list(client, poll, member, association_admin):
    client.force_login(member)

    response = client.post(url("poll_vote", poll), {"choice": "yes"})

    assert response.status_code == 302
    assert response["Location"] == url("poll_receipt", poll)
    receipt = client.get(url("poll_receipt", poll))
    code = receipt.context["receipts"][0]
    assert code in receipt.content.decode()
    assert client.get(url("poll_receipts", poll)).context["published"] is None
    services.poll_close(poll_id=poll.pk, actor=association_admin)
    published = client.get(url("poll_receipts", poll)).content.decode()
    assert code in published
    assert "(yours)" in published
    detail = client.get(url("poll_detail", poll)).content.decode()
    assert "Carried" in detail
    assert "Decided under these rules" in detail
    assert "<svg" in detail and "<table" in detail


def test_a_tampered_option_is_refused_with_a_message_and_nothing_is_recorded(client, poll, member):
    client.force_login(member)

    response = client.post(url("poll_vote", poll), {"choice": "o99"}, follow=True)

    assert "names an option the poll does not have" in response.content.decode()
    assert CastRecord.objects.count() == 0


def test_a_second_vote_through_the_page_is_refused(client, poll, member):
    client.force_login(member)
    client.post(url("poll_vote", poll), {"choice": "yes"})

    response = client.post(url("poll_vote", poll), {"choice": "no"}, follow=True)

    assert "already been cast" in response.content.decode()
    assert CastRecord.objects.count() == 1


def test_a_proxy_holder_votes_for_the_member_from_the_poll_page(client, association, member, board_member):
    draft = poll_create(association)
    services.proxy_grant(grantor=member, holder=board_member, poll=draft)
    services.poll_open(poll_id=draft.pk)
    client.force_login(board_member)

    page = client.get(url("poll_detail", draft)).content.decode()
    client.post(url("poll_vote", draft), {"choice": "no", "member": member.pk})

    assert "you hold the proxy" in page
    assert CastRecord.objects.get(roll_entry__member=member).cast_by == board_member


def test_results_and_the_audit_page_are_shown_to_members(client, closed_poll, member):
    client.force_login(member)

    response = client.get(url("poll_audit", closed_poll))

    assert response.status_code == 200
    assert "verifies" in response.content.decode()
    assert closed_poll.audit_head in response.content.decode()


# -------------------------------------------------------------------------------------------- chair actions


def test_a_member_who_is_not_an_officer_cannot_open_close_or_see_the_chairs_pages(client, association, member):
    draft = poll_create(association)
    client.force_login(member)

    assert client.post(url("poll_open", draft)).status_code == 403
    assert client.get(url("poll_proxies", draft)).status_code == 403
    assert Poll.objects.get(pk=draft.pk).state == Poll.State.DRAFT


def test_the_chair_opens_and_closes_a_poll(client, association, association_admin, member):
    draft = poll_create(association)
    client.force_login(association_admin)

    client.post(url("poll_open", draft))
    assert Poll.objects.get(pk=draft.pk).state == Poll.State.OPEN
    client.post(url("poll_close", draft))
    assert Poll.objects.get(pk=draft.pk).state == Poll.State.CLOSED
    response = client.post(url("poll_close", draft), follow=True)
    assert "Only an open poll can be closed" in response.content.decode()


def test_the_chair_marks_presence_and_a_member_may_not(client, association, association_admin, member):
    meeting = services.meeting_create(association=association, title="AGM", starts_at=timezone.now())
    held = open_poll(association, meeting=meeting)
    client.force_login(member)
    assert client.post(url("poll_presence", held), {"member": member.pk, "present": "1"}).status_code == 403
    assert not Presence.objects.exists()
    client.force_login(association_admin)

    assert client.get(url("poll_presence", held)).status_code == 200
    client.post(url("poll_presence", held), {"member": member.pk, "present": "1"})

    assert list(Presence.objects.values_list("member_id", flat=True)) == [member.pk]


def test_a_member_gives_and_revokes_a_proxy_and_the_chair_sees_the_register(
    client, association, member, board_member, association_admin
):
    draft = poll_create(association)
    client.force_login(member)

    client.post(url("poll_proxy_grant", draft), {"holder": board_member.pk})
    proxy = Proxy.objects.get()
    client.force_login(members(association, 1)[0])
    response = client.post(url("proxy_revoke", draft, proxy.pk), follow=True)
    assert "Only the member who gave the proxy" in response.content.decode()
    assert Proxy.objects.get().revoked_at is None
    client.force_login(association_admin)
    register = client.get(url("poll_proxies", draft)).content.decode()
    assert str(member) in register and str(board_member) in register
    client.force_login(member)
    client.post(url("proxy_revoke", draft, proxy.pk))

    assert Proxy.objects.get().revoked_at is not None


def test_a_proxy_beyond_the_limit_is_refused_on_the_page(client, association, member, board_member):
    draft = poll_create(association, ruleset=ruleset_create(association, proxy_limit=1))
    services.proxy_grant(grantor=members(association, 1)[0], holder=board_member, poll=draft)
    client.force_login(member)

    response = client.post(url("poll_proxy_grant", draft), {"holder": board_member.pk}, follow=True)

    assert "the most these rules of procedure allow" in response.content.decode()
    assert Proxy.objects.count() == 1


def test_a_tampered_member_or_holder_id_is_refused_not_a_server_error(client, association, poll, member):
    client.force_login(member)

    response = client.post(url("poll_vote", poll), {"choice": "yes", "member": "x"}, follow=True)

    assert "not on the roll" in response.content.decode()
    draft = poll_create(association)
    response = client.post(url("poll_proxy_grant", draft), {"holder": "1 OR 1=1"}, follow=True)
    assert "Choose the member" in response.content.decode()
    assert CastRecord.objects.count() == 0
    assert not Proxy.objects.exists()


def test_a_member_whose_membership_lapses_after_the_opening_still_sees_the_poll_and_votes(client, poll, member):
    from accounts.models import Membership

    Membership.objects.filter(user=member).update(status=Membership.Status.LAPSED)
    client.force_login(member)

    assert client.get(url("poll_detail", poll)).status_code == 200
    client.post(url("poll_vote", poll), {"choice": "yes"})

    assert CastRecord.objects.filter(roll_entry__member=member).count() == 1


def test_a_tied_election_names_the_tied_candidates_and_cites_the_tie_rule(client, association, member, board_member):
    election = open_poll(association, kind=Poll.Kind.ELECTION, options=["Ann", "Boris"], seats=1)
    services.vote_cast(poll_id=election.pk, voter=member, choices=["o1"])
    services.vote_cast(poll_id=election.pk, voter=board_member, choices=["o2"])
    services.poll_close(poll_id=election.pk)
    client.force_login(member)

    page = client.get(url("poll_detail", election)).content.decode()

    assert "Tied — Ann — Boris" in page
    assert "Tie: a motion is not carried; equal votes for the last seat leave it undecided." in page


def test_a_member_whose_membership_lapsed_before_the_opening_is_told_why_they_are_not_on_the_roll(
    client, association, member
):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    lapsed = MembershipFactory(association=association, status=Membership.Status.LAPSED).user
    poll = open_poll(association)
    client.force_login(lapsed)

    for target in (url("poll_detail", poll), url("poll_receipts", poll)):
        response = client.get(target)
        assert response.status_code == 403
        page = response.content.decode()
        assert "You are not on the roll of this poll because your membership of" in page
        assert "has lapsed" in page
    response = client.post(url("poll_vote", poll), {"choice": "yes"})
    assert response.status_code == 403
    assert CastRecord.objects.count() == 0


def test_a_membership_that_ended_or_is_pending_is_named_as_the_reason(client, association):
    import datetime

    from accounts.models import Membership
    from tests.factories import MembershipFactory

    ended = MembershipFactory(association=association, valid_until=datetime.date(2020, 1, 31)).user
    pending = MembershipFactory(association=association, status=Membership.Status.PENDING).user
    poll = open_poll(association)
    draft = poll_create(association, title="Next year's budget")

    client.force_login(ended)
    assert "ended on" in client.get(url("poll_detail", poll)).content.decode()
    client.force_login(pending)
    response = client.get(url("poll_detail", draft))
    assert response.status_code == 403
    assert "You will not be on the roll of this poll because" in response.content.decode()
    assert "is not active yet" in response.content.decode()


def test_someone_who_never_was_a_member_still_gets_not_found(client, poll, outsider):
    client.force_login(outsider)

    assert client.get(url("poll_detail", poll)).status_code == 404
