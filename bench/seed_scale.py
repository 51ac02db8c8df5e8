"""Times `manage.py seed_scale --units 5000 --staff 150000` into a fresh database.

.venv/bin/python bench/seed_scale.py                      # SQLite in a temp dir
source scripts/start-postgres && .venv/bin/python bench/seed_scale.py   # PostgreSQL
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(step: str, env: dict, *args: str) -> None:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{env['BENCH_ENGINE']:<10} {step:<10} {time.monotonic() - started:6.1f} s  "
        f"peak (largest child so far) {peak:5.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--staff", type=int, default=150000)
    options = parser.parse_args()
    env = dict(os.environ)
    base = env.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        if base.startswith("postgres"):
            import psycopg

            name = f"digiplan_seed_{uuid.uuid4().hex[:8]}"
            admin = base.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            env["DATABASE_URL"], env["BENCH_ENGINE"] = f"{base.rsplit('/', 1)[0]}/{name}", "postgresql"
        else:
            env["DATABASE_URL"], env["BENCH_ENGINE"] = f"sqlite:///{tmp}/seed.sqlite3", "sqlite"
        try:
            run("migrate", env, "migrate", "-v", "0")
            run("seed_scale", env, "seed_scale", "--units", str(options.units), "--staff", str(options.staff))
        finally:
            if base.startswith("postgres"):
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {name}")


if __name__ == "__main__":
    main()
