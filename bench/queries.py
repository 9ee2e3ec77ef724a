"""Query counts of the measured pages (the benchmark's results and tests/test_query_budget.py)."""

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext


def page_queries(client: Client, url: str) -> int:
    """Queries of one request to ``url`` once caches are warm (a first request fills them), rendered: the anonymous
    page cache is off here (a page served from it costs no query; what is counted is the render behind a miss)."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    return len(queries)


def world_queries(world) -> dict[str, int]:
    """Every measured page's query count: anonymous pages with a fresh client, the others as the world's learner."""
    anonymous, learner = Client(), Client()
    learner.force_login(world.learner)
    clients = {False: anonymous, True: learner}
    return {name: page_queries(clients[logged_in], url) for name, (url, logged_in) in world.urls().items()}
