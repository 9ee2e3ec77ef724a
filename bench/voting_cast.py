"""Casting throughput on PostgreSQL: N members each cast one vote in a secret poll, from T threads with a
connection each, for several T. Every cast is the real service (roll check, poll row lock, cast record, ballot
box line, receipt, audit chain entry) in its own transaction. Afterwards the poll is closed and recounted.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/lis_voting_bench .venv/bin/python bench/voting_cast.py [N]
(default N=400; writes bench/results/voting_cast.txt). The database is migrated if needed and the bench's own
rows are left in it (a new association each run). Casting is serialised per poll by design (the row lock that
makes close-versus-cast safe and keeps the audit chain linear), so threads add little beyond hiding latency.
"""

import os
import platform
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lis_voting_bench")
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["EMAIL_URL"] = "memorymail://"
os.environ.pop("CELERY_BROKER_URL", None)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Association, Membership, User  # noqa: E402
from voting import services  # noqa: E402
from voting.models import CastRecord  # noqa: E402

THREADS = (1, 8, 16)  # at most 16 connections: the shared server allows 100 for every session on the machine


def _members(association, n):
    tag = uuid.uuid4().hex[:8]
    unusable = "!"  # no password: bench members never log in
    users = User.objects.bulk_create(User(email=f"bench-{tag}-{i}@example.org", password=unusable) for i in range(n))
    Membership.objects.bulk_create(
        Membership(user=user, association=association, status=Membership.Status.ACTIVE, vote_weight=1 + i % 3)
        for i, user in enumerate(users)
    )
    return users


def run(association, ruleset, users, threads):
    poll = services.poll_create(association=association, ruleset=ruleset, title=f"bench {threads} threads")
    services.poll_open(poll_id=poll.pk)
    queue = list(users)
    lock = threading.Lock()
    latencies = []
    start = threading.Barrier(threads + 1)

    def worker():
        start.wait()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    voter = queue.pop()
                began = time.perf_counter()
                services.vote_cast(poll_id=poll.pk, voter=voter, choices=["yes" if voter.pk % 2 else "no"])
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in workers:
        thread.join()
    wall = time.perf_counter() - began
    poll = services.poll_close(poll_id=poll.pk)
    assert CastRecord.objects.filter(poll=poll).count() == len(users)
    assert services.poll_recount(poll=poll).matches
    latencies.sort()
    return {
        "threads": threads,
        "casts": len(latencies),
        "wall_s": wall,
        "per_s": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def main(n):
    call_command("migrate", verbosity=0)
    association = Association.objects.create(name=f"Bench {uuid.uuid4().hex[:8]}", slug=f"bench-{uuid.uuid4().hex[:8]}")
    ruleset = services.ruleset_create(association=association, body="general_assembly", name="Bench rules")
    users = _members(association, n)
    # Warm-up: the first casts pay for imports and connection set-up.
    run(association, ruleset, users[:20], 4)
    rows = [run(association, ruleset, users, threads) for threads in THREADS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()
    lines = [
        f"voting casting throughput, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU(s) shared, "
        f"{pg_version.split(',')[0]}",
        f"load average {os.getloadavg()[0]:.1f} at the end (other sessions share the machine)",
        f"{n} members, one secret motion per row; each cast = roll check + poll row lock + cast record + ballot box "
        "line + receipt + audit entry, one transaction",
        "",
        f"{'threads':>8} {'casts':>6} {'wall s':>8} {'casts/s':>8} {'p50 ms':>8} {'p95 ms':>8}",
    ]
    for r in rows:
        lines.append(
            f"{r['threads']:>8} {r['casts']:>6} {r['wall_s']:>8.2f} {r['per_s']:>8.1f} "
            f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
    (BASE_DIR / "bench" / "results" / "voting_cast.txt").write_text(report)
    print(report)
