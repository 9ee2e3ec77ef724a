"""Races on PostgreSQL: hundreds of casts at once from separate connections, repeats, and a close in the middle;
a vote queued for the poll's lock when the close takes it; votes that neither wait for each other nor for a seal,
and a close that waits for the votes in flight."""

import queue
import random
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, transaction

from accounts.refusals import Refusal
from tests.races import race
from tests.voting.factories import members, open_poll
from voting import services
from voting.models import Ballot, CastRecord, PendingVote, Poll, Receipt

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOTERS = 160
REPEATS = 80  # the same voters again: each must be refused, whether before or after the close
# Threads, each with its own connection: the server allows 100 connections for every session on this machine, so
# the 240 casts are fired by 19 workers taking them from one queue (about 13 casts each); with the closer's thread
# that is 20 connections at most, besides the test's own.
WORKERS = 19


def _fire(tasks, worker_count, on_accept):
    """Run the casts from ``worker_count`` threads that start together; return (accepted, refused codes)."""
    jobs = queue.Queue()
    for task in tasks:
        jobs.put(task)
    accepted, refusals, errors = [], Counter(), []
    lock = threading.Lock()
    start = threading.Barrier(worker_count)

    def worker():
        try:
            start.wait(timeout=30)
            while True:
                try:
                    poll_id, voter, choice = jobs.get_nowait()
                except queue.Empty:
                    return
                try:
                    cast = services.vote_cast(poll_id=poll_id, voter=voter, choices=[choice])
                    with lock:
                        accepted.append((voter.pk, choice, cast.receipt))
                        count = len(accepted)
                    on_accept(count)
                except Refusal as refusal:
                    with lock:
                        refusals[refusal.code] += 1
        except Exception as error:  # reported below: a crash in a thread fails the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(worker_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return accepted, refusals


def test_concurrent_casts_with_repeats_and_a_racing_close_count_each_accepted_ballot_once(association):
    voters = members(association, VOTERS // 2) + members(association, VOTERS // 2, weight=Decimal("2.5"))
    poll = open_poll(association)
    rng = random.Random(7)
    tasks = [(poll.pk, voter, rng.choice(["yes", "no", "abstain"])) for voter in voters]
    tasks += [(poll.pk, rng.choice(voters), rng.choice(["yes", "no"])) for _ in range(REPEATS)]
    rng.shuffle(tasks)
    closed, closer_done = threading.Event(), threading.Event()

    def close():
        try:
            services.poll_close(poll_id=poll.pk)
        finally:
            connection.close()
            closer_done.set()

    def close_when_half_are_in(count):
        if count == VOTERS // 2 and not closed.is_set():
            closed.set()
            threading.Thread(target=close).start()

    accepted, refusals = _fire(tasks, WORKERS, close_when_half_are_in)
    closer_done.wait(timeout=60)

    poll = Poll.objects.get(pk=poll.pk)
    assert poll.state == Poll.State.CLOSED
    assert len(tasks) >= 240
    # every accepted ballot is counted once, and nothing else is
    ids = [voter_id for voter_id, _choice, _receipt in accepted]
    assert len(ids) == len(set(ids)), "a voter was accepted twice"
    assert CastRecord.objects.filter(poll=poll).count() == len(accepted)
    assert sorted(Receipt.objects.filter(poll=poll).values_list("code", flat=True)) == sorted(r for *_x, r in accepted)
    expected = Counter(choice for _voter, choice, _receipt in accepted)
    assert poll.result["tally"]["heads"] == {key: expected.get(key, 0) for key in ("yes", "no", "abstain")}
    assert sum(Ballot.objects.filter(poll=poll).values_list("heads", flat=True)) == len(accepted)
    # every repeat and every late cast is refused, with nothing else refused
    assert set(refusals) <= {"already_cast", "closed"}
    assert refusals["closed"] > 0, "the close did not race any cast"
    assert len(accepted) + sum(refusals.values()) == len(tasks)
    assert VOTERS // 2 <= len(accepted) < VOTERS
    # the published result still recounts from the box, and the audit chain holds through the race
    assert services.poll_recount(poll=poll).matches
    verdict = services.poll_audit_verify(poll=poll)
    assert verdict.ok
    assert verdict.entries == 2 + len(accepted) + 2
    assert not PendingVote.objects.filter(poll=poll).exists()


def test_a_voter_who_casts_twice_at_the_same_instant_is_counted_once(association):
    voter = members(association, 1)[0]
    poll = open_poll(association)

    def cast(index):
        try:
            return services.vote_cast(poll_id=poll.pk, voter=voter, choices=["yes" if index % 2 else "no"])
        except Refusal as refusal:
            return refusal.code

    results, errors = race(10, cast)

    assert errors == []
    assert len([r for r in results if r != "already_cast"]) == 1
    assert results.count("already_cast") == 9
    assert CastRecord.objects.filter(poll=poll).count() == 1
    assert sum(Ballot.objects.filter(poll=poll).values_list("heads", flat=True)) == 1


def _waiting_for_the_poll_with_its_rows_written(timeout=30.0) -> bool:
    """Whether another connection waits for a lock in the statement that writes a cast record and a receipt (it
    holds both tables' locks from the statement's start; ``pg_locks`` is live, unlike ``pg_stat_activity``, which a
    transaction reads once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(DISTINCT written.relation) FROM pg_locks waiting
                JOIN pg_locks written ON written.pid = waiting.pid AND written.granted
                WHERE NOT waiting.granted AND written.mode = 'RowExclusiveLock'
                AND written.relation IN ('voting_castrecord'::regclass, 'voting_receipt'::regclass)
                """
            )
            if cursor.fetchone()[0] == 2:
                return True
        time.sleep(0.05)
    return False


def test_a_vote_queued_for_the_lock_when_the_poll_closes_is_refused_and_leaves_nothing(association):
    """A vote's statement queues for the poll's vote gate while a close holds it; the close commits, and the vote,
    which then reads the poll closed, writes nothing and is refused: the close counted what it published."""
    voter = members(association, 1)[0]
    poll = open_poll(association)
    outcome = []

    def cast():
        try:
            services.vote_cast(poll_id=poll.pk, voter=voter, choices=["yes"])
            outcome.append("accepted")
        except Refusal as refusal:
            outcome.append(refusal.code)
        finally:
            connection.close()

    caster = threading.Thread(target=cast)
    with transaction.atomic():
        with connection.cursor() as cursor:  # the close's locks, taken before the vote asks for them
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [services.VOTE_GATE, poll.pk])
        Poll.objects.select_for_update().get(pk=poll.pk)
        caster.start()
        assert _waiting_for_the_poll_with_its_rows_written(), "the vote never queued for the poll's lock"
        services.poll_close(poll_id=poll.pk)
    caster.join(timeout=60)

    assert outcome == ["closed"]
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.result["tally"]["cast_heads"] == 0
    assert CastRecord.objects.filter(poll=poll).count() == Receipt.objects.filter(poll=poll).count() == 0
    assert sum(Ballot.objects.filter(poll=poll).values_list("heads", flat=True)) == 0
    assert services.poll_recount(poll=poll).matches
    assert services.poll_audit_verify(poll=poll).ok


def _in_other_connection(work, hold: threading.Event, held: threading.Event):
    """Run ``work()`` in a transaction of another connection and keep it open until ``hold`` is set."""

    def run():
        try:
            with transaction.atomic():
                work()
                held.set()
                hold.wait(timeout=60)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert held.wait(timeout=30)
    return thread


def test_votes_wait_neither_for_a_vote_in_flight_nor_for_a_seal_and_what_they_leave_pending_is_sealed(association):
    """A vote in flight holds the poll's row in KEY SHARE mode and a seal in NO KEY UPDATE mode: another vote waits
    for neither (it commits, pending, and skips the seal the other holds); the next seal takes it."""
    first, second = members(association, 2)
    poll = open_poll(association)
    release, held = threading.Event(), threading.Event()

    def lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM voting_poll WHERE id = %s FOR KEY SHARE", [poll.pk])
            cursor.execute("SELECT 1 FROM voting_poll WHERE id = %s FOR NO KEY UPDATE", [poll.pk])

    sealer = _in_other_connection(lock, release, held)
    try:
        began = time.monotonic()
        services.vote_cast(poll_id=poll.pk, voter=first, choices=["yes"])
        assert time.monotonic() - began < 5, "the vote waited for the lock"
        assert PendingVote.objects.filter(poll=poll).count() == 1
    finally:
        release.set()
        sealer.join(timeout=30)
    services.vote_cast(poll_id=poll.pk, voter=second, choices=["no"])

    assert not PendingVote.objects.filter(poll=poll).exists()
    assert sum(Ballot.objects.filter(poll=poll).values_list("heads", flat=True)) == 2
    assert services.poll_audit_verify(poll=Poll.objects.get(pk=poll.pk)).ok


def test_a_close_waits_for_the_vote_in_flight_and_counts_it(association):
    """A vote whose transaction has not committed (here kept open by its caller, its seal done in it) holds the
    close back; the close then reads the poll as the vote left it and counts the vote."""
    voter = members(association, 1)[0]
    poll = open_poll(association)
    release, held, closed = threading.Event(), threading.Event(), []
    in_flight = _in_other_connection(
        lambda: services.vote_cast(poll_id=poll.pk, voter=voter, choices=["yes"]), release, held
    )

    def close():
        try:
            closed.append(services.poll_close(poll_id=poll.pk))
        finally:
            connection.close()

    closer = threading.Thread(target=close)
    closer.start()
    closer.join(timeout=1)
    assert closer.is_alive(), "the close did not wait for the vote in flight"
    release.set()
    in_flight.join(timeout=30)
    closer.join(timeout=30)

    poll = closed[0]
    assert poll.result["tally"]["heads"]["yes"] == 1
    assert services.poll_recount(poll=poll).matches
    assert services.poll_audit_verify(poll=poll).ok
