"""The project's settings as the benchmark runs them: DEBUG off, the bench's own urlconf (the project's URLs
plus a minimal view) and plain static file storage (no collectstatic needed)."""

import warnings

from lms.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns once per process that STATIC_ROOT (collectstatic's output) does not exist: the bench never
# serves static files, and the warning would only clutter the output.
warnings.filterwarnings("ignore", message="No directory at")
