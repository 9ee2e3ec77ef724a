"""Render cost of certificates: issuing N certificates (service, PDF task, e-mail) against N WeasyPrint
renders of the same certificate HTML. The claim to check: issuing costs close to N renders, i.e. the
service, QR code, storage and e-mail add little to WeasyPrint.

Usage: .venv/bin/python bench/certificates_render.py [N]     (default 20; writes bench/results/certificates_render.txt)

Runs on a throw-away SQLite database and media folder with eager Celery and the in-memory mail backend.
"""

import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
WORKDIR = tempfile.mkdtemp(prefix="lis-bench-certificates-")
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORKDIR}/media"
os.environ["EMAIL_URL"] = "memorymail://"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.pop("CELERY_BROKER_URL", None)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import Association  # noqa: E402
from accounts.services import user_create  # noqa: E402
from certificates.models import Certificate, ManualAward  # noqa: E402
from certificates.pdf import certificate_html, html_to_pdf  # noqa: E402
from certificates.services import certificate_issue  # noqa: E402


def main(n: int) -> str:
    call_command("migrate", verbosity=0)
    mail.outbox = []
    association = Association.objects.create(name="Bench Library Association", slug="bench")
    award = ManualAward.objects.create(
        association=association, title="Цифровая грамотность: bench", date="2026-11-27", cpd_hours=Decimal("4")
    )
    users = [
        user_create(email=f"bench{i}@example.org", display_name=f"Ирина Петрова {i}", preferred_language="ru")
        for i in range(n + 1)
    ]
    # Warm-up: imports, font discovery and the first layout are paid once per process, not per certificate.
    warm = certificate_issue(
        recipient=users[n], achievement_title=award.title, kind="event", cpd_hours=4, issuer=association, source=award
    )

    html = certificate_html(Certificate.objects.get(pk=warm.pk))
    # Interleaved (issue, render, issue, render...) so both see the same machine load; the HTML building
    # (template, QR code) is timed on its own to show where any overhead goes.
    issue_times, render_times, html_times = [], [], []
    for user in users[:n]:
        started = time.perf_counter()
        issued = certificate_issue(
            recipient=user, achievement_title=award.title, kind="event", cpd_hours=4, issuer=association, source=award
        )
        issue_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        html_to_pdf(html)
        render_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        certificate_html(issued)
        html_times.append(time.perf_counter() - started)
    assert Certificate.objects.exclude(pdf="").count() == n + 1, "every certificate has its PDF"
    assert len(mail.outbox) == n + 1, "every recipient got one e-mail"

    issue_total, render_total = sum(issue_times), sum(render_times)
    lines = [
        "Certificates: issuing N certificates vs N WeasyPrint renders of the same HTML",
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"machine: {platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        "SQLite, eager Celery, in-memory mail",
        f"N = {n}",
        f"issue (certificate_issue + PDF task + e-mail), total: {issue_total:.3f} s; "
        f"per certificate median {statistics.median(issue_times) * 1000:.1f} ms",
        f"WeasyPrint render of the same HTML, total:           {render_total:.3f} s; "
        f"per render median {statistics.median(render_times) * 1000:.1f} ms",
        f"HTML building (template + QR; part of issue), median: {statistics.median(html_times) * 1000:.1f} ms",
        f"ratio issue/render: {issue_total / render_total:.2f} "
        f"(overhead per certificate: {(issue_total - render_total) / n * 1000:.1f} ms)",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    out = BASE_DIR / "bench" / "results" / "certificates_render.txt"
    out.write_text(report, encoding="utf-8")
    print(report, end="")
