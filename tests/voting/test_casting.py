"""Opening freezes the roll; each vote on it is cast once; every refusal says why and records nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.refusals import Refusal
from tests.factories import MembershipFactory
from tests.voting.factories import open_poll, poll_create, ruleset_create
from voting import services
from voting.models import AuditEntry, Ballot, CastRecord, PendingVote, Poll, Proxy, Receipt, RollEntry

pytestmark = pytest.mark.django_db


def recorded(poll):
    """Everything a vote writes, to assert that a refusal wrote none of it."""
    box = sorted(Ballot.objects.filter(poll=poll).values_list("choices", "heads", "weight"))
    return (
        CastRecord.objects.filter(poll=poll).count(),
        box,
        Receipt.objects.filter(poll=poll).count(),
        AuditEntry.objects.filter(poll=poll).count(),
        PendingVote.objects.filter(poll=poll).count(),
    )


def refused(poll, code, **cast):
    before = recorded(poll)
    with pytest.raises(Refusal) as error:
        services.vote_cast(poll_id=poll.pk, **cast)
    assert error.value.code == code
    assert recorded(poll) == before
    return error.value


def test_opening_freezes_the_roll_from_current_memberships_with_weights_and_publishes_its_hash(
    association, member, association_admin
):
    MembershipFactory(association=association, status=Membership.Status.LAPSED)
    heavy = MembershipFactory(association=association, vote_weight=Decimal("2.5")).user

    poll = open_poll(association)

    assert set(poll.roll.values_list("member_id", flat=True)) == {member.pk, association_admin.pk, heavy.pk}
    assert poll.roll_heads == 3
    assert poll.roll_weight == 4500
    assert len(poll.roll_hash) == 64
    assert [e.kind for e in poll.audit_entries.all()] == ["roll_frozen", "opened"]
    assert poll.audit_entries.first().payload["roll_hash"] == poll.roll_hash


def test_a_membership_change_after_opening_does_not_alter_the_open_poll(association, member):
    poll = open_poll(association)
    Membership.objects.filter(user=member).update(status=Membership.Status.LAPSED, vote_weight=Decimal("9"))
    newcomer = MembershipFactory(association=association).user

    entry = RollEntry.objects.get(poll=poll, member=member)
    assert entry.weight == 1000
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    refused(poll, "not_on_roll", voter=newcomer, choices=["yes"])


def test_a_member_casts_once_and_gets_a_receipt_that_names_no_choice(association, member):
    poll = open_poll(association)

    cast = services.vote_cast(poll_id=poll.pk, voter=member, choices=["no"])

    assert Receipt.objects.filter(poll=poll, code=cast.receipt).exists()
    assert Ballot.objects.get(poll=poll, choices="no").heads == 1
    record = CastRecord.objects.get(poll=poll)
    assert record.named_choices is None
    entry = poll.audit_entries.get(kind="vote_recorded")
    assert entry.payload == {
        "roll_entry": record.roll_entry_id,
        "member": member.pk,
        "cast_by": member.pk,
        "receipt": cast.receipt,
    }


def test_a_second_vote_is_refused_and_nothing_is_recorded(association, member):
    poll = open_poll(association)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])

    error = refused(poll, "already_cast", voter=member, choices=["no"])

    assert "already been cast" in error.text
    assert error.status == 409


def test_someone_not_on_the_roll_is_refused(association, outsider, member):
    poll = open_poll(association)

    assert "not on the roll" in refused(poll, "not_on_roll", voter=outsider, choices=["yes"]).text


def test_a_lapsed_member_is_told_the_membership_was_not_current(association, member):
    lapsed = MembershipFactory(association=association, status=Membership.Status.LAPSED).user
    poll = open_poll(association)

    assert "not current" in refused(poll, "lapsed", voter=lapsed, choices=["yes"]).text


def test_a_vote_after_close_is_refused(association, member, association_admin):
    poll = open_poll(association)
    services.poll_close(poll_id=poll.pk, actor=association_admin)

    assert "closed" in refused(poll, "closed", voter=member, choices=["yes"]).text


def test_a_vote_after_the_closing_time_is_refused_even_before_beat_closes_the_poll(association, member):
    poll = open_poll(association, closes_at=timezone.now() + timedelta(hours=1))
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))

    refused(poll, "closed", voter=member, choices=["yes"])


def test_a_tampered_option_id_is_refused(association, member):
    poll = open_poll(association)
    other = poll_create(association, kind=Poll.Kind.SINGLE, options=["A", "B", "C"])

    assert "does not have" in refused(poll, "tampered", voter=member, choices=["o1"]).text
    refused(poll, "tampered", voter=member, choices=["yes", "yes"])
    assert other.options.count() == 3


def test_a_multiple_choice_ballot_must_respect_its_minimum_and_maximum_but_may_be_blank(
    association, member, board_member
):
    poll = open_poll(association, kind=Poll.Kind.MULTIPLE, options=list("ABCD"), min_choices=2, max_choices=3)

    refused(poll, "choices", voter=member, choices=["o1"])
    refused(poll, "choices", voter=member, choices=["o1", "o2", "o3", "o4"])
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["o3", "o1"])
    services.vote_cast(poll_id=poll.pk, voter=board_member, choices=[])

    assert sorted(Ballot.objects.filter(poll=poll).values_list("choices", "heads")) == [("", 1), ("o1,o3", 1)]


def test_a_proxy_holder_casts_each_represented_vote_separately_and_the_grantor_cannot(
    association, member, board_member
):
    poll = poll_create(association)
    services.proxy_grant(grantor=member, holder=board_member, poll=poll)
    poll = services.poll_open(poll_id=poll.pk)

    refused(poll, "proxy", voter=member, choices=["yes"])
    services.vote_cast(poll_id=poll.pk, voter=board_member, member=member, choices=["yes"])
    services.vote_cast(poll_id=poll.pk, voter=board_member, choices=["no"])

    assert CastRecord.objects.filter(poll=poll, cast_by=board_member).count() == 2
    refused(poll, "already_cast", voter=board_member, member=member, choices=["no"])


def test_a_proxy_beyond_the_limit_is_refused_and_nothing_is_registered(association, member, board_member):
    ruleset = ruleset_create(association, proxy_limit=1)
    poll = poll_create(association, ruleset=ruleset)
    third = MembershipFactory(association=association).user
    services.proxy_grant(grantor=member, holder=board_member, poll=poll)

    with pytest.raises(Refusal) as error:
        services.proxy_grant(grantor=third, holder=board_member, poll=poll)

    assert error.value.code == "proxy_limit"
    assert "the most these rules" in error.value.text
    assert Proxy.objects.filter(poll=poll).count() == 1


def test_a_proxy_is_revocable_until_the_poll_opens_and_not_after(association, member, board_member):
    poll = poll_create(association)
    proxy = services.proxy_grant(grantor=member, holder=board_member, poll=poll)
    services.proxy_revoke(proxy=proxy, actor=member)
    again = services.proxy_grant(grantor=member, holder=board_member, poll=poll)
    services.poll_open(poll_id=poll.pk)

    with pytest.raises(Refusal, match="when the poll opens"):
        services.proxy_revoke(proxy=again, actor=member)
    assert RollEntry.objects.get(poll=poll, member=member).holder == board_member


def test_closing_counts_the_box_under_the_rules_version_and_the_recount_matches(association, member, board_member):
    ruleset = ruleset_create(association, majority="two_thirds", quorum_base="roll")
    poll = open_poll(association, ruleset=ruleset)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    services.vote_cast(poll_id=poll.pk, voter=board_member, choices=["abstain"])

    poll = services.poll_close(poll_id=poll.pk)

    assert poll.result["outcome"]["result"] == "carried"
    assert poll.result["tally"]["heads"] == {"yes": 1, "no": 0, "abstain": 1}
    assert services.poll_recount(poll=poll).matches
    assert services.poll_audit_verify(poll=poll).ok
    call_command("recount")
    call_command("audit_verify")


def test_the_recount_command_finds_a_ballot_box_changed_after_close(association, member):
    poll = open_poll(association)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    poll = services.poll_close(poll_id=poll.pk)
    Ballot.objects.filter(poll=poll, choices="no").update(heads=5, weight=5000)

    with pytest.raises(Exception, match="do not match"):
        call_command("recount")


def test_audit_verify_finds_an_entry_changed_behind_the_models_back(association, member):
    poll = open_poll(association)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    if connection.vendor == "postgresql":
        # The database itself refuses to change an entry; an intruder with the owner's rights switches that off.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(poll=poll, kind="opened").update(payload={"by": 999})
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off, as a superuser may
    AuditEntry.objects.filter(poll=poll, kind="opened").update(payload={"by": 999})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")

    verdict = services.poll_audit_verify(poll=poll)

    assert not verdict.ok
    assert verdict.broken_at == 2


def test_audit_verify_of_an_open_poll_sealed_since_it_was_loaded_is_no_break(association, member, board_member):
    """The audit page loads the poll, then verifies: votes sealed in between move the head on (they did, during a
    busy vote, many times a second). The chain is verified up to the head read fresh, and the page shows that one."""
    poll = open_poll(association)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    loaded = Poll.objects.get(pk=poll.pk)
    services.vote_cast(poll_id=poll.pk, voter=board_member, choices=["no"])  # sealed after the page loaded the poll

    verdict = services.poll_audit_verify(poll=loaded)

    assert verdict.ok, verdict.reason
    assert loaded.audit_head == verdict.head == Poll.objects.get(pk=poll.pk).audit_head
    assert verdict.entries == AuditEntry.objects.filter(poll=poll).count()


def test_audit_verify_finds_an_entry_written_after_the_chains_head(association, member):
    poll = open_poll(association)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    poll.refresh_from_db()
    last = AuditEntry.objects.get(poll=poll, sequence=poll.audit_sequence)
    AuditEntry.objects.create(  # appended behind the services' back: the poll's head never moved to it
        poll=poll,
        sequence=last.sequence + 1,
        kind="vote_recorded",
        payload={"forged": True},
        at=last.at,
        previous=last.digest,
        digest="f" * 64,
    )

    verdict = services.poll_audit_verify(poll=poll)

    assert not verdict.ok
    assert verdict.broken_at == last.sequence + 1
    assert verdict.reason == "entries after the chain's head"


def test_a_quorum_of_those_present_counts_the_members_the_chair_marked_present(
    association, member, board_member, association_admin
):
    meeting = services.meeting_create(association=association, title="AGM", starts_at=timezone.now())
    ruleset = ruleset_create(association, quorum_base="present", quorum_num=1, quorum_den=2)
    poll = open_poll(association, ruleset=ruleset, meeting=meeting)
    for person in (member, board_member, association_admin):
        services.presence_mark(meeting=meeting, member=person, present=True, actor=association_admin)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])

    poll = services.poll_close(poll_id=poll.pk, actor=association_admin)

    assert (poll.present_heads, poll.result["outcome"]["result"]) == (3, "inquorate")


def test_only_an_officer_opens_or_closes_a_poll(association, member):
    poll = poll_create(association)

    with pytest.raises(Refusal, match="officer"):
        services.poll_open(poll_id=poll.pk, actor=member)
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.DRAFT


def test_beat_opens_and_closes_polls_on_schedule_and_members_are_told_by_email(
    association, member, django_capture_on_commit_callbacks
):
    from voting.tasks import polls_tick

    now = timezone.now()
    poll = poll_create(association, opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert polls_tick() == {"opened": 1, "closed": 0, "reminded": 0, "sealed": 0}
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.OPEN
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert poll.get_absolute_url() in mail.outbox[0].body
    Poll.objects.filter(pk=poll.pk).update(opened_at=now - timedelta(days=2))
    assert polls_tick() == {"opened": 0, "closed": 0, "reminded": 1, "sealed": 0}
    assert len(mail.outbox) == 2 and "Reminder" in mail.outbox[1].subject
    assert polls_tick()["reminded"] == 0
    Poll.objects.filter(pk=poll.pk).update(closes_at=now - timedelta(seconds=1))
    assert polls_tick()["closed"] == 1
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.CLOSED


def test_a_reminder_goes_only_to_those_who_have_not_voted(association, member, board_member):
    from voting.tasks import poll_reminder_send

    poll = open_poll(association, closes_at=timezone.now() + timedelta(hours=1))
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    mail.outbox.clear()

    poll_reminder_send(poll.pk)

    assert [m.to for m in mail.outbox] == [[board_member.email]]


def test_a_proxy_for_a_meeting_covers_each_of_its_polls_and_closes_when_the_meeting_starts(
    association, member, board_member
):
    meeting = services.meeting_create(
        association=association, title="AGM", starts_at=timezone.now() + timedelta(hours=1)
    )
    first, second = (poll_create(association, meeting=meeting, title=title) for title in ("One", "Two"))
    services.proxy_grant(grantor=member, holder=board_member, meeting=meeting)
    for poll in (first, second):
        services.poll_open(poll_id=poll.pk)

    assert {e.holder for e in RollEntry.objects.filter(member=member)} == {board_member}
    with pytest.raises(Refusal, match="when the meeting starts"):
        services.proxy_grant(
            grantor=MembershipFactory(association=association).user, holder=board_member, meeting=meeting
        )


def test_a_vote_in_a_draft_or_missing_poll_or_for_someone_elses_vote_is_refused(association, member, board_member):
    """The checks made before the poll's lock refuse as the locked ones did, and record nothing."""
    draft = poll_create(association)
    refused(draft, "not_open", voter=member, choices=["yes"])
    poll = open_poll(association)
    assert refused(poll, "not_holder", voter=board_member, member=member, choices=["yes"]).status == 403
    with pytest.raises(Refusal) as error:
        services.vote_cast(poll_id=poll.pk + 1000, voter=member, choices=["yes"])
    assert error.value.status == 404


def test_a_receipt_code_drawn_twice_is_drawn_again(association, member, board_member, monkeypatch):
    poll = open_poll(association)
    codes = iter(["AAAA-AAAA-AAAA", "AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB"])
    monkeypatch.setattr(services, "_receipt_code", lambda: next(codes))

    first = services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    second = services.vote_cast(poll_id=poll.pk, voter=board_member, choices=["no"])

    assert (first.receipt, second.receipt) == ("AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB")
    assert recorded(poll)[0] == recorded(poll)[2] == 2
    assert services.poll_audit_verify(poll=Poll.objects.get(pk=poll.pk)).ok


def test_a_vote_sends_a_pinned_number_of_queries_and_one_statement_of_its_own_on_postgresql(
    association, member, django_assert_num_queries
):
    """On PostgreSQL: the roll entry with its poll, whether it was cast and the options (one statement), then the vote
    itself in one statement (KEY SHARE on the poll's row, cast record, receipt, pending vote), committed alone; then
    the seal: its lock, the pending votes taken, the box lines, the chain links, the chain head, and one look for
    votes left pending after its commit. SQLite writes the same rows through the ORM. The test's own transaction
    makes the vote's statement and the seal's transaction savepoints here (two queries each)."""
    poll = open_poll(association)
    postgres = connection.vendor == "postgresql"

    with django_assert_num_queries(12 if postgres else 20) as captured:
        services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])

    if postgres:
        sql = [query["sql"] for query in captured.captured_queries]
        voted = next(index for index, statement in enumerate(sql) if "FOR KEY SHARE" in statement)
        assert voted == 2  # the context, the savepoint, then the vote
        sealed = next(index for index, statement in enumerate(sql) if "FOR NO KEY UPDATE SKIP LOCKED" in statement)
        statements = [s.split(" times: ")[-1].split()[0] for s in sql[sealed + 1 :]]  # executemany: "1 times: ..."
        assert statements == ["DELETE", "INSERT", "INSERT", "UPDATE", "RELEASE", "SELECT"]
    assert recorded(poll)[0] == 1
    assert not PendingVote.objects.filter(poll=poll).exists()


def test_a_vote_is_pending_until_sealed_and_the_next_seal_takes_every_pending_vote_in_order(
    association, member, board_member, monkeypatch
):
    """A vote commits its cast record, receipt and pending vote; the box and the chain change only when it is sealed,
    and one seal folds every pending vote in (one line per set of choices, one link per vote, in id order)."""
    third = MembershipFactory(association=association).user
    poll = open_poll(association)
    before = recorded(poll)
    seal = services._seal_after_commit
    monkeypatch.setattr(services, "_seal_after_commit", lambda poll_id: None)
    first = services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    services.vote_cast(poll_id=poll.pk, voter=board_member, choices=["yes"])

    cast, box, receipts, chain, pending = recorded(poll)
    assert (cast, receipts, pending) == (2, 2, 2)
    assert (box, chain) == (before[1], before[3])  # nothing shared touched yet

    monkeypatch.setattr(services, "_seal_after_commit", seal)
    services.vote_cast(poll_id=poll.pk, voter=third, choices=["no"])

    assert recorded(poll)[4] == 0
    assert sorted(Ballot.objects.filter(poll=poll).values_list("choices", "heads")) == [
        ("abstain", 0),
        ("no", 1),
        ("yes", 2),
    ]
    votes = AuditEntry.objects.filter(poll=poll, kind="vote_recorded").order_by("sequence")
    assert [e.payload["cast_by"] for e in votes] == [member.pk, board_member.pk, third.pk]
    assert votes[0].payload["receipt"] == first.receipt
    assert services.poll_audit_verify(poll=Poll.objects.get(pk=poll.pk)).ok


def test_a_vote_whose_seal_fails_is_kept_and_the_tick_or_the_close_seals_it(
    association, member, board_member, monkeypatch
):
    """The vote is committed before its seal: a seal that fails leaves it pending (and says so in the log), the
    voter keeps the receipt, and the minute's tick (``votes_seal``) or the close seals it before anything counts."""
    third_voter = MembershipFactory(association=association).user
    poll = open_poll(association)

    def failing(poll_id):
        raise DatabaseError("simulated")

    monkeypatch.setattr(services, "_seal_once", failing)
    cast = services.vote_cast(poll_id=poll.pk, voter=member, choices=["no"])
    assert recorded(poll)[4] == 1
    monkeypatch.undo()
    assert services.votes_seal(poll_id=poll.pk) is True  # what the minute's tick does; the close would too
    assert recorded(poll)[4] == 0
    assert services.votes_seal(poll_id=poll.pk) is False
    services.vote_cast(poll_id=poll.pk, voter=board_member, choices=["no"])
    monkeypatch.setattr(services, "_seal_once", failing)
    third = services.vote_cast(poll_id=poll.pk, voter=third_voter, choices=["yes"])
    monkeypatch.undo()

    closed = services.poll_close(poll_id=poll.pk)

    assert recorded(poll)[4] == 0
    assert closed.result["tally"]["heads"] == {"yes": 1, "no": 2, "abstain": 0}
    assert {cast.receipt, third.receipt} <= set(closed.receipts.values_list("code", flat=True))
    assert services.poll_recount(poll=closed).matches
    verdict = services.poll_audit_verify(poll=closed)
    assert verdict.ok and [e.kind for e in AuditEntry.objects.filter(poll=poll)][-3:] == [
        "vote_recorded",
        "closed",
        "published",
    ]
    refused(closed, "closed", voter=MembershipFactory(association=association).user, choices=["yes"])
