"""What an operator of several web and worker nodes relies on: a health endpoint and each request's cost in the log."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, *args, **kwargs):
    """``client.get``, from a thread of its own when this one has an event loop marked running. The health view is
    async (django-health-check), so the test client calls it through ``async_to_sync``, which refuses such a thread;
    Playwright's sync API (a browser test earlier on the same xdist worker) leaves its loop marked running here for
    the rest of the session. A web server's thread has no such loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return client.get(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(client.get, *args, **kwargs).result()


def test_health_answers_ok_for_database_cache_and_storage(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker to check (make run)
    response = _get(client, reverse("health"), {"format": "json"})

    assert response.status_code == 200
    assert set(response.json().values()) == {"OK"}
    assert {key.split("(")[0] for key in response.json()} == {"Database", "Cache", "Storage"}
    assert "no-cache" in response["Cache-Control"]


def test_health_checks_the_broker_when_there_is_one_and_fails_when_it_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = _get(client, reverse("health"), {"format": "json"})

    assert response.status_code == 500
    broker = [value for key, value in response.json().items() if key.startswith("Broker")]
    assert broker and "Broker unavailable: OperationalError" in broker[0]


def test_health_needs_no_login_and_reads_as_a_page(client):
    response = _get(client, reverse("health"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"Database" in response.content


def test_each_request_logs_its_time_and_query_count(client, caplog, learner):
    client.force_login(learner)
    with caplog.at_level(logging.INFO, logger="lms.requests"):
        response = client.get(reverse("certificates:mine"))

    (record,) = [record for record in caplog.records if record.name == "lms.requests"]
    assert record.getMessage().startswith(f"GET {reverse('certificates:mine')} 200 ")
    assert record.queries >= 1 and record.duration_ms >= 0
    assert response["Server-Timing"].startswith("app;dur=")
    assert f'db;desc="{record.queries} queries"' in response["Server-Timing"]


def test_a_slow_request_is_logged_as_a_warning(client, caplog, settings):
    settings.REQUEST_LOG_SLOW_MS = -1
    with caplog.at_level(logging.WARNING, logger="lms.requests"):
        _get(client, reverse("health"), {"format": "json"})

    assert [record.levelno for record in caplog.records if record.name == "lms.requests"] == [logging.WARNING]
