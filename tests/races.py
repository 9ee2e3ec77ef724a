"""Real races for PostgreSQL tests: ``count`` threads, each on its own database connection, start the same moment."""

import threading

from django.db import connections


def race(count, work):
    """Run ``work(index)`` in ``count`` threads released together; returns (results, errors), in finishing order."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait(timeout=30)
            results.append(work(index))
        except Exception as exc:  # reported to the caller, who asserts on it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors
