"""The national comparison over 290 huvudmän × 50 units: its build and the pages that show it.

    .venv/bin/python bench/comparison.py                  # SQLite (a new temp file)
    source scripts/start-postgres && .venv/bin/python bench/comparison.py   # PostgreSQL

In a fresh database (a temp SQLite file, or with DATABASE_URL set a new database on that server,
dropped at the end): the built-in frameworks (manage.py load_frameworks); --huvudman huvudmän of
--units school units each (school forms GR, a fifth also FS, a tenth GY), every one with a closed
campaign of 2025/26 on the standard set whose stored figures (ResultFigures, as closing writes
them) are made up: each staff and pupil indicator of the standard set with a mean and 3–40
answers, so that some units fall under k. All but a tenth of the huvudmän share. The rows are
written with bulk_create, not through closing: this benchmark is about the comparison.

Timed: comparison_build() (wall time, --builds runs, median), the results page of one unit and
the organisation's results page of the first huvudman (Django's test Client, in-process, as the
strategist, DEBUG off; median of --requests after --warmup) and the comparison section alone on
each (the hook's answer: its queries and building its rows, without the rest of the page).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from _common import analyze, fresh_database, set_up_django, use_project_settings

YEAR = "2025/26"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huvudman", type=int, default=290)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    use_project_settings()
    with fresh_database("comparison"):
        run(args)


def _standard():
    from digiplan.comparison.services import STANDARD_SLUG
    from digiplan.frameworks.models import FrameworkVersion, ItemKind

    version = FrameworkVersion.objects.get(framework__slug=STANDARD_SLUG, framework__huvudman__isnull=True)
    indicators = list(
        version.items.filter(kind=ItemKind.INDICATOR, respondent__in=["staff", "pupil"]).values_list(
            "code", "respondent"
        )
    )
    return version, indicators


def _figures(rng: random.Random, indicators, level: float) -> tuple[list, int, int]:
    staff, pupils = rng.randint(3, 40), rng.randint(0, 60)
    rows = []
    for code, group in sorted(indicators):
        answered = staff if group == "staff" else pupils
        n = answered - rng.randint(0, 2)
        if n < 5:  # closing stores only figures of n ≥ k
            continue
        mean = round(min(5.0, max(1.0, rng.gauss(level, 0.6))), 4)
        rows.append([code, group, n, answered - n, round(mean * n, 4), mean, 3, n // 2, 4, n - n // 2])
    return rows, staff, pupils


def build_data(args, vendor: str):
    """Every huvudman, unit, campaign and stored figure, bulk-created; the first huvudman's
    strategist."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from digiplan.assessments.models import Campaign, CampaignStatus, CampaignUnit, ResultFigures
    from digiplan.comparison.models import ComparisonConsent
    from digiplan.organisations.models import (
        Huvudman,
        Membership,
        Organisation,
        OrganisationType,
        Person,
        Role,
        UnitSchoolForm,
    )

    started = time.perf_counter()
    rng = random.Random(16)
    version, indicators = _standard()
    huvudmen = Huvudman.objects.bulk_create(
        Huvudman(name=f"Bench huvudman {i}", organisation_number=f"{212000 + i // 10000:06d}-{i % 10000:04d}")
        for i in range(args.huvudman)
    )
    roots = Organisation.objects.bulk_create(
        Organisation(huvudman=h, type=OrganisationType.HUVUDMAN, name=h.name, path="/") for h in huvudmen
    )
    for root in roots:
        root.path = f"/{root.pk}/"
    Organisation.objects.bulk_update(roots, ["path"], batch_size=2000)
    units = Organisation.objects.bulk_create(
        (
            Organisation(
                huvudman_id=root.huvudman_id, parent=root, type=OrganisationType.SKOLENHET, name=f"Skola {n}"
            )
            for root in roots
            for n in range(args.units)
        ),
        batch_size=2000,
    )
    by_root = {root.pk: root for root in roots}
    for unit in units:
        unit.path = f"{by_root[unit.parent_id].path}{unit.pk}/"
    Organisation.objects.bulk_update(units, ["path"], batch_size=2000)
    forms = []
    for number, unit in enumerate(units):
        forms.append(UnitSchoolForm(organisation=unit, school_form="GR"))
        if number % 5 == 0:
            forms.append(UnitSchoolForm(organisation=unit, school_form="FS"))
        if number % 10 == 3:
            forms.append(UnitSchoolForm(organisation=unit, school_form="GY"))
    UnitSchoolForm.objects.bulk_create(forms, batch_size=5000)
    today, now = timezone.localdate(), timezone.now()
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            huvudman=h,
            name="Skattning",
            school_year=YEAR,
            framework_version=version,
            include_pupils=True,
            opens_on=today,
            closes_on=today,
            status=CampaignStatus.CLOSED,
            closed_at=now,
        )
        for h in huvudmen
    )
    campaign_of = {c.huvudman_id: c for c in campaigns}
    CampaignUnit.objects.bulk_create(
        (CampaignUnit(campaign=campaign_of[u.huvudman_id], unit=u) for u in units), batch_size=5000
    )
    level = {h.pk: rng.uniform(2.2, 4.2) for h in huvudmen}
    rows = []
    for unit in units:
        figures, staff, pupils = _figures(rng, indicators, level[unit.huvudman_id])
        rows.append(
            ResultFigures(
                campaign=campaign_of[unit.huvudman_id],
                unit=unit,
                figures=figures,
                staff_responses=staff,
                pupil_responses=pupils,
            )
        )
    ResultFigures.objects.bulk_create(rows, batch_size=1000)
    ComparisonConsent.objects.bulk_create(
        ComparisonConsent(huvudman=h, shares=number % 10 != 9) for number, h in enumerate(huvudmen)
    )
    first = huvudmen[0]
    strategist = Person.objects.create(
        huvudman=first, name="Bench Strateg", email="strateg@bench.example", password=make_password(None)
    )
    Membership.objects.create(huvudman=first, person=strategist, organisation=roots[0], role=Role.STRATEGIST)
    print(
        f"{vendor:<10} data: {len(huvudmen)} huvudmän, {len(units):,} units, "
        f"{len(rows):,} stored figure rows "
        f"({sum(len(r.figures) for r in rows):,} indicator figures), {time.perf_counter() - started:.1f} s"
    )
    return strategist, campaign_of[first.pk], units[0]


def _time(call, repeat: int, warmup: int = 0) -> tuple[list[float], list[float]]:
    for _ in range(warmup):
        call()
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return times, cpu


def _server_cpu() -> float:
    """CPU seconds this connection's PostgreSQL backend has used (it runs on this machine:
    /proc/<pid>/stat, utime + stime); 0 on SQLite, whose work is this process's own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args) -> None:
    vendor = set_up_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from digiplan.comparison import panels
    from digiplan.comparison.models import ComparisonBuild, ComparisonFigure
    from digiplan.comparison.services import comparison_build

    started = time.perf_counter()
    call_command("load_frameworks", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"{vendor:<10} load_frameworks {time.perf_counter() - started:6.1f} s")
    strategist, campaign, unit = build_data(args, vendor)
    analyze(vendor)
    settings.DEBUG = False

    server_before = _server_cpu()
    times, cpu = _time(comparison_build, args.builds)
    server = (_server_cpu() - server_before) / args.builds
    build = ComparisonBuild.objects.get()
    median = statistics.median(times) / 1000
    print(
        f"{vendor:<10} build  median {median:6.2f} s  "
        f"min {min(times) / 1000:.2f}  max {max(times) / 1000:.2f}  "
        f"({args.builds} builds; CPU of this process median {statistics.median(cpu) / 1000:.2f} s"
        f"{f', of the PostgreSQL backend mean {server:.2f} s' if vendor == 'postgresql' else ''})  "
        f"{build.figure_count} figures from {build.huvudman_count} huvudmän  target <= 5 s: "
        f"{'met' if median <= 5 else 'MISSED'}"
    )
    shown = ComparisonFigure.objects.filter(school_form="").count()
    print(f"{vendor:<10} figures over all school forms: {shown}; per form: {build.figure_count - shown}")

    client = Client()
    client.force_login(strategist)
    urls = {
        "unit": reverse("results_unit", args=[campaign.pk, unit.pk]),
        "org": reverse("results_org", args=[campaign.pk]),
    }
    for page, url in urls.items():
        html = client.get(url).content.decode()
        assert "comparison-heading" in html and '<td class="numeric">' in html, page
        times, cpu = _time(lambda url=url: client.get(url), args.requests, args.warmup)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        median = statistics.median(times)
        print(
            f"{vendor:<10} {page:<4} page     median {median:6.1f} ms  "
            f"min {min(times):6.1f}  max {max(times):6.1f}  ({args.requests} requests, "
            f"{len(captured)} queries, CPU median {statistics.median(cpu):.1f} ms)  "
            f"target <= 100 ms: {'met' if median <= 100 else 'MISSED'}"
        )
        target = unit if page == "unit" else None

        def section(target=target):
            panels.results_panel(strategist, campaign, target)

        times, cpu = _time(section, args.requests, args.warmup)
        with CaptureQueriesContext(connection) as captured:
            section()
        print(
            f"{vendor:<10} {page:<4} section  median {statistics.median(times):6.1f} ms  "
            f"max {max(times):6.1f}  ({len(captured)} queries, CPU median {statistics.median(cpu):.1f} ms)"
        )
    load = os.getloadavg()
    print(f"{vendor:<10} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
