"""National scale: 290 huvudmän, 15,000 units, a 100,000-response close, the results pages.

    source scripts/start-postgres && .venv/bin/python bench/national_scale.py   # PostgreSQL
    .venv/bin/python bench/national_scale.py --scale 0.02                     # small, SQLite

In a fresh database (bench/_common.py: with DATABASE_URL set, a new database digiplan_national_…
on that PostgreSQL server, dropped at the end; else a temp SQLite file), at --scale 1:

* 290 municipal huvudmän with 15,000 school units in all (preschools included: seed_scale's
  profiles), skewed: one of 1,500 units (the size of the largest independent school groups, to
  measure the issue's 1,500-unit target), then 700, 400, 300, 250 and 200; the other 284 have
  20–60 each. Each huvudman is `manage.py seed_scale`'s organisation (förvaltningar › områden ›
  units, a leader per unit, staff spread by load) with its pupil counts scaled so that the
  units hold 2 million pupils in all, in proportion to their number of units, and a strategist.
* 150,000 staff: 100,000 at the largest huvudman (so that one campaign can have 100,000 staff
  responses: a stress far above any single real municipality), the other 50,000 spread over
  the rest by units.
* At the largest huvudman one campaign on digiplan-standard, opened, rated by most leaders,
  answered by every staff member (100,000 sealed ballots in the box, bench/assessment_data.py's
  run_campaign, as response_submit makes them) and left open for the timed close.
* At a sample of the others (the 700- and 400-unit ones, the median and the smallest) one
  campaign, opened, rated, answered (70 % of staff, 60 % of pupils) and closed.

Measured: services.campaign_close of the big campaign (target ≤ 60 s; --profile for a
cProfile of it); the organisation results page of every sampled huvudman and of the big one
after its close (Django's test Client as the strategist, DEBUG off; uncached: the cache emptied
before each request, and cached; median of --requests; queries); and on PostgreSQL EXPLAIN
(ANALYZE, BUFFERS) of the slowest SELECTs of the close and of the largest page, with every
sequential scan of a table of more than 10,000 rows flagged.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _common import analyze, fresh_database, set_up_django, use_project_settings

HUVUDMEN, UNITS, PUPILS, STAFF, BIG_STAFF = 290, 15_000, 2_000_000, 150_000, 100_000
LARGE_SHARES = (1500, 700, 400, 300, 250, 200)  # units at --scale 1; the rest have 20–60
BIG_TABLE_ROWS = 10_000  # a sequential scan of a larger table is flagged


@dataclass
class Plan:
    """How big each huvudman is: units, staff and pupils, largest first."""

    units: list[int]
    staff: list[int]
    pupils: list[int]


def plan(scale: float, seed: int = 17) -> Plan:
    """The sizes at this scale, largest first, summing exactly to the scaled totals."""
    n = max(4, round(HUVUDMEN * scale))
    total = max(5 * n, round(UNITS * scale))
    large = [max(1, round(u * scale)) for u in LARGE_SHARES][: max(1, n // 4)]
    rng = random.Random(seed)
    weights = [rng.triangular(20, 60, 35) for _ in range(n - len(large))]
    rest = _spread(total - sum(large), weights)
    units = sorted(large + rest, reverse=True)
    big_staff = round(BIG_STAFF * scale)
    others = _spread(round(STAFF * scale) - big_staff, units[1:])
    return Plan(units=units, staff=[big_staff, *others], pupils=_spread(round(PUPILS * scale), units))


def _spread(total: int, weights: list[float]) -> list[int]:
    """total split in proportion to weights, at least 1 each, the rounding carried along."""
    whole, out, running, given = sum(weights), [], 0.0, 0
    for w in weights:
        running += w * total / whole
        out.append(max(1, round(running) - given))
        given = round(running)
    return out


def sample(p: Plan) -> dict[str, int]:
    """The huvudmän whose results page is measured, by index into the plan (largest first)."""
    picks = {"largest (big campaign)": 0, "second": 1, "third": 2, "median": len(p.units) // 2}
    picks["smallest"] = len(p.units) - 1
    seen, out = set(), {}
    for label, index in picks.items():
        if index not in seen and index < len(p.units):
            seen.add(index)
            out[label] = index
    return out


def build(
    p: Plan, vendor: str, *, pupil_rate: float = 0.0, sample_pupil_rate: float = 0.6, quiet: bool = False
) -> dict:
    """Every huvudman, the sample's closed campaigns and the big open one; timed."""
    from assessment_data import build_org, run_campaign, standard_version

    say = (lambda *_: None) if quiet else print
    started = time.perf_counter()
    standard_version()
    orgs = []
    for i, (units, staff, pupils) in enumerate(zip(p.units, p.staff, p.pupils, strict=True)):
        orgnr = f"{213000 + i // 10000:06d}-{i % 10000:04d}"
        orgs.append(build_org(orgnr=orgnr, units=units, staff=staff, pupils=pupils, seed=i + 1))
    say(
        f"{vendor:<10} seed    {time.perf_counter() - started:6.1f} s  {len(orgs)} huvudmän, "
        f"{sum(p.units):,} units, {sum(p.staff):,} staff, {sum(p.pupils):,} pupils "
        f"(largest {p.units[0]:,} units / {p.staff[0]:,} staff, smallest {p.units[-1]} units)"
    )
    picked = sample(p)
    closed = {}
    for label, index in picked.items():
        if index == 0:
            continue
        step = time.perf_counter()
        built = run_campaign(orgs[index], school_year="2025/26", pupil_rate=sample_pupil_rate, seed=index + 1)
        closed[label] = (orgs[index], built["campaign"])
        say(
            f"{vendor:<10} sample  {time.perf_counter() - step:6.1f} s  {label}: {p.units[index]:,} "
            f"units, {built['staff_responses']:,} staff and {built['pupil_responses']:,} pupil "
            f"responses, closed"
        )
    step = time.perf_counter()
    big = run_campaign(
        orgs[0], school_year="2025/26", staff_rate=1.0, pupil_rate=pupil_rate, close=False, seed=1
    )
    say(
        f"{vendor:<10} box     {time.perf_counter() - step:6.1f} s  big campaign: "
        f"{big['staff_responses']:,} staff and {big['pupil_responses']:,} pupil ballots in the box, "
        f"{big['ratings_submitted']:,} leader ratings"
    )
    say(f"{vendor:<10} build   {time.perf_counter() - started:6.1f} s  in all")
    return {"orgs": orgs, "closed": closed, "big": big, "picked": picked}


def close_big(data: dict, vendor: str, *, profile: bool = False) -> list[dict]:
    """Times campaign_close of the big campaign; returns the SELECTs it ran, for EXPLAIN."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digiplan.assessments.models import Answer, Ballot, Response
    from digiplan.assessments.services import campaign_close

    org, campaign = data["orgs"][0], data["big"]["campaign"]
    boxed = Ballot.objects.filter(campaign=campaign).count()
    profiler = cProfile.Profile() if profile else None
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        campaign_close(actor=org.strategist, campaign=campaign)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    print(
        f"{vendor:<10} close   {seconds:6.1f} s  {boxed:,} ballots -> "
        f"{Response.objects.filter(campaign=campaign).count():,} responses, "
        f"{Answer.objects.filter(response__campaign=campaign).count():,} answers, "
        f"{Ballot.objects.filter(campaign=campaign).count()} ballots left; "
        f"{len(captured)} queries  target <= 60 s: {'met' if seconds <= 60 else 'MISSED'}"
    )
    if profiler:
        out = io.StringIO()
        for order in ("cumulative", "tottime"):
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(25)
        print("\n".join(f"profile {line}" for line in out.getvalue().splitlines() if line.strip()))
    data["closed"]["largest (big campaign)"] = (org, campaign)
    return list(captured.captured_queries)


def measure_pages(data: dict, vendor: str, requests: int) -> dict[str, list[dict]]:
    """The organisation results page of every sampled huvudman: uncached and cached."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from digiplan.assessments.models import CampaignUnit

    settings.DEBUG = False
    captured_by = {}
    for label, (org, campaign) in data["closed"].items():
        units = CampaignUnit.objects.filter(campaign=campaign).count()
        client = Client()
        client.force_login(org.strategist)
        url = reverse("results_org", args=[campaign.pk])
        _get(client, url)  # the first request of the process loads templates and translations
        cold, warm = [], []
        for _ in range(requests):
            cache.clear()
            cold.append(_get(client, url))
        for _ in range(requests):
            warm.append(_get(client, url))
        cache.clear()
        with CaptureQueriesContext(connection) as cold_q:
            client.get(url)
        with CaptureQueriesContext(connection) as warm_q:
            client.get(url)
        captured_by[label] = list(cold_q.captured_queries)
        target = 150 if units <= 400 else 300 if units <= 1500 else None
        median = statistics.median(cold)
        verdict = (
            "no target"
            if target is None
            else f"target <= {target} ms: " + ("met" if median <= target else "MISSED")
        )
        print(
            f"{vendor:<10} page    {label:<22} {units:>5} units  uncached median {median:6.1f} ms "
            f"(max {max(cold):6.1f}, {len(cold_q)} queries)  cached median "
            f"{statistics.median(warm):6.1f} ms ({len(warm_q)} queries)  {verdict}"
        )
    return captured_by


def _get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def explain(label: str, queries: list[dict], slowest: int = 3) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECTs (PostgreSQL), printed; the flagged
    sequential scans of large tables returned. Run in a transaction that is rolled back."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        return []
    selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    selects.sort(key=lambda q: -float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        rows = {name: n for name, n in cursor.fetchall()}
    flagged = []
    for number, query in enumerate(selects[:slowest], 1):
        print(f"explain {label} #{number} ({float(query['time']) * 1000:.1f} ms): {query['sql'][:300]}")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {query['sql']}")
            for (line,) in cursor.fetchall():
                print(f"explain {label} #{number}   {line}")
                if "Seq Scan on " in line:
                    table = line.split("Seq Scan on ", 1)[1].split()[0]
                    if rows.get(table, 0) > BIG_TABLE_ROWS:
                        flagged.append(f"{label} #{number}: {line.strip()} ({rows[table]:,.0f} rows)")
            transaction.set_rollback(True)
    return flagged


def write_floor(data: dict, vendor: str) -> float | None:
    """The bare limit of the close's biggest write on the same stack (PostgreSQL): the big
    campaign's answers copied, in one transaction, into a new table with the answers table's
    own indexes and its two foreign keys (deferred, as Django makes them), committed; then
    dropped. No ballots opened, no shuffle, no responses, no figures: what writing that many
    answers costs at the least."""
    from django.db import connection, transaction

    from digiplan.assessments.models import Answer, Response

    if connection.vendor != "postgresql":
        return None
    answers, responses = Answer._meta.db_table, Response._meta.db_table
    item_table = Answer._meta.get_field("item").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_answer_floor (LIKE {answers} INCLUDING ALL)")
        cursor.execute(
            f"ALTER TABLE bench_answer_floor ADD FOREIGN KEY (response_id) REFERENCES {responses} (id) "
            "DEFERRABLE INITIALLY DEFERRED, "
            f"ADD FOREIGN KEY (item_id) REFERENCES {item_table} (id) DEFERRABLE INITIALLY DEFERRED"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO bench_answer_floor SELECT a.* FROM {answers} a JOIN {responses} r "  # noqa: S608
            "ON r.id = a.response_id WHERE r.campaign_id = %s",
            [data["big"]["campaign"].pk],
        )
        rows = cursor.rowcount
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # a test's transaction: the checks still wait for its end
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DROP TABLE bench_answer_floor")
    print(
        f"{vendor:<10} floor   {seconds:6.1f} s  {rows:,} answers written again into a table with the "
        "same indexes and deferred foreign keys, one transaction (the bare limit of the close's write)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = national; 0.02 for a quick run")
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--pupil-rate", type=float, default=0.0, help="pupils answering in the big campaign")
    parser.add_argument("--profile", action="store_true", help="cProfile the close")
    args = parser.parse_args()
    use_project_settings()
    with fresh_database("national"):
        vendor = set_up_django()
        from django.conf import settings

        settings.DEBUG = False  # no SQL log while building; CaptureQueriesContext logs what it times
        # Every view imported now, not at the first page request after a 15-minute build: in a
        # checkout that changes meanwhile, the run either fails at once or measures one state.
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018
        p = plan(args.scale)
        data = build(p, vendor, pupil_rate=args.pupil_rate)
        analyze(vendor)
        close_queries = close_big(data, vendor, profile=args.profile)
        analyze(vendor)
        write_floor(data, vendor)
        pages = measure_pages(data, vendor, args.requests)
        flagged = explain("close", close_queries)
        flagged += explain("page", pages["largest (big campaign)"])
        print(f"{vendor:<10} sequential scans of large tables: {'; '.join(flagged) or 'none'}")
        load = os.getloadavg()
        print(f"{vendor:<10} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
