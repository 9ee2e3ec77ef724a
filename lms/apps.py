from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project's wiring: management commands that span apps, the deployment checks and the anonymous page
    cache's invalidation (lms.page_cache_invalidation), the signed-in header's (lms.person_chrome)."""

    name = "lms"
    verbose_name = "LIS Commons"

    def ready(self):
        from lms import checks  # noqa: F401  (registers the system checks)
        from lms.page_cache_invalidation import page_cache_connect

        page_cache_connect()

        from lms import person_chrome

        person_chrome.connect()
