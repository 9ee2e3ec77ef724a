"""The Celery application. Tasks live in each app's ``tasks.py``; the periodic schedule lives here."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place for periodic work (Celery beat in production; `manage.py run_periodic` under `make run`).
app.conf.beat_schedule = {
    "publish-scheduled-pages": {"task": "cms.publish_scheduled", "schedule": 60.0},
    "lapse-expired-memberships": {"task": "accounts.memberships_lapse_expired", "schedule": crontab(hour=0, minute=15)},
    # Opens and closes polls on their schedule and sends reminders; idempotent, so a minute's overlap is harmless.
    "voting-polls-tick": {"task": "voting.polls_tick", "schedule": 60.0},
    "webinars-reminders": {"task": "webinars.tasks.reminders_send", "schedule": 300.0},
    "webinars-attendance-poll": {"task": "webinars.tasks.attendance_poll_running", "schedule": 60.0},
    "webinars-sweep": {"task": "webinars.tasks.webinars_sweep", "schedule": 3600.0},
    "webinars-recordings-retention": {
        "task": "webinars.tasks.recordings_expire",
        "schedule": crontab(hour=3, minute=30),
    },
}


@app.task(name="lms.ping")
def ping(value: str = "pong") -> str:
    """Round-trip check used by the health test and `make worker` smoke runs."""
    return value
