"""scripts/serve (`make serve`): refuses to start without its settings or with a failing
`check --deploy`, and otherwise runs gunicorn and the worker, which answer /healthz as healthy;
when one of the two dies the other is stopped too."""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "serve"
GOOD_KEY = "k" * 60 + "Ö9#x"


def _env(tmp_path, lines: list[str], **extra) -> dict:
    env_file = tmp_path / "env.production"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env_file.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return {**env, "DIGIPLAN_ENV_FILE": str(env_file), **extra}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_refuses_to_start_without_its_settings(tmp_path, missing):
    given = {
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "digiplan.example.se",
        "SITE_URL": "https://d.example.se",
    }
    lines = ["# production", *(f"{k}={v}" for k, v in given.items() if k != missing)]
    result = subprocess.run([SCRIPT], env=_env(tmp_path, lines), capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"{missing} is not set" in result.stderr and "Not starting." in result.stderr


def test_refuses_to_start_when_check_deploy_is_not_clean(tmp_path):
    lines = ["SECRET_KEY=too-short", "ALLOWED_HOSTS=digiplan.example.se", "SITE_URL='https://d.example.se'"]
    env = _env(tmp_path, lines, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "security.W009" in result.stdout + result.stderr
    assert "check --deploy is not clean" in result.stderr
    # Nothing was migrated: the check comes before anything is written.
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall() == []


def _database_url() -> str:
    """The test database, which the tests have migrated already: the script's migrate is quick."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthz(port: int) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None


@pytest.mark.django_db(transaction=True)
def test_serves_healthz_with_gunicorn_and_the_worker_and_stops_both_when_one_dies(tmp_path):
    port = _free_port()
    lines = [f"SECRET_KEY={GOOD_KEY}", "ALLOWED_HOSTS=digiplan.example.se", "SITE_URL=https://d.example.se"]
    env = _env(
        tmp_path, lines, DATABASE_URL=_database_url(), PORT=str(port), WEB_WORKERS="1", LOG_FORMAT="json"
    )
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [SCRIPT], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120  # a few seconds on a quiet machine
        answer = None
        while time.monotonic() < deadline and serve.poll() is None:
            answer = _healthz(port)
            if answer is not None and answer[1].get("worker") == "ok":
                break
            time.sleep(0.5)
        assert answer is not None, log.read_text()
        assert answer == (
            200,
            {**answer[1], "status": "ok", "database": "ok", "migrations": "ok", "worker": "ok"},
        )

        # The worker dies: gunicorn is stopped as well, and the script says so by its status.
        worker_pid = int(re.search(r"worker \(pid (\d+)\)", log.read_text()).group(1))
        os.kill(worker_pid, signal.SIGKILL)
        assert serve.wait(timeout=60) != 0
        assert _healthz(port) is None, "gunicorn still answers"
    finally:
        # gunicorn and the worker run in sessions of their own: stop whatever is left.
        for pid in re.findall(r"pid (\d+)", log.read_text()):
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def test_the_compose_file_runs_commands_that_exist():
    """compose.yaml was not run here (no Docker daemon): its shape and commands are checked."""
    import yaml
    from django.core.management import get_commands

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "app", "worker"}
    for name in ("migrate", "app", "worker"):
        service = services[name]
        assert service["build"] == "." and service["env_file"] == ".env.production"
        assert service["environment"]["DEBUG"] == "False"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://digiplan:")
        command = service.get("command")
        if command:
            assert command[:2] == ["python", "manage.py"] and command[2] in get_commands()
    assert services["worker"]["command"][2] == "db_worker"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text(encoding="utf-8")
    assert "check --deploy --fail-level WARNING" in dockerfile and "/healthz" in dockerfile
    assert ".env.production" in (Path(settings.BASE_DIR) / ".dockerignore").read_text(encoding="utf-8")
