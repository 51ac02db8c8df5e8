"""/healthz: 200 only when the database answers, every migration is applied and, with the
database task backend, a worker's heartbeat is recent; 503 with the failing check otherwise.
No sign-in, no session, no CSRF, no host check and no HTTPS redirect stand in a probe's way."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from digiplan.health import checks
from digiplan.health.heartbeat import Heartbeat
from digiplan.health.models import WorkerHeartbeat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _fresh_migration_cache():
    checks._migrations_cache.clear()
    yield
    checks._migrations_cache.clear()


def _get(client=None, **headers):
    response = (client or Client()).get("/healthz", headers=headers)
    return response.status_code, json.loads(response.content)


def test_healthy_without_a_worker_when_tasks_run_at_once(db):
    status, body = _get()
    assert (status, body) == (
        200,
        {"status": "ok", "database": "ok", "migrations": "ok", "worker": "not used"},
    )


def test_a_recent_heartbeat_is_healthy_and_an_old_one_is_not(db, settings):
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    status, body = _get()
    assert status == 503 and body["worker"] == "none" and body["status"] == "fail"

    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now, beat_at=now - timedelta(seconds=5))
    status, body = _get()
    assert status == 200 and body["worker"] == "ok" and body["workers"] == 1

    WorkerHeartbeat.objects.update(beat_at=now - timedelta(seconds=300))
    status, body = _get()
    assert status == 503 and body["worker"] == "stale" and body["worker_heartbeat_age_s"] >= 300


def test_an_unapplied_migration_answers_503(db, monkeypatch):
    monkeypatch.setattr(checks, "unapplied_migrations", lambda: [("health", "0099_new")])
    status, body = _get()
    assert status == 503 and body["migrations"] == "unapplied"


def test_the_migration_plan_is_computed_once_per_few_seconds(db, monkeypatch, settings):
    settings.HEALTHZ_MIGRATION_CACHE_SECONDS = 30
    calls = []
    monkeypatch.setattr(checks, "unapplied_migrations", lambda: calls.append(1) or [])
    for _ in range(3):
        assert _get()[0] == 200
    assert calls == [1]


def test_the_real_migration_plan_is_empty_on_the_test_database(db):
    assert checks.unapplied_migrations() == []


def test_a_database_that_does_not_answer_answers_503(db, monkeypatch):
    monkeypatch.setattr(checks, "database_answers", lambda: False)
    status, body = _get()
    assert status == 503 and body == {
        "status": "fail",
        "database": "unreachable",
        "migrations": "unknown",
        "worker": "unknown",
    }


def test_probes_pass_host_check_https_redirect_and_write_no_session(
    client_for, settings, django_assert_max_num_queries
):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["digiplan.example.se"]
    settings.SECURE_SSL_REDIRECT = True
    # A load balancer's plain-HTTP probe, by address: answered, not redirected, not refused.
    response = Client().get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    # A signed-in person's request would renew their session; a probe's writes nothing.
    client = client_for("staff")
    with django_assert_max_num_queries(3) as queries:
        assert client.get("/healthz", HTTP_HOST="digiplan.example.se").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_nothing_but_states_is_shown(db, settings):
    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="secret-worker-name", started_at=now, beat_at=now)
    _status, body = _get()
    assert set(body) == {"status", "database", "migrations", "worker", "worker_heartbeat_age_s", "workers"}
    assert "secret-worker-name" not in json.dumps(body)


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_it_runs_and_leaves_when_it_stops():
    heartbeat = Heartbeat("worker-under-test", interval=0.05)
    heartbeat.start()
    first = WorkerHeartbeat.objects.get(worker_id="worker-under-test").beat_at
    import time

    deadline = time.monotonic() + 5
    while WorkerHeartbeat.objects.get(worker_id="worker-under-test").beat_at == first:
        assert time.monotonic() < deadline, "the heartbeat was not renewed"
        time.sleep(0.05)
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="worker-under-test").exists()


def test_db_worker_is_digiplans_command_with_the_heartbeat():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "digiplan.health"
