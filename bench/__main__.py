"""The benchmark harness: ``python -m bench`` (``make bench``) or ``python -m bench --quick`` (``make bench-quick``).

Full: the data at the small and the large size (query counts at both), page throughput in process at the large
size, the same pages over HTTP (gunicorn, wrk), the webinar join storm, certificates against bare WeasyPrint
and voting on PostgreSQL. Results: bench/results.md and bench/results.json.
Quick: the same steps on the small size with few requests, so CI keeps the harness working; results in
bench/results-quick.md and bench/results-quick.json (not committed).

Every step runs in its own process against a throw-away database: a migrated SQLite file in a temporary folder
(the migrated file is cached by the migrations' content, so a second run skips migrating) and, for voting, the
PostgreSQL database named by BENCH_POSTGRES_URL (skipped, and said so, when unset).
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import http, report
from bench.environment import BASE_DIR, django_env, load, machine

PYTHON = sys.executable


def _migrations_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(BASE_DIR.glob("*/migrations/*.py")):
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migrated_sqlite(workdir: Path) -> Path:
    """A copy of a migrated SQLite database, from the cache when the migrations have not changed."""
    cache = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "lis-bench-cache"))
    cache.mkdir(parents=True, exist_ok=True)
    template = cache / f"migrated-{_migrations_hash()}.sqlite3"
    if not template.exists():
        print(f"migrating a template database ({template})", flush=True)
        building = cache / f"building-{os.getpid()}.sqlite3"
        env = django_env(database_url=f"sqlite:///{building}", workdir=workdir)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        with subprocess.Popen([PYTHON, "-c", _CHECKPOINT, str(building)]) as checkpoint:
            checkpoint.wait()
        building.replace(template)
    copy = workdir / "bench.sqlite3"
    shutil.copyfile(template, copy)
    return copy


# WAL mode (lms.settings) keeps recent pages in a side file: fold it in before the file is copied.
_CHECKPOINT = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()"
)


def postgres_database_ensure(url: str) -> None:
    """Create the bench's PostgreSQL database when it does not exist yet (bench.voting migrates it)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created PostgreSQL database {name}", flush=True)


def run_step(name: str, args: list[str], env: dict) -> None:
    print(f"\n>>> {name} (load {load()})", flush=True)
    started = time.perf_counter()
    subprocess.run([PYTHON, "-m", *args], cwd=BASE_DIR, env=env, check=True)
    print(f"<<< {name}: {time.perf_counter() - started:.0f} s", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small data, few requests (CI)")
    parser.add_argument("--requests", type=int, help="in-process requests per page and round (500; quick 30)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=int, help="wrk seconds per page (10; quick 2)")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args(argv)
    quick = args.quick
    settings = {
        "mode": "quick" if quick else "full",
        "size": "small" if quick else "large",
        "requests": args.requests or (30 if quick else 500),
        "repeats": args.repeats,
        "wrk_duration_s": args.duration or (2 if quick else 10),
        "wrk_warmup_s": 1 if quick else 2,
        "wrk_connections": 16,
        "gunicorn_workers": 2,
        "joins": 30 if quick else 500,
        "certificates": 5 if quick else 50,
        "voting_clients": 16,
        "voting_ballots": 160 if quick else 1600,
        "tally_ballots": 100_000,
    }
    results: dict = {"machine": machine(), "settings": settings}
    workdir = Path(tempfile.mkdtemp(prefix="lis-bench-"))
    print(f"workdir {workdir}; {settings}", flush=True)
    try:
        sizes = ["small"] if quick else ["small", "large"]
        for size in sizes:
            database = workdir / size / "bench.sqlite3"
            database.parent.mkdir()
            migrated = migrated_sqlite(database.parent)
            env = django_env(database_url=f"sqlite:///{migrated}", workdir=database.parent)
            out = database.parent / "inprocess.json"
            measured = size == settings["size"]
            step = ["bench.inprocess", "--size", size, "--out", str(out)]
            if measured:
                step += ["--requests", str(settings["requests"]), "--repeats", str(settings["repeats"])]
                step += ["--joins", str(settings["joins"]), "--certificates", str(settings["certificates"])]
            run_step(f"in process, {size} data", step, env)
            results.setdefault("inprocess", {})[size] = json.loads(out.read_text())
            if measured and not args.skip_http:
                print(f"\n>>> over HTTP, {size} data (load {load()})", flush=True)
                results["http"] = http.run(
                    env=env,
                    inprocess=results["inprocess"][size],
                    duration=settings["wrk_duration_s"],
                    warmup=settings["wrk_warmup_s"],
                    connections=settings["wrk_connections"],
                    workers=settings["gunicorn_workers"],
                )
        postgres = os.environ.get("BENCH_POSTGRES_URL")
        if postgres:
            postgres_database_ensure(postgres)
            out = workdir / "voting.json"
            step = ["bench.voting", "--clients", str(settings["voting_clients"]), "--out", str(out)]
            step += ["--ballots", str(settings["voting_ballots"]), "--tally", str(settings["tally_ballots"])]
            run_step("voting on PostgreSQL", step, django_env(database_url=postgres, workdir=workdir))
            results["voting"] = json.loads(out.read_text())
        else:
            results["voting"] = {"skipped": "BENCH_POSTGRES_URL is not set (a PostgreSQL database the bench owns)"}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["load_at_end"] = [round(value, 2) for value in os.getloadavg()]
    name = "results-quick" if quick else "results"
    (BASE_DIR / "bench" / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    markdown = report.markdown(results)
    (BASE_DIR / "bench" / f"{name}.md").write_text(markdown)
    print("\n" + markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
