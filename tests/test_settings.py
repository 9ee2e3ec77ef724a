import subprocess
import sys

import pytest

from lms.env import env_bool


def _check(env: dict) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_wrong_boolean_is_an_error_not_false(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


def test_production_refuses_the_development_secret():
    result = _check({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "lis.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _check(
        {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "lis.example.org", "SECRET_KEY": "x" * 64, "DEBUG": "true"}
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


SECRET = "k3#9vQ!pZ2@rT7$wX5^mL8&nB4*cJ6(hF1)dS0_gA9-eY3+uI2=oP7"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "ALLOWED_HOSTS": "lis.example.org",
    "SECRET_KEY": SECRET,
    "CERTIFICATES_KEY_PASSPHRASE": "a long and stable passphrase for the badge keys",
    "REDIS_CACHE_URL": "redis://127.0.0.1:6379/1",
}


def test_production_settings_pass_check_deploy_cleanly():
    result = _check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_an_empty_certificates_key_passphrase():
    """check --deploy fails (an Error, whatever --fail-level) when the badge signing keys would be unencrypted."""
    env = {**PRODUCTION, "CERTIFICATES_KEY_PASSPHRASE": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "lms.E001" in result.stderr
    assert "lms.E002" not in result.stderr


def test_production_refuses_a_per_process_cache():
    """Without REDIS_CACHE_URL the cache is per process: rate limits would not be shared, so check --deploy fails."""
    env = {key: value for key, value in PRODUCTION.items() if key != "REDIS_CACHE_URL"}
    result = _check(env)
    assert result.returncode != 0
    assert "lms.E002" in result.stderr
    assert "LocMemCache" in result.stderr
    assert "lms.E001" not in result.stderr


def test_the_deployment_checks_stay_quiet_outside_production():
    result = _check({"DJANGO_ENV": "development"})
    assert "lms.E00" not in result.stdout + result.stderr
