"""Build the demo: ``manage.py seed_demo``. Safe to run twice: every step finds its rows before creating them."""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand

from lms.demo import Login
from lms.demo.courses import build_courses
from lms.demo.people import build_people
from lms.demo.site import build_site
from lms.demo.votes import build_votes
from lms.demo.webinars import build_webinars

# Each step returns the logins it wants printed.
STEPS = [build_site, build_people, build_courses, build_webinars, build_votes]

# Per-page and per-task INFO lines from these drown the login table; -v 2 shows them.
CHATTY_LOGGERS = ("wagtail", "django_tasks")


class Command(BaseCommand):
    help = "Load the demo site, people and content (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins: list[Login] = []
        with _quiet(CHATTY_LOGGERS, enabled=options["verbosity"] < 2):
            for step in STEPS:
                self.stdout.write(f"seed_demo: {step.__name__}")
                logins.extend(step() or [])
        # SITE_URL: where `make run` serves it (PORT=... moves both).
        self.stdout.write(self.style.SUCCESS(f"Demo ready on {settings.SITE_URL}/ (Russian: {settings.SITE_URL}/ru/)."))
        self._print_logins(logins)

    def _print_logins(self, logins: list[Login]) -> None:
        headers = ("E-mail", "Password", "Role")
        rows = [(login.email, login.password, login.role) for login in logins]
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(3)]
        self.stdout.write("Demo logins:")
        self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(headers)).rstrip())
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


@contextmanager
def _quiet(names: tuple[str, ...], *, enabled: bool):
    loggers = [logging.getLogger(name) for name in names] if enabled else []
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
