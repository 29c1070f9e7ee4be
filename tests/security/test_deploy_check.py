"""`manage.py check --deploy` is clean with the README's production environment, taken
from the README itself (the block after <!-- production-environment -->), so that the two
cannot drift apart. The only substitution: a random SECRET_KEY for the placeholder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.security.production import ROOT, production_env, readme_production_environment


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_readme_lists_the_production_settings():
    variables = readme_production_environment()
    assert variables["DEBUG"] == "0"
    assert variables["CONN_MAX_AGE"] == "600"
    assert variables["DATABASE_URL"].startswith("postgres://")
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER"):
        assert name in variables, name


def test_check_deploy_is_clean_with_the_readme_production_environment():
    result = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_COOKIES"])
def test_check_deploy_would_say_if_a_production_line_were_missing(missing):
    """The negative control: the check above is not clean by accident."""
    result = manage(production_env(**{missing: None}), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": db["ENGINE"],
    "CONN_MAX_AGE": db["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": list(settings.SECURE_PROXY_SSL_HEADER),
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
}))
"""


def settings_under(env: dict[str, str]) -> dict:
    env = {**env, "DJANGO_SETTINGS_MODULE": "marelle.settings"}
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_keeps_connections_and_checks_them_before_use():
    """CONN_MAX_AGE=600 without health checks turned every dropped connection (a PostgreSQL
    restart) into one 500 per worker (issue 10, defect 8)."""
    seen = settings_under(production_env())
    assert seen["DEBUG"] is False
    assert seen["ENGINE"] == "django.db.backends.postgresql"
    assert seen["CONN_MAX_AGE"] == 600
    assert seen["CONN_HEALTH_CHECKS"] is True
    assert seen["SESSION_COOKIE_SECURE"] and seen["CSRF_COOKIE_SECURE"] and seen["SECURE_SSL_REDIRECT"]
    assert seen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert seen["SECURE_HSTS_SECONDS"] == 31536000


def test_health_checks_are_on_even_when_the_line_is_forgotten():
    assert settings_under(production_env(CONN_HEALTH_CHECKS=None))["CONN_HEALTH_CHECKS"] is True
    assert settings_under(production_env(CONN_HEALTH_CHECKS="0"))["CONN_HEALTH_CHECKS"] is False
