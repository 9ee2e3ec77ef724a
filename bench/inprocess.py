"""In-process measurements on one data size: query counts per page, page throughput against the minimal view
(Django's test client, DEBUG off), the webinar join storm and certificate issuing against bare WeasyPrint.

Run by ``python -m bench`` (which migrates the SQLite file first and passes the environment); writes a JSON
file that also hands the HTTP benchmark the measured URLs and a logged-in session cookie.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from bench import data  # noqa: E402
from bench.environment import load  # noqa: E402
from bench.queries import page_queries  # noqa: E402
from bench.urls import MINIMAL_URL  # noqa: E402
from voting.models import Ballot  # noqa: E402


def _timed(client: Client, url: str, n: int, *, method: str = "get"):
    started = time.perf_counter()
    for _ in range(n):
        response = getattr(client, method)(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    return elapsed / n, response


def _per_request(client: Client, url: str, n: int, *, method: str = "get") -> float:
    return _timed(client, url, n, method=method)[0]


def throughput(clients: dict[bool, Client], urls: dict, *, requests: int, repeats: int) -> dict:
    """Per page: ``requests`` requests, then as many to the minimal view with the same client, ``repeats`` times;
    the ratio minimal / page of each round, and the median of the rounds.

    Anonymous pages are measured as served, from the page cache (lms.page_cache; ``page_cache`` records what the
    last request got), and also cold, with the page cache off (a fifth as many requests): ``cold_ms`` and
    ``cold_ratio`` are the render behind every miss."""
    results = {}
    cold_requests = max(requests // 5, 10)
    for name, (url, logged_in) in urls.items():
        client = clients[logged_in]
        _per_request(client, url, 3)
        _per_request(client, MINIMAL_URL, 3)
        rounds = []
        for _ in range(repeats):
            page, response = _timed(client, url, requests)
            minimal = _per_request(client, MINIMAL_URL, requests)
            measured = {"page_ms": page * 1000, "minimal_ms": minimal * 1000, "load": load()}
            measured["page_cache"] = response.get("X-Page-Cache", "")
            if not logged_in:
                with override_settings(PAGE_CACHE_SECONDS=0):
                    measured["cold_ms"] = _per_request(client, url, cold_requests) * 1000
            rounds.append(measured)
        results[name] = {
            "url": url,
            "logged_in": logged_in,
            "page_ms": statistics.median(r["page_ms"] for r in rounds),
            "minimal_ms": statistics.median(r["minimal_ms"] for r in rounds),
            "ratio": statistics.median(r["minimal_ms"] / r["page_ms"] for r in rounds),
            "page_cache": rounds[-1]["page_cache"],
            "rounds": rounds,
            "load": [r["load"] for r in rounds],
        }
        line = f"  {name:16} {results[name]['page_ms']:8.1f} ms   ratio {results[name]['ratio']:.4f}"
        if not logged_in:
            results[name]["cold_ms"] = statistics.median(r["cold_ms"] for r in rounds)
            results[name]["cold_ratio"] = statistics.median(r["minimal_ms"] / r["cold_ms"] for r in rounds)
            results[name]["cold_requests"] = cold_requests
            line += f" ({results[name]['page_cache'] or 'not cached'}; cold {results[name]['cold_ms']:.1f} ms, "
            line += f"ratio {results[name]['cold_ratio']:.4f})"
        print(line, flush=True)
    return results


class _CountingBigBlueButton:
    """Stands in for the BigBlueButton server: every API call is counted and answered "running"."""

    def __init__(self):
        self.calls = []

    def __call__(self, client, url):
        self.calls.append(url.split("?")[0].rsplit("/", 1)[-1])
        return {"returncode": "SUCCESS", "running": "true", "internalMeetingID": "bench-internal"}


def join_storm(world: data.World, *, joins: int) -> dict:
    """``joins`` distinct registrants POST join while the meeting runs; each gets its BBB redirect. Timed against
    as many minimal-view requests; every BigBlueButton API call on the way is counted (the target is none)."""
    registrants = data.storm_registrants(world, joins)
    webinar = data.storm_ready(world)
    cookies = []
    for user in registrants:
        login = Client()
        login.force_login(user)
        cookies.append(login.cookies[settings.SESSION_COOKIE_NAME].value)
    url = f"/webinars/{webinar.pk}/join/"
    client = Client()
    bbb = _CountingBigBlueButton()
    with mock.patch("webinars.bigbluebutton.BigBlueButton._get", autospec=True, side_effect=bbb):
        _per_request(client, MINIMAL_URL, 3)
        started = time.perf_counter()
        for cookie in cookies:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
            response = client.post(url)
            if response.status_code != 302 or not response["Location"].startswith(settings.BIGBLUEBUTTON_URL):
                raise AssertionError(f"join answered {response.status_code} {response.get('Location')}")
        join = (time.perf_counter() - started) / len(cookies)
        minimal = _per_request(client, MINIMAL_URL, len(cookies))
    calls: dict[str, int] = {}
    for call in bbb.calls:
        calls[call] = calls.get(call, 0) + 1
    return {
        "registrants": len(cookies),
        "join_ms": join * 1000,
        "minimal_ms": minimal * 1000,
        "ratio": minimal / join,
        "bbb_calls": len(bbb.calls),
        "bbb_calls_by_api": calls,
        "load": load(),
    }


def certificates(world: data.World, *, n: int) -> dict:
    """``n`` certificates issued (service, PDF task, e-mail) against ``n`` WeasyPrint renders of the same HTML,
    interleaved so both see the same machine load (bench/certificates_render.py, folded in)."""
    from django.core import mail

    from accounts.services import user_create
    from certificates.models import Certificate, ManualAward
    from certificates.pdf import certificate_html, html_to_pdf
    from certificates.services import certificate_issue

    mail.outbox = []
    award = ManualAward.objects.create(
        association=world.association, title="Цифровая грамотность: bench", date="2026-11-27", cpd_hours=4
    )
    users = [
        user_create(email=f"cert{i}@bench.example.org", display_name=f"Ирина Петрова {i}", preferred_language="ru")
        for i in range(n + 1)
    ]

    def issue(user):
        return certificate_issue(
            recipient=user,
            achievement_title=award.title,
            kind="event",
            cpd_hours=4,
            issuer=world.association,
            source=award,
        )

    warm = issue(users[n])  # imports, font discovery, the first layout: paid once per process
    html = certificate_html(Certificate.objects.get(pk=warm.pk))
    issue_times, render_times = [], []
    for user in users[:n]:
        started = time.perf_counter()
        issue(user)
        issue_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        html_to_pdf(html)
        render_times.append(time.perf_counter() - started)
    with_pdf = Certificate.objects.filter(recipient__in=users).exclude(pdf="").count()
    if with_pdf != n + 1 or len(mail.outbox) < n + 1:
        raise AssertionError(f"{with_pdf} PDFs and {len(mail.outbox)} e-mails for {n + 1} certificates")
    return {
        "n": n,
        "issue_s": sum(issue_times),
        "render_s": sum(render_times),
        "issue_ms_median": statistics.median(issue_times) * 1000,
        "render_ms_median": statistics.median(render_times) * 1000,
        "ratio": sum(issue_times) / sum(render_times),
        "load": load(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(data.SIZES), default="small")
    parser.add_argument("--requests", type=int, default=0, help="per page and round; 0: query counts only")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--joins", type=int, default=0, help="join storm registrants; 0: no storm")
    parser.add_argument("--certificates", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    result: dict = {"size": args.size, "database": connection.vendor}
    started = time.perf_counter()
    world = data.world_build(args.size)
    result["build_s"] = time.perf_counter() - started
    result["counts"] = {
        "courses": data.CoursePage.objects.count(),
        "lessons": data.LessonPage.objects.count(),
        "learners": data.User.objects.count(),
        "enrolments": data.Enrolment.objects.count(),
        "webinars": data.Webinar.objects.count(),
        "registrations": data.Registration.objects.count(),
        "polls": len(world.polls),
        "ballots": Ballot.objects.aggregate(heads=Sum("heads"))["heads"] or 0,
    }
    result["build_steps_s"] = world.timings
    print(f"built {args.size} in {result['build_s']:.0f} s: {result['counts']}; {world.timings}", flush=True)

    anonymous, learner = Client(), Client()
    learner.force_login(world.learner)
    clients = {False: anonymous, True: learner}
    urls = world.urls()
    result["urls"] = {name: url for name, (url, _logged_in) in urls.items()}
    result["logged_in"] = [name for name, (_url, logged_in) in urls.items() if logged_in]
    result["session_cookie"] = f"{settings.SESSION_COOKIE_NAME}={learner.cookies[settings.SESSION_COOKIE_NAME].value}"
    result["minimal_url"] = MINIMAL_URL
    result["queries"] = {name: page_queries(clients[logged_in], url) for name, (url, logged_in) in urls.items()}
    print(f"queries: {result['queries']}", flush=True)
    if args.requests:
        result["throughput"] = throughput(clients, urls, requests=args.requests, repeats=args.repeats)
    if args.joins:
        result["join_storm"] = join_storm(world, joins=args.joins)
        print(f"join storm: {result['join_storm']}", flush=True)
    if args.certificates:
        result["certificates"] = certificates(world, n=args.certificates)
        print(f"certificates: {result['certificates']}", flush=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
