"""The project's settings as the benchmark runs them: DEBUG off, the bench's own urlconf (the project's URLs
plus a minimal view), plain static file storage (no collectstatic needed) and the anonymous page cache on, as
deployed (bench.inprocess also times anonymous pages with it off: the render behind a miss).

The cache is the development default (local memory, no Redis) given room for 100,000 entries, as production's
shared Redis cache has: with Django's default of 300 the join storm's 500 sessions (SESSION_ENGINE cached_db)
pushed one another out, and most joins read their session from the database and wrote it back to the cache,
culling a third of it each time (measured: 345 session reads from the database in a storm of 200). Before this
setting the storm measured that churn, not the join."""

import warnings

from lms.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PAGE_CACHE_SECONDS = 300
CACHES = {"default": {**CACHES["default"], "OPTIONS": {"MAX_ENTRIES": 100_000}}}  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns once per process that STATIC_ROOT (collectstatic's output) does not exist: the bench never
# serves static files, and the warning would only clutter the output.
warnings.filterwarnings("ignore", message="No directory at")
