"""The project's settings as the benchmark runs them: DEBUG off, the bench's own urlconf (the project's URLs
plus a minimal view), plain static file storage (no collectstatic needed) and the anonymous page cache on, as
deployed (bench.inprocess also times anonymous pages with it off: the render behind a miss)."""

import warnings

from lms.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PAGE_CACHE_SECONDS = 300
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns once per process that STATIC_ROOT (collectstatic's output) does not exist: the bench never
# serves static files, and the warning would only clutter the output.
warnings.filterwarnings("ignore", message="No directory at")
