"""Health endpoint for load balancers and operators: ``/health/`` (HTML), ``?format=json`` or ``text``.

It answers 200 when every part this node needs answers, 500 otherwise, never cached:

- the database (``SELECT 1``), the cache (a write and read), file storage (a file saved, read and deleted),
- the Celery broker (a connection), when there is one: with eager Celery (``make run``) there is none to check.

A worker's liveness is not a web node's health (a load balancer would take every web node out when the workers
restart), so workers are not pinged here; ``celery inspect ping`` answers that.
"""

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis or AMQP: whatever ``CELERY_BROKER_URL`` names)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self):
        from lms.celery import app

        try:
            with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:  # kombu raises the transport's own errors (OSError, redis and AMQP errors)
            raise ServiceUnavailable(f"Broker unavailable: {type(error).__name__}") from error


class HealthView(HealthCheckView):
    def get_checks(self):
        checks = [
            "health_check.checks.Database",
            "health_check.checks.Cache",
            "health_check.checks.Storage",
        ]
        if settings.CELERY_BROKER_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
            checks.append(Broker)
        self.checks = checks
        return super().get_checks()
