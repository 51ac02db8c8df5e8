"""Server time of the report PDFs and peak memory of the streamed XLSX of every answer.

    .venv/bin/python bench/report_exports.py                 # SQLite (a new temp file)
    source scripts/start-postgres && .venv/bin/python bench/report_exports.py   # PostgreSQL

Builds the organisation of bench/assessment_pages.py (its setup code, by import: 60 units,
6,000 staff, 30,000 pupils, three closed campaigns 2023/24–2025/26 on digiplan-standard) in a
fresh database, then, as the strategist, with Django's test Client in-process (DEBUG off):

- the unit report PDF (report_export …/export.pdf) of the unit with the most staff: median of
  --unit-requests requests after one warm-up (target ≤ 1.5 s);
- the organisation report PDF (report_org_export export.pdf): median of --org-requests
  requests after one warm-up (target ≤ 10 s);
- the XLSX of every answer (report_answers_export svar.xlsx) of the latest campaign, in a fresh
  Python process that does nothing else: django.setup(), one request, the streamed response
  read to its end; its peak memory (ru_maxrss, the whole process: Python, Django and all)
  is what is printed (target ≤ 300 MB).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

from _common import analyze, fresh_database, peak_memory_mib, set_up_django, use_project_settings


def _answers_only(strategist_id: int) -> None:
    """The child process: one request for the answers XLSX, then its peak memory."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from digiplan.organisations.models import Person

    settings.DEBUG = False
    client = Client()
    client.force_login(Person.objects.get(pk=strategist_id))
    started = time.perf_counter()
    response = client.get(reverse("report_answers_export"))
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    seconds = time.perf_counter() - started
    peak = peak_memory_mib()
    print(f"{seconds:.2f} {size} {peak:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--staff", type=int, default=6000)
    parser.add_argument("--pupils", type=int, default=30_000)
    parser.add_argument("--unit-requests", type=int, default=10)
    parser.add_argument("--org-requests", type=int, default=3)
    parser.add_argument("--answers-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    use_project_settings()
    if args.answers_only:
        _answers_only(args.answers_only)
        return
    with fresh_database("reports"):
        run(args)


def run(args) -> None:
    vendor = set_up_django()
    from assessment_data import build_org_with_campaigns
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from digiplan.assessments.models import CampaignUnit

    org, last = build_org_with_campaigns(
        vendor=vendor, orgnr="212999-0001", units=args.units, staff=args.staff, pupils=args.pupils, seed=1
    )
    analyze(vendor)
    connection.close()  # the child process gets the database to itself

    settings.DEBUG = False
    client = Client()
    client.force_login(org.strategist)
    campaign = org.campaigns[-1]
    unit_id = (
        CampaignUnit.objects.filter(campaign=campaign)
        .order_by("-staff_expected", "unit_id")
        .values_list("unit_id", flat=True)[0]
    )
    targets = {
        "unit": (reverse("report_export", args=[unit_id, "pdf"]), args.unit_requests, 1.5),
        "org": (reverse("report_org_export", args=["pdf"]), args.org_requests, 10.0),
    }
    for page, (url, requests, target) in targets.items():
        response = client.get(url)  # warm-up: WeasyPrint's fonts, the frozen framework
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        median = statistics.median(times)
        print(
            f"{vendor:<10} {page:<4} PDF  median {median:6.2f} s  min {min(times):6.2f}  "
            f"max {max(times):6.2f}  ({requests} requests, {len(response.content):,} bytes)  "
            f"target <= {target} s: {'met' if median <= target else 'MISSED'}"
        )

    child = subprocess.run(
        [sys.executable, __file__, "--answers-only", str(org.strategist.pk)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    seconds, size, peak = child.stdout.split()
    print(
        f"{vendor:<10} answers XLSX  {float(seconds):6.2f} s  {int(size):,} bytes  "
        f"({last['answers']:,} answers in the campaign)  peak memory of the process "
        f"{peak} MiB  target <= 300 MB: {'met' if int(peak) * 1.048576 <= 300 else 'MISSED'}"
    )
    load = os.getloadavg()
    print(f"{vendor:<10} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
