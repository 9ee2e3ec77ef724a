"""Voting on PostgreSQL: concurrent casting into one poll, and the tally of a poll with 100,000 ballots.

Casting: ``clients`` separate processes (forked, each with its own connection, as several web workers would be in
production) cast distinct ballots through ``vote_cast`` (roll check, cast record, receipt, then under the poll's
row lock the ballot box line and the audit entry: one transaction each) until every voter on the roll has voted;
then nothing may be lost or doubled: one cast record and one receipt per voter, the ballot box's heads equal to the
roll, the audit chain intact and the recount equal to the count at close (bench/voting_cast.py, folded in).
``--threads`` runs the clients as threads of one process instead, as this bench did before: they share one GIL,
and a cast costs several milliseconds of Python, so that measures the bench's own interpreter as much as the
database (one process tops out near 1 / the Python CPU per cast, whatever the database does).

Each cast is also timed from the inside (a query wrapper on each client's connection): the statements it sends
(BEGIN and COMMIT aside), how long it waited for the poll's lock and how long it held it (from the lock to the
end of the commit, the commit also timed alone: every vote of the poll queues for that lock, so 1 / the time it
is held bounds the throughput), and the Python CPU per cast.

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
    """Wraps a connection's queries: per cast, the statements sent, the wait for the poll's lock and its hold."""

    def __init__(self):
        self.queries = 0
        self.locked_at = self.lock_wait = self.last_at = None

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.last_at = time.perf_counter()
            if "FOR UPDATE" in sql and "voting_poll" in sql:
                self.locked_at, self.lock_wait = time.perf_counter(), time.perf_counter() - began

    def cast(self, poll_id: int, voter: User) -> dict:
        self.queries, self.locked_at, self.lock_wait, self.last_at = 0, None, None, None
        began = time.perf_counter()
        services.vote_cast(poll_id=poll_id, voter=voter, choices=[("yes", "no", "abstain")[voter.pk % 3]])
        done = time.perf_counter()
        return {
            "latency": done - began,
            "queries": self.queries,
            "lock_wait": self.lock_wait,
            "lock_held": done - self.locked_at if self.locked_at else None,
            "commit": done - self.last_at,  # from the last statement to the commit's end
        }


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
    held = [cast["lock_held"] for cast in casts if cast["lock_held"] is not None]
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
        "lock_held_p50_ms": 1000 * _median(held) if held else None,
        "lock_held_total_s": sum(held),
        "commit_p50_ms": 1000 * _median([cast["commit"] for cast in casts]) if casts else None,
        "lock_wait_p50_ms": 1000 * _median([c["lock_wait"] for c in casts if c["lock_wait"] is not None] or [0]),
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
