"""The environment every benchmark process runs in, and what is recorded about the machine with each figure."""

import os
import platform
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def django_env(*, database_url: str, workdir: Path) -> dict[str, str]:
    """Variables for a benchmark process: bench settings (DEBUG off), the given database, a throw-away media
    folder, in-process Celery and e-mail, and only errors logged (the per-request log line would be timed too)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_ENV="development",
        DEBUG="false",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        EMAIL_URL="memorymail://",
        CELERY_TASK_ALWAYS_EAGER="true",
        LOG_LEVEL="ERROR",
        REQUEST_LOG_LEVEL="ERROR",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def load() -> float:
    """The one-minute load average now (other sessions may share the machine: every figure carries it)."""
    return round(os.getloadavg()[0], 2)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    import django

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "load_at_start": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
    }
