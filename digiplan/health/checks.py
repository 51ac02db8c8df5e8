"""What /healthz reports: does the database answer, are all migrations applied, is a task worker
alive. Each check is cheap: one SELECT 1, a migration plan computed at most every
HEALTHZ_MIGRATION_CACHE_SECONDS per process, and one indexed read of the heartbeats."""

import time
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.tasks import task_backends
from django.utils import timezone

from digiplan.health.models import WorkerHeartbeat

_migrations_cache: dict[str, tuple[float, bool]] = {}


def database_answers() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def unapplied_migrations() -> list[tuple[str, str]]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, _backwards in plan]


def migrations_applied() -> bool:
    """Cached per process for a few seconds: loading the migration graph reads every file."""
    now = time.monotonic()
    cached = _migrations_cache.get(DEFAULT_DB_ALIAS)
    if cached is not None and now - cached[0] < settings.HEALTHZ_MIGRATION_CACHE_SECONDS:
        return cached[1]
    applied = not unapplied_migrations()
    _migrations_cache[DEFAULT_DB_ALIAS] = (now, applied)
    return applied


def worker_needed() -> bool:
    """Only the database backend needs a worker; the immediate one runs tasks in the request."""
    return task_backends["default"].__class__.__module__.startswith("django_tasks_db")


def worker_state() -> dict[str, object]:
    if not worker_needed():
        return {"worker": "not used"}
    now = timezone.now()
    newest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if newest is None:
        return {"worker": "none"}
    max_age = timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=now - max_age).count()
    return {
        "worker": "ok" if now - newest <= max_age else "stale",
        "worker_heartbeat_age_s": round((now - newest).total_seconds(), 1),
        "workers": alive,
    }


def report() -> tuple[bool, dict[str, object]]:
    """(healthy, what to show). Nothing secret: states, an age and a count."""
    checks: dict[str, object] = {}
    if not database_answers():
        checks.update(database="unreachable", migrations="unknown", worker="unknown")
        return False, checks
    checks["database"] = "ok"
    try:
        checks["migrations"] = "ok" if migrations_applied() else "unapplied"
        checks.update(worker_state())
    except Exception:
        # e.g. the heartbeat table itself is not migrated yet
        checks.setdefault("migrations", "unknown")
        checks.setdefault("worker", "unknown")
    healthy = checks["migrations"] == "ok" and checks["worker"] in ("ok", "not used")
    return healthy, checks
