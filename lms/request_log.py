"""Each request's time and query count, in the log and in a ``Server-Timing`` header.

An operator running several web nodes sees where time goes without a profiler: one line per request on the
``lms.requests`` logger (method, path, status, milliseconds, queries), and the browser's network panel shows the
same figures. Requests slower than ``REQUEST_LOG_SLOW_MS`` are logged at WARNING, the others at INFO;
``REQUEST_LOG_LEVEL`` sets the logger's level (INFO in production; WARNING in development, where runserver
already prints every request, so only the slow ones show).
"""

import logging
import time
from contextlib import ExitStack

from django.conf import settings
from django.db import connections

logger = logging.getLogger("lms.requests")


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f'app;dur={elapsed_ms:.1f}, db;desc="{counter.count} queries"'
        level = logging.WARNING if elapsed_ms > settings.REQUEST_LOG_SLOW_MS else logging.INFO
        if logger.isEnabledFor(level):
            logger.log(
                level,
                "%s %s %s %.1fms %dq",
                request.method,
                request.path,
                response.status_code,
                elapsed_ms,
                counter.count,
                extra={"duration_ms": round(elapsed_ms, 1), "queries": counter.count, "status": response.status_code},
            )
        return response
