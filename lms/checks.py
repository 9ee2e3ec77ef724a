"""System checks that refuse a production deployment missing what the platform's guarantees rest on.

Run by ``manage.py check --deploy`` (and so by CI and before each deployment); each is an Error only in production.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@register(Tags.security, deploy=True)
def certificates_key_passphrase_set(app_configs, **kwargs):
    """The associations' Open Badges signing keys must be encrypted at rest."""
    if not getattr(settings, "PRODUCTION", False) or getattr(settings, "CERTIFICATES_KEY_PASSPHRASE", ""):
        return []
    return [
        Error(
            "CERTIFICATES_KEY_PASSPHRASE is empty: the associations' badge signing keys would be stored unencrypted.",
            hint="Set CERTIFICATES_KEY_PASSPHRASE to a long random value and keep it stable.",
            id="lms.E001",
        )
    ]


@register(Tags.caches, Tags.security, deploy=True)
def cache_shared_between_processes(app_configs, **kwargs):
    """Rate limits (failed logins, certificate look-ups) live in the cache: every worker must see the same counts."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend}) is not shared between processes: each worker would keep its own "
            "failed-login and look-up counts, multiplying the limits.",
            hint="Set REDIS_CACHE_URL (e.g. redis://127.0.0.1:6379/1).",
            id="lms.E002",
        )
    ]
