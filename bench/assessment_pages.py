"""Server time of the results pages for a large organisation with three closed campaigns.

    .venv/bin/python bench/assessment_pages.py                 # SQLite (a new temp file)
    source scripts/start-postgres && .venv/bin/python bench/assessment_pages.py   # PostgreSQL

Builds, in a fresh database (a temp SQLite file, or with DATABASE_URL set a new database on
that server, dropped at the end): the built-in digiplan-standard framework; one huvudman of
60 units, 6,000 staff and 30,000 pupils (manage.py seed_scale, pupil counts scaled); three
campaigns (2023/24, 2024/25, 2025/26) on that framework, each opened, rated by most unit
leaders, answered by about 70 % of staff and 60 % of pupils (by group codes) and closed
(bench/assessment_data.py). A second huvudman of 10 units (1,000 staff, 5,000 pupils) is built
the same way to compare query counts.

Then the organisation results page (results_org) and the results page of the unit with the most
staff (results_unit) of the latest campaign are requested in-process with Django's test Client
as the strategist: the time measured is the server's (URL resolving, middleware, session,
queries, rendering), without a network or an HTTP server. DEBUG is off for the timed requests.
Median and spread over --requests requests after --warmup requests, and the median CPU time
this process spent on a request (on SQLite that includes the SQL; on PostgreSQL the server's
share is not in it): on a machine shared with other work the wall time waits for the cores,
the CPU time hardly does.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--staff", type=int, default=6000)
    parser.add_argument("--pupils", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "")
    tmp = tempfile.TemporaryDirectory(prefix="digiplan-bench-")
    admin = name = None
    if base.startswith("postgres"):
        import psycopg

        server = base.rsplit("/", 1)[0]
        admin, name = server + "/postgres", f"digiplan_pages_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/pages.sqlite3"
    # The test Client sends Host: testserver.
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiplan.settings")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if admin:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        tmp.cleanup()


def run(args) -> None:
    import django

    django.setup()
    from assessment_data import build_org, run_campaign
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from digiplan.assessments.models import Answer, CampaignUnit

    vendor = connection.vendor
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"{vendor:<10} migrate {time.perf_counter() - started:6.1f} s")

    def build(orgnr, units, staff, pupils, seed):
        started = time.perf_counter()
        org = build_org(orgnr=orgnr, units=units, staff=staff, pupils=pupils, seed=seed)
        built = [run_campaign(org, school_year=year, seed=seed * 10 + n)
                 for n, year in enumerate(("2023/24", "2024/25", "2025/26"))]
        last = built[-1]
        print(f"{vendor:<10} build   {time.perf_counter() - started:6.1f} s  {units} units, "
              f"{staff:,} staff, {pupils:,} pupils; 3 closed campaigns, each e.g. "
              f"{last['asked']:,} staff asked, {last['staff_responses']:,} staff and "
              f"{last['pupil_responses']:,} pupil responses ({last['pupil_codes']} group codes), "
              f"{last['answers']:,} answers, {last['ratings_submitted']} leader ratings "
              f"submitted")
        return org

    big = build("212999-0001", args.units, args.staff, args.pupils, 1)
    small = build("212999-0002", 10, 1000, 5000, 2)
    if vendor == "postgresql":
        # As autovacuum would have done long before anyone reads the results: planner
        # statistics for the tables just bulk-loaded.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{vendor:<10} answers in the database: {Answer.objects.count():,}"
          f"{' (ANALYZE run)' if vendor == 'postgresql' else ''}")

    settings.DEBUG = False  # no SQL log on the timed requests (as in production)

    def pages(org):
        campaign = org.campaigns[-1]
        unit_id = CampaignUnit.objects.filter(campaign=campaign).order_by(
            "-staff_expected", "unit_id").values_list("unit_id", flat=True)[0]
        return {"org": reverse("results_org", args=[campaign.pk]),
                "unit": reverse("results_unit", args=[campaign.pk, unit_id])}

    def queries(client, url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured), sorted(float(q["time"]) * 1000 for q in captured)

    targets = {"org": 150, "unit": 100}
    client = Client()
    client.force_login(big.strategist)
    counts = {}
    for page, url in pages(big).items():
        for _ in range(args.warmup):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        times, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        counts[page], sql = queries(client, url)
        median = statistics.median(times)
        print(f"{vendor:<10} {page:<4} page  median {median:6.1f} ms  min {min(times):6.1f}  "
              f"max {max(times):6.1f}  ({args.requests} requests, {len(response.content):,} "
              f"bytes, {counts[page]} queries)  target <= {targets[page]} ms: "
              f"{'met' if median <= targets[page] else 'MISSED'}")
        print(f"{vendor:<10} {page:<4} page  of one request: SQL {sum(sql):6.1f} ms in all, "
              f"slowest queries {', '.join(f'{t:.1f}' for t in sql[::-1][:3])} ms; CPU of this "
              f"process median {statistics.median(cpu):.1f} ms")
    client = Client()
    client.force_login(small.strategist)
    for page, url in pages(small).items():
        n, _sql = queries(client, url)
        print(f"{vendor:<10} {page:<4} page  queries with 10 units: {n}, with {args.units} units: "
              f"{counts[page]}  {'same' if n == counts[page] else 'DIFFERENT'}")
    load = os.getloadavg()
    print(f"{vendor:<10} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
