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


def test_production_settings_pass_check_deploy_cleanly():
    secret = "k3#9vQ!pZ2@rT7$wX5^mL8&nB4*cJ6(hF1)dS0_gA9-eY3+uI2=oP7"
    result = _check({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "lis.example.org", "SECRET_KEY": secret})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
