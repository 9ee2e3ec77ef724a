"""Proxies for a poll and for a whole meeting: the member's pages, every refusal with a clear message and nothing
recorded, and a proxy the frozen roll cannot apply is never dropped silently (audit chain, minutes, e-mail)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Profile
from accounts.refusals import Refusal
from tests.factories import MembershipFactory
from tests.voting.factories import members, poll_create, ruleset_create
from voting import minutes, services
from voting.models import AuditEntry, Proxy, RollEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(association):
    return services.meeting_create(association=association, title="AGM", starts_at=timezone.now() + timedelta(days=1))


@pytest.fixture
def rules_one(association):
    """Rules of the general assembly allowing one proxy per holder."""
    return ruleset_create(association, proxy_limit=1)


def page(meeting):
    return reverse("voting:meeting_proxy", args=[meeting.pk])


def recorded():
    return sorted(Proxy.objects.values_list("pk", "revoked_at")), AuditEntry.objects.count()


def refused_on_the_page(client, target, holder_id, text):
    before = recorded()
    response = client.post(target, {"holder": holder_id}, follow=True)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert recorded() == before


# ------------------------------------------------------------------------------------ the meeting's proxy page


def test_anonymous_people_log_in_and_outsiders_do_not_find_the_meeting_proxy_page(
    client, meeting, rules_one, member, board_member, outsider
):
    proxy = services.proxy_grant(grantor=member, holder=board_member, meeting=meeting)
    revoke = reverse("voting:meeting_proxy_revoke", args=[meeting.pk, proxy.pk])
    for response in (client.get(page(meeting)), client.post(page(meeting), {"holder": member.pk}), client.post(revoke)):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get(page(meeting)).status_code == 404
    assert client.post(page(meeting), {"holder": outsider.pk}).status_code == 404
    assert client.post(revoke).status_code == 404
    assert list(Proxy.objects.values_list("pk", "revoked_at")) == [(proxy.pk, None)]


def test_a_member_gives_a_proxy_for_the_meeting_and_revokes_it(client, meeting, rules_one, member, board_member):
    client.force_login(member)

    form = client.get(page(meeting))
    assert form.status_code == 200
    assert board_member in form.context["holders"] and member not in form.context["holders"]
    given = client.post(page(meeting), {"holder": board_member.pk}, follow=True)
    assert "You can revoke it until the meeting starts" in given.content.decode()
    proxy = Proxy.objects.get(meeting=meeting, grantor=member, holder=board_member, revoked_at__isnull=True)
    assert client.get(page(meeting)).context["my_proxy"] == proxy

    client.post(reverse("voting:meeting_proxy_revoke", args=[meeting.pk, proxy.pk]))

    assert Proxy.objects.get(pk=proxy.pk).revoked_at is not None


def test_another_member_cannot_revoke_my_meeting_proxy(client, association, meeting, rules_one, member):
    holder = members(association, 1)[0]
    proxy = services.proxy_grant(grantor=member, holder=holder, meeting=meeting)
    client.force_login(holder)

    response = client.post(reverse("voting:meeting_proxy_revoke", args=[meeting.pk, proxy.pk]), follow=True)

    assert "Only the member who gave the proxy may revoke it." in response.content.decode()
    assert Proxy.objects.get(pk=proxy.pk).revoked_at is None


def test_meeting_proxy_refusals_say_why_and_record_nothing(
    client, association, meeting, rules_one, member, board_member, outsider
):
    services.proxy_grant(grantor=members(association, 1)[0], holder=board_member, meeting=meeting)
    client.force_login(member)

    refused_on_the_page(client, page(meeting), board_member.pk, "already holds 1 proxies, the most")
    refused_on_the_page(client, page(meeting), outsider.pk, "must be current members")
    refused_on_the_page(client, page(meeting), member.pk, "You cannot hold your own proxy.")
    refused_on_the_page(client, page(meeting), "'; DROP TABLE", "Choose the member who will hold your proxy.")
    services.poll_open(poll_id=poll_create(association, ruleset=rules_one, meeting=meeting).pk)
    holder = members(association, 1)[0]
    refused_on_the_page(client, page(meeting), holder.pk, "Proxies close when the meeting starts.")
    assert client.get(page(meeting)).context["is_open"] is False


def test_poll_proxy_refusals_say_why_and_record_nothing(client, association, rules_one, member, board_member, outsider):
    draft = poll_create(association, ruleset=rules_one)
    target = reverse("voting:poll_proxy_grant", args=[draft.pk])
    services.proxy_grant(grantor=members(association, 1)[0], holder=board_member, poll=draft)
    client.force_login(member)

    refused_on_the_page(client, target, board_member.pk, "already holds 1 proxies, the most")
    refused_on_the_page(client, target, outsider.pk, "must be current members")
    refused_on_the_page(client, target, member.pk, "You cannot hold your own proxy.")
    services.poll_open(poll_id=draft.pk)
    refused_on_the_page(client, target, members(association, 1)[0].pk, "Proxies close when the poll opens.")


# ------------------------------------------------------------------- refused when given, where it can be known


def test_a_poll_proxy_counts_the_proxies_its_holder_holds_for_the_meeting(
    association, meeting, rules_one, member, board_member
):
    draft = poll_create(association, ruleset=rules_one, meeting=meeting)
    services.proxy_grant(grantor=members(association, 1)[0], holder=board_member, meeting=meeting)

    with pytest.raises(Refusal) as error:
        services.proxy_grant(grantor=member, holder=board_member, poll=draft)

    assert error.value.code == "proxy_limit"
    assert Proxy.objects.filter(poll=draft).count() == 0


def test_a_meeting_proxy_counts_the_proxies_its_holder_holds_for_a_poll_of_the_meeting(
    association, meeting, rules_one, member, board_member
):
    draft = poll_create(association, ruleset=rules_one, meeting=meeting)
    services.proxy_grant(grantor=members(association, 1)[0], holder=board_member, poll=draft)

    with pytest.raises(Refusal, match="the most these rules of procedure allow"):
        services.proxy_grant(grantor=member, holder=board_member, meeting=meeting)
    assert not Proxy.objects.filter(meeting=meeting).exists()


def test_a_member_cannot_give_a_poll_proxy_on_top_of_a_meeting_proxy(association, meeting, member, board_member):
    draft = poll_create(association, ruleset=ruleset_create(association, proxy_limit=3), meeting=meeting)
    services.proxy_grant(grantor=member, holder=board_member, meeting=meeting)

    with pytest.raises(Refusal, match="already given a proxy that covers this vote"):
        services.proxy_grant(grantor=member, holder=members(association, 1)[0], poll=draft)


def test_a_meeting_proxy_obeys_the_tightest_rules_of_the_polls_it_covers(association, meeting, member, board_member):
    ruleset_create(association, proxy_limit=2)
    board_rules = ruleset_create(association, body="board", proxy_limit=0)
    poll_create(association, ruleset=board_rules, meeting=meeting)

    with pytest.raises(Refusal, match="allow no proxies"):
        services.proxy_grant(grantor=member, holder=board_member, meeting=meeting)


# ----------------------------------------------------------------- not applied at the opening: never silent


def test_a_proxy_that_cannot_apply_at_the_opening_is_recorded_in_the_chain_and_minutes_and_the_member_told(
    association, meeting, member, board_member, django_capture_on_commit_callbacks
):
    ruleset_create(association, proxy_limit=2)
    second = members(association, 1)[0]
    services.proxy_grant(grantor=member, holder=board_member, meeting=meeting)
    services.proxy_grant(grantor=second, holder=board_member, meeting=meeting)
    # The rules change after the proxies were given: the poll is held under a version allowing one.
    poll = poll_create(association, ruleset=ruleset_create(association, proxy_limit=1), meeting=meeting)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        poll = services.poll_open(poll_id=poll.pk)

    assert RollEntry.objects.get(poll=poll, member=member).holder == board_member
    assert RollEntry.objects.get(poll=poll, member=second).holder is None
    entry = AuditEntry.objects.get(poll=poll, kind="proxy_not_applied")
    assert entry.payload["grantor"] == second.pk and entry.payload["reason"] == "over_limit"
    assert services.poll_audit_verify(poll=poll).ok
    (row,) = minutes.poll_minutes(poll)["polls"][0]["proxies_not_applied"]
    assert row["member"] == str(second) and "the most proxies" in row["reason"]
    told = [m for m in mail.outbox if m.to == [second.email] and "proxy" in m.subject.lower()]
    assert len(told) == 1
    assert str(board_member) in told[0].body and "the most proxies" in told[0].body
    assert "You cast your vote yourself." in told[0].body
    assert not [m for m in mail.outbox if m.to == [member.email] and "proxy" in m.subject.lower()]


def test_a_proxy_to_a_holder_whose_membership_lapsed_is_not_applied_and_the_register_says_why(
    client, association, rules_one, member, board_member, association_admin
):
    draft = poll_create(association, ruleset=rules_one)
    services.proxy_grant(grantor=member, holder=board_member, poll=draft)
    Membership.objects.filter(user=board_member).update(status=Membership.Status.LAPSED)

    services.poll_open(poll_id=draft.pk)

    assert RollEntry.objects.get(poll=draft, member=member).holder is None
    assert AuditEntry.objects.get(poll=draft, kind="proxy_not_applied").payload["reason"] == "holder_not_on_roll"
    client.force_login(association_admin)
    register = client.get(reverse("voting:poll_proxies", args=[draft.pk])).content.decode()
    assert "Proxies not applied when the poll opened" in register
    assert "the proxy holder was not on the roll when the poll opened" in register


def test_the_e_mail_about_a_proxy_not_applied_is_in_the_members_language(
    association, rules_one, member, board_member, django_capture_on_commit_callbacks
):
    Profile.objects.update_or_create(user=member, defaults={"preferred_language": "ru"})
    draft = poll_create(association, ruleset=rules_one)
    services.proxy_grant(grantor=member, holder=board_member, poll=draft)
    Membership.objects.filter(user=board_member).update(status=Membership.Status.LAPSED)

    with django_capture_on_commit_callbacks(execute=True):
        services.poll_open(poll_id=draft.pk)

    (told,) = [m for m in mail.outbox if m.to == [member.email] and m.subject.startswith("Ваша доверенность")]
    assert "не была применена" in told.body


def test_a_lapsed_grantors_proxy_is_recorded_as_not_applied(association, rules_one, member, board_member):
    draft = poll_create(association, ruleset=rules_one)
    services.proxy_grant(grantor=member, holder=board_member, poll=draft)
    Membership.objects.filter(user=member).update(status=Membership.Status.LAPSED)

    services.poll_open(poll_id=draft.pk)

    assert AuditEntry.objects.get(poll=draft, kind="proxy_not_applied").payload["reason"] == "grantor_not_on_roll"
    assert not RollEntry.objects.filter(poll=draft, member=member).exists()


def test_a_new_member_on_the_meeting_page_has_no_form_when_the_rules_allow_no_proxies(client, association, meeting):
    ruleset_create(association, proxy_limit=0)
    user = MembershipFactory(association=association).user
    client.force_login(user)

    response = client.get(page(meeting))

    assert response.context["limit"] == 0
    assert "These rules of procedure allow no proxies." in response.content.decode()
