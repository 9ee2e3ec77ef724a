from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project's wiring: management commands that span apps, and the deployment checks."""

    name = "lms"
    verbose_name = "LIS Commons"

    def ready(self):
        from lms import checks  # noqa: F401  (registers the system checks)
