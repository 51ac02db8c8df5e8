"""The database lifecycle of the benchmarks that build a large organisation.

Each run gets a database of its own, made for it and dropped after it, so that a benchmark never
touches development data and always starts from the same empty schema. Called before
django.setup(): Django is imported only inside the functions.
"""

import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_memory_mib() -> float:
    """This process's own peak resident memory. Not ru_maxrss: Linux carries it over exec from
    the process that started this one, so a child started by a benchmark that has built a large
    organisation would report the parent's peak (550 MiB where the child used 93 MiB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def use_project_settings() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiplan.settings")


@contextmanager
def fresh_database(label: str):
    """A temp SQLite file, or with DATABASE_URL set a new database on that PostgreSQL server,
    as DATABASE_URL for the run; closed and removed at the end."""
    base = os.environ.get("DATABASE_URL", "")
    tmp = tempfile.TemporaryDirectory(prefix="digiplan-bench-")
    admin = name = None
    if base.startswith("postgres"):
        import psycopg

        server = base.rsplit("/", 1)[0]
        admin, name = server + "/postgres", f"digiplan_{label}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/{label}.sqlite3"
    # The test Client sends Host: testserver.
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if admin:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        tmp.cleanup()


def set_up_django() -> str:
    """django.setup() and the migrations, timed; returns the database vendor."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    vendor = connection.vendor
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"{vendor:<10} migrate {time.perf_counter() - started:6.1f} s")
    return vendor


def analyze(vendor: str) -> None:
    """Planner statistics for the tables just bulk-loaded, as autovacuum would have made long
    before anyone reads the results (PostgreSQL only)."""
    from django.db import connection

    from digiplan.assessments.models import Answer

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{vendor:<10} answers in the database: {Answer.objects.count():,}"
        f"{' (ANALYZE run)' if vendor == 'postgresql' else ''}"
    )
