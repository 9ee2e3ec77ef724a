"""Run the Celery beat schedule in process: the demo's stand-in for `celery beat` when tasks run eagerly.

`make run` starts it beside the development server, so scheduled publishing (and every other periodic task in
``lms.celery``'s ``beat_schedule``) happens in the demo as it does in production, with no broker.
"""

import time
from datetime import datetime

from celery.schedules import schedule as celery_schedule
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.celery import app


def _as_schedule(value) -> celery_schedule:
    if isinstance(value, int | float):
        return celery_schedule(run_every=value, app=app)
    return value


class Command(BaseCommand):
    help = "Run the periodic tasks of lms.celery's beat schedule in this process (for `make run`; no broker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every task once and exit.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between checks (default 5).")

    def handle(self, *args, once: bool = False, tick: float = 5.0, **options):
        # Celery discovers each app's tasks.py lazily (when a worker starts); this process is no worker.
        app.loader.import_default_modules()
        missing = sorted({entry["task"] for entry in app.conf.beat_schedule.values()} - set(app.tasks))
        if missing:
            raise CommandError(f"The beat schedule names tasks that do not exist: {', '.join(missing)}")
        entries = {
            name: (entry["task"], _as_schedule(entry["schedule"])) for name, entry in app.conf.beat_schedule.items()
        }
        last_run: dict[str, datetime] = {}
        if not once:
            self.stdout.write(f"Running {len(entries)} periodic task(s) in process: {', '.join(sorted(entries))}")
            self.stdout.flush()
        while True:
            for name, (task_name, when) in entries.items():
                due = name not in last_run or when.is_due(last_run[name]).is_due
                if not due:
                    continue
                last_run[name] = timezone.now()
                try:
                    app.tasks[task_name].apply(throw=True)
                except Exception as error:  # keep the loop alive; the next tick tries again
                    self.stderr.write(f"{name}: {error!r}")
            if once:
                return
            try:
                time.sleep(tick)
            except KeyboardInterrupt:
                return
