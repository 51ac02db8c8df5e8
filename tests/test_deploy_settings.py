"""Production settings pass Django's deployment checks, and every page sends a strict CSP."""

import os
import subprocess
import sys

from django.conf import settings
from django.urls import reverse

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "k" * 60 + "Ö9#x",
    "ALLOWED_HOSTS": "digiplan.example.se",
    "SECURE_HSTS_SECONDS": "31536000",
}


def test_production_settings_pass_check_deploy():
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests set it for their own process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_on_the_public_development_key():
    """Without DEBUG and without SECRET_KEY the settings would take the development key that is
    in the code, and the ballots of open campaigns would be sealed with it."""
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": ""}
    env.pop("SECRET_KEY")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is off." in result.stderr


def test_pages_forbid_inline_script_and_style(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert "<script>" not in page and " style=" not in page


def test_a_database_url_selects_postgresql(monkeypatch):
    import dj_database_url

    config = dj_database_url.parse("postgres://u:p@db.example:5432/digiplan")
    assert config["ENGINE"] == "django.db.backends.postgresql"
