"""Voting on PostgreSQL: concurrent casting into one poll, and the tally of a poll with 100,000 ballots.

Casting: ``clients`` separate processes (forked, each with its own connection, as several web workers would be in
production) cast distinct ballots through ``vote_cast`` (the roll check, then one statement that writes the cast
record, the receipt and the pending vote under a KEY SHARE lock on the poll's row that votes share, committed on its
own; then the seal of the pending votes into the box and the audit chain, by whichever voter gets the poll's sealing
lock) until every voter on the roll has voted; then nothing may be lost or doubled: one cast record and one receipt
per voter, the ballot box's heads equal to the roll, the audit chain intact and the recount equal to the count at
close (bench/voting_cast.py, folded in). ``--threads`` runs the clients as threads of one process instead, as this
bench did before: they share one GIL, and a cast costs milliseconds of Python, so that measures the bench's own
interpreter as much as the database (one process tops out near 1 / the Python CPU per cast, whatever the database
does).

Each cast is also timed from the inside (a query wrapper on each client's connection): the statements it sends
(BEGIN and COMMIT aside), the vote's own statement (waiting for a close included), and each seal the client made:
how long it held the poll's sealing lock (from its grant to the end of the seal's commit) and how many pending
votes it sealed. The sealing lock is the one serialised part: ``seal_held_total_s`` close to ``wall_s`` would mean
sealing bounds the throughput, and ``ballots_per_seal`` shows how the batches grow with the load. Until
2026-11-30 casting held the poll's row lock through every vote's commit (``lock_held_p50_ms``: 3.3 ms, 247
ballots/s); those keys are gone with that design. And the Python CPU per cast.

Tally: the ballot box of an election with 100,000 ballots over 12 candidates (up to 3 choices each), built in
bulk as the lines ``vote_cast`` would have left (the box stores one line per distinct set of choices), then
read and counted as ``poll_close`` and ``recount`` do (``poll_decide``). The pure function ``tally`` is also timed
on 100,000 one-ballot lines, its worst case.

Run by ``python -m bench`` with DATABASE_URL naming a PostgreSQL database the bench owns (migrated here if
needed; each run adds its own association and leaves its rows).
"""

import argparse
import collections
import json
import multiprocessing
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Sum  # noqa: E402

from accounts.models import Association, Membership, User  # noqa: E402
from bench.environment import load  # noqa: E402
from voting import services  # noqa: E402
from voting.models import Ballot, CastRecord, Poll, Receipt  # noqa: E402
from voting.tally import BallotLine, choices_key, tally  # noqa: E402

UNUSABLE = make_password(None)


def _members(association: Association, n: int) -> list[User]:
    """``n`` members (bulk rows as tests.factories would make them: active membership, weights 1 to 3)."""
    tag = uuid.uuid4().hex[:8]
    users = User.objects.bulk_create(
        User(email=f"voter-{tag}-{i}@bench.example.org", password=UNUSABLE) for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(user=user, association=association, status=Membership.Status.ACTIVE, vote_weight=1 + i % 3)
        for i, user in enumerate(users)
    )
    return users


def _median(values: list[float]) -> float | None:
    return sorted(values)[len(values) // 2] if values else None


class _CastTimer:
    """Wraps a connection's queries: per cast, the statements sent, the vote's own statement (its wait for the
    poll's row in KEY SHARE mode included) and each seal this client made (how long it held the poll's sealing lock
    and how many pending votes it sealed)."""

    def __init__(self):
        self.queries = 0
        self.vote_s = self.seal_locked_at = None
        self.seals: list[tuple[float, int]] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        if self.seal_locked_at is not None and sql.startswith(services._SEAL_LOOK_SQL):
            # the first statement after a seal's commit: the lock was held from its grant to here
            self.seals[-1] = (began - self.seal_locked_at, self.seals[-1][1])
            self.seal_locked_at = None
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            ended = time.perf_counter()
            if "FOR KEY SHARE" in sql:
                self.vote_s = ended - began
            elif "FOR NO KEY UPDATE" in sql and context["cursor"].rowcount:
                self.seal_locked_at = ended
            elif sql == services._SEAL_TAKE_SQL and self.seal_locked_at is not None:
                self.seals.append((0.0, context["cursor"].rowcount))

    def cast(self, poll_id: int, voter: User) -> dict:
        self.queries, self.vote_s, self.seal_locked_at, self.seals = 0, None, None, []
        began = time.perf_counter()
        services.vote_cast(poll_id=poll_id, voter=voter, choices=[("yes", "no", "abstain")[voter.pk % 3]])
        done = time.perf_counter()
        if self.seal_locked_at is not None and self.seals:  # a seal that ended the cast without a look after it
            self.seals[-1] = (done - self.seal_locked_at, self.seals[-1][1])
        return {"latency": done - began, "queries": self.queries, "vote": self.vote_s, "seals": self.seals}


def _client(poll_id: int, voters: list[User], taken, start, out) -> None:
    """One client (its own connection): takes the next voter until none is left, casts, puts what it measured."""
    timer = _CastTimer()
    casts, errors = [], []
    start.wait()
    cpu = time.thread_time()
    try:
        with connection.execute_wrapper(timer):
            while True:
                with taken.get_lock():
                    index = taken.value
                    taken.value += 1
                if index >= len(voters):
                    break
                try:
                    casts.append(timer.cast(poll_id, voters[index]))
                except Exception as exc:  # every failure is a lost ballot: counted, reported
                    errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
        out.put({"casts": casts, "errors": errors, "cpu": time.thread_time() - cpu})


def casting(association, ruleset, voters: list[User], *, clients: int, threads: bool = False) -> dict:
    poll = services.poll_create(association=association, ruleset=ruleset, title=f"Bench: {clients} clients")
    services.poll_open(poll_id=poll.pk)
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    start = context.Barrier(clients + 1)
    out = context.Queue()
    connections.close_all()  # a forked client must not share the parent's socket
    spawn = threading.Thread if threads else context.Process
    workers = [spawn(target=_client, args=(poll.pk, voters, taken, start, out)) for _ in range(clients)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    reports = [out.get(timeout=900) for _ in workers]
    wall = time.perf_counter() - began
    for worker in workers:
        worker.join()
    casts = [cast for report in reports for cast in report["casts"]]
    errors = [error for report in reports for error in report["errors"]]
    latencies = sorted(cast["latency"] for cast in casts)
    seals = [seal for cast in casts for seal in cast["seals"]]
    poll = services.poll_close(poll_id=poll.pk)
    records = CastRecord.objects.filter(poll=poll)
    heads = Ballot.objects.filter(poll=poll).aggregate(heads=Sum("heads"))["heads"] or 0
    distinct_voters = records.values("roll_entry").distinct().count()
    return {
        "clients": clients,
        "clients_are": "threads of one process" if threads else "processes",
        "voters": len(voters),
        "cast": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:3],
        "cast_records": records.count(),
        "distinct_voters": distinct_voters,
        "receipts": Receipt.objects.filter(poll=poll).count(),
        "ballot_heads": heads,
        "lost": len(voters) - distinct_voters,
        "doubled": records.count() - distinct_voters + max(0, heads - len(voters)),
        "audit_ok": bool(services.poll_audit_verify(poll=poll).ok),
        "recount_matches": bool(services.poll_recount(poll=poll).matches),
        "wall_s": wall,
        "ballots_per_s": len(latencies) / wall if wall else 0.0,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
        "queries_per_cast": _median([cast["queries"] for cast in casts]),
        "vote_statement_p50_ms": 1000 * _median([c["vote"] for c in casts if c["vote"] is not None] or [0]),
        "seals": len(seals),
        "ballots_per_seal": sum(n for _held, n in seals) / len(seals) if seals else None,
        "seal_held_p50_ms": 1000 * _median([held for held, _n in seals]) if seals else None,
        "seal_held_total_s": sum(held for held, _n in seals),
        "python_cpu_ms_per_cast": 1000 * sum(r["cpu"] for r in reports) / len(casts) if casts else None,
        "load": load(),
    }


def tally_timing(association, ruleset, *, ballots: int) -> dict:
    candidates = [f"Candidate {i}" for i in range(12)]
    poll = services.poll_create(
        association=association,
        ruleset=ruleset,
        title="Bench: tally",
        kind=Poll.Kind.ELECTION,
        options=candidates,
        max_choices=3,
        seats=3,
    )
    services.poll_open(poll_id=poll.pk)
    keys = list(poll.options.values_list("key", flat=True))
    rng = random.Random(12)
    box: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    singles = []
    for _ in range(ballots):
        chosen = tuple(sorted(rng.sample(keys, rng.randint(0, 3))))
        weight = 1000 * rng.randint(1, 3)
        line = box[choices_key(chosen)]
        line[0] += 1
        line[1] += weight
        singles.append(BallotLine(chosen, 1, weight))
    Ballot.objects.bulk_create(
        Ballot(poll=poll, choices=key, heads=heads, weight=weight) for key, (heads, weight) in box.items()
    )
    started = time.perf_counter()
    decided = services.poll_decide(poll)
    decide_s = time.perf_counter() - started
    if decided["tally"]["cast_heads"] != ballots:
        raise AssertionError(f"counted {decided['tally']['cast_heads']} of {ballots} ballots")
    started = time.perf_counter()
    counted = tally(singles, keys)
    pure_s = time.perf_counter() - started
    if counted.cast_heads != ballots:
        raise AssertionError("the pure tally lost ballots")
    return {
        "ballots": ballots,
        "box_lines": len(box),
        "poll_decide_s": decide_s,
        "pure_tally_unaggregated_s": pure_s,
        "load": load(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--ballots", type=int, default=1600, help="voters on the roll of the casting poll")
    parser.add_argument("--tally", type=int, default=100_000)
    parser.add_argument("--threads", action="store_true", help="clients as threads of one process (one GIL)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        raise SystemExit("bench.voting needs PostgreSQL: DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    tag = uuid.uuid4().hex[:8]
    association = Association.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    ruleset = services.ruleset_create(association=association, body="general_assembly", name="Bench rules")
    voters = _members(association, args.ballots)
    warm_up = _members(association, 2 * args.clients)
    casting(association, ruleset, warm_up, clients=args.clients, threads=args.threads)
    result = {
        "postgresql": version,
        "casting": casting(association, ruleset, voters, clients=args.clients, threads=args.threads),
        "tally": tally_timing(association, ruleset, ballots=args.tally),
    }
    print(json.dumps(result, indent=2), flush=True)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
