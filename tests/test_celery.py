"""Celery: eager and in-process without a broker; with Redis, a real worker process runs the tasks."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import shared_task
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.db import connection

from lms.celery import app as celery_app
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")
WORKER_TIMEOUT = 60


@shared_task(name="tests.user_email")
def user_email(user_id: int) -> str:
    """Reads a row: run by the worker, it proves the worker shares the test's database."""
    from accounts.models import User

    return User.objects.get(pk=user_id).email


def _settings_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_") and k != "DATABASE_URL"}
    return {**env, "DJANGO_SETTINGS_MODULE": "lms.settings", **overrides}


def _run_python(code: str, env: dict[str, str]) -> dict:
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_broker_tasks_run_eagerly_in_process():
    """No CELERY_BROKER_URL (a newcomer's `make run`): `delay()` runs the task at once and returns its result."""
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from lms.celery import ping\n"
        "result = ping.delay('marco')\n"
        "print(json.dumps({'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'kind': type(result).__name__,"
        " 'value': result.get(timeout=5)}))"
    )

    outcome = _run_python(code, _settings_env())

    assert outcome == {"eager": True, "kind": "EagerResult", "value": "marco"}


def test_with_a_broker_tasks_are_queued_not_run_in_process():
    """CELERY_BROKER_URL set (production, CI): tasks go to the broker; results to it too unless told otherwise."""
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from lms.celery import app\n"
        "print(json.dumps({'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'conf_eager': app.conf.task_always_eager,"
        " 'backend': settings.CELERY_RESULT_BACKEND}))"
    )
    broker = "redis://127.0.0.1:6379/7"

    outcome = _run_python(code, _settings_env(CELERY_BROKER_URL=broker))

    assert outcome == {"eager": False, "conf_eager": False, "backend": broker}


def _database_url() -> str:
    """The test database as a URL, so a worker process opens the very database this test writes to."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, tmp_path_factory):
    """A real `celery worker` process on a queue of its own, sharing this test run's broker and database."""
    queue = f"tests-{uuid.uuid4().hex}"
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false"}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = _database_url()
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    command = [
        str(CELERY), "-A", "lms", "worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
        "--include=tests.test_celery",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    worker = {"queue": queue, "process": process, "log": log_path}
    yield worker
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


def _result_from(worker, task_name: str, args: list):
    """Send a task to the worker's queue and wait for its result, failing at once if the worker dies."""
    result = celery_app.send_task(task_name, args=args, queue=worker["queue"])
    deadline = time.monotonic() + WORKER_TIMEOUT
    while True:
        try:
            return result.get(timeout=1)
        except CeleryTimeoutError:
            if worker["process"].poll() is not None:
                pytest.fail(f"the worker exited ({worker['process'].returncode}):\n{worker['log'].read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no result in {WORKER_TIMEOUT}s:\n{worker['log'].read_text()}")


@pytest.mark.redis
def test_a_real_worker_answers_ping_over_redis(celery_worker):
    """The round trip production relies on: producer -> Redis -> worker process -> result backend."""
    assert _result_from(celery_worker, "lms.ping", ["marco"]) == "marco"


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_reads_what_the_web_process_committed(celery_worker, transactional_db):
    """A task queued with an id re-reads the row in the worker: both processes use the same PostgreSQL."""
    user = UserFactory(email="worker-check@example.org")

    assert _result_from(celery_worker, "tests.user_email", [user.pk]) == "worker-check@example.org"
