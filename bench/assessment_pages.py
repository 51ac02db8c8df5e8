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

Last, both pages once more without the organisation's figures stored at closing
(OrgResultFigures, issue 17), as for a campaign closed before they existed: the organisation's
figures computed over every unit's, as before; the same figures shown.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from _common import analyze, fresh_database, set_up_django, use_project_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--staff", type=int, default=6000)
    parser.add_argument("--pupils", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--label", default="pages", help="part of the temp database's name")
    args = parser.parse_args()
    use_project_settings()
    with fresh_database(args.label):
        run(args)


def run(args) -> None:
    vendor = set_up_django()
    from assessment_data import build_org_with_campaigns
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from digiplan.assessments.models import CampaignUnit

    big, _last = build_org_with_campaigns(
        vendor=vendor, orgnr="212999-0001", units=args.units, staff=args.staff, pupils=args.pupils, seed=1
    )
    small, _last = build_org_with_campaigns(
        vendor=vendor, orgnr="212999-0002", units=10, staff=1000, pupils=5000, seed=2
    )
    analyze(vendor)
    if vendor == "postgresql":
        explain_live(big.campaigns[-1])

    settings.DEBUG = False  # no SQL log on the timed requests (as in production)

    def pages(org):
        campaign = org.campaigns[-1]
        unit_id = (
            CampaignUnit.objects.filter(campaign=campaign)
            .order_by("-staff_expected", "unit_id")
            .values_list("unit_id", flat=True)[0]
        )
        return {
            "org": reverse("results_org", args=[campaign.pk]),
            "unit": reverse("results_unit", args=[campaign.pk, unit_id]),
        }

    def queries(client, url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured), sorted(float(q["time"]) * 1000 for q in captured)

    targets = {"org": 150 if args.units <= 400 else 300, "unit": 100}
    client = Client()
    client.force_login(big.strategist)
    counts = {}
    for page, url in pages(big).items():
        if page == "org":
            time_uncached(client, url, args, vendor)
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
        print(
            f"{vendor:<10} {page:<4} page  median {median:6.1f} ms  min {min(times):6.1f}  "
            f"max {max(times):6.1f}  ({args.requests} requests, {len(response.content):,} "
            f"bytes, {counts[page]} queries)  target <= {targets[page]} ms: "
            f"{'met' if median <= targets[page] else 'MISSED'}"
        )
        print(
            f"{vendor:<10} {page:<4} page  of one request: SQL {sum(sql):6.1f} ms in all, "
            f"slowest queries {', '.join(f'{t:.1f}' for t in sql[::-1][:3])} ms; CPU of this "
            f"process median {statistics.median(cpu):.1f} ms"
        )
    client = Client()
    client.force_login(small.strategist)
    for page, url in pages(small).items():
        n, _sql = queries(client, url)
        print(
            f"{vendor:<10} {page:<4} page  queries with 10 units: {n}, with {args.units} units: "
            f"{counts[page]}  {'same' if n == counts[page] else 'DIFFERENT'}"
        )
    computed_over_every_unit(big, pages(big), args, vendor)
    load = os.getloadavg()
    print(f"{vendor:<10} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def time_uncached(client, url, args, vendor, label="org  page ") -> None:
    """The organisation page with the cache emptied before each request: what the first
    reader after a close (or of another filter, page or language) waits for."""
    from django.core.cache import cache

    times, cpu = [], []
    for n in range(args.warmup + args.requests):
        cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if n >= args.warmup:
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    print(
        f"{vendor:<10} {label} uncached median {statistics.median(times):6.1f} ms  min "
        f"{min(times):6.1f}  max {max(times):6.1f}  ({args.requests} requests, cache emptied "
        f"before each); CPU of this process median {statistics.median(cpu):.1f} ms"
    )


def computed_over_every_unit(org, urls, args, vendor) -> None:
    """Both pages again without the organisation's stored figures (OrgResultFigures, issue 17),
    as a campaign closed before they existed is shown: every unit's figures read and gone
    through, as the pages did before. The figures shown are the same."""
    from django.test import Client

    from digiplan.assessments.models import OrgResultFigures

    OrgResultFigures.objects.filter(campaign=org.campaigns[-1]).delete()
    client = Client()
    client.force_login(org.strategist)
    time_uncached(client, urls["org"], args, vendor, label="org  page  computed over every unit,")
    times, cpu = [], []
    for n in range(args.warmup + args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        assert client.get(urls["unit"]).status_code == 200
        if n >= args.warmup:
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    print(
        f"{vendor:<10} unit page  computed over every unit, median {statistics.median(times):6.1f} ms  "
        f"min {min(times):6.1f}  max {max(times):6.1f}; CPU of this process median "
        f"{statistics.median(cpu):.1f} ms"
    )


def explain_live(campaign) -> None:
    """EXPLAIN (ANALYZE) of the live path's answer query (_answer_stats) for the unit with the
    most staff: what a campaign closed before its figures were stored, or a snapshot, runs."""
    from django.db import connection
    from django.db.models import Count

    from digiplan.assessments.models import Answer, CampaignUnit
    from digiplan.organisations.models import Organisation

    unit_id = (
        CampaignUnit.objects.filter(campaign=campaign)
        .order_by("-staff_expected", "unit_id")
        .values_list("unit_id", flat=True)[0]
    )
    units = Organisation.objects.filter(pk=unit_id)
    answers = Answer.objects.filter(response__campaign=campaign, response__unit__in=units.values("pk"))
    query = answers.values("response__unit_id", "item_id", "response__group").annotate(n=Count("value"))
    sql, params = query.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        for (line,) in cursor.fetchall():
            print(f"postgresql explain live  {line}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
