"""Times `manage.py import_devices` on a Google Admin ChromeOS export of 60,000 devices.

    .venv/bin/python bench/import_devices.py                 # SQLite (a new temp file)
    source scripts/start-postgres && .venv/bin/python bench/import_devices.py   # PostgreSQL

A huvudman with 60 school units and a rule per unit (its organisational unit path), then an
export as Google Admin writes it (17 columns, the annotated user's name among them). Each step
runs in a fresh Python process so that its peak memory (VmHWM, see _common.peak_memory_mib) is
its own: migrate and set up, import (every device new), import again with one device in ten
updated and one in fifty gone from the file, and the device overview page as the strategist
(time and queries), which measures every unit against the plan's three device targets (each
unit has pupils per grade band and a staff count). Targets (issue 15): import ≤ 15 s and
≤ 300 MB on both engines; the overview page ≤ 100 ms with a query count that does not grow with
units.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, fresh_database, peak_memory_mib, use_project_settings

ORGNR = "212000-6000"
UNITS = 60
HEADER = [
    "deviceId",
    "serialNumber",
    "status",
    "lastSync",
    "annotatedUser",
    "annotatedLocation",
    "annotatedAssetId",
    "notes",
    "model",
    "osVersion",
    "platformVersion",
    "firmwareVersion",
    "macAddress",
    "lastEnrollmentTime",
    "orgUnitPath",
    "recentUsers.email",
    "autoUpdateExpiration",
]
BANDS = ["F-3", "4-6", "7-9"]


def write_export(path: Path, devices: int, *, changed_every: int = 0, gone_every: int = 0) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(devices):
            if gone_every and n % gone_every == 0:
                continue
            unit, band = n % UNITS, BANDS[n % len(BANDS)]
            version = "131.0.6778.1" if changed_every and n % changed_every == 0 else "130.0.6723.118"
            writer.writerow(
                [
                    f"dev-{n}",
                    f"5CD{n:08d}",
                    "ACTIVE",
                    "2026-11-30T07:41:12.000Z",
                    f"Elev {n}",
                    "",
                    f"U{unit:02d}-{n:06d}",
                    "",
                    "Lenovo 300e Chromebook Gen 4",
                    version,
                    "16002.44.0",
                    "",
                    "",
                    "2024-08-15T09:00:00.000Z",
                    f"/Elever/Skola {unit:02d}/Ak {band}",
                    f"elev{n}@elev.bench.example",
                    f"20{29 + n % 3}-0{1 + n % 9}",
                ]
            )


PLAN = """\
format: digiplan-framework/1
slug: bench-plan
name: Digitaliseringsplan
kind: plan
source: Bench
items:
  - {code: U, kind: area, title: Utrustning}
targets:
  - {metric: devices_per_pupil, school_form: GR, grade_band: "1-9", value: 1.0, description: En per elev 1-9}
  - {metric: devices_per_pupil, school_form: GR, grade_band: "F-3", value: 0.5, description: En per två F-3}
  - {metric: devices_per_employee, value: 1.0, description: En dator per anställd}
"""


def _targets_and_head_counts(huvudman) -> None:
    """The plan in force with three device targets, and every unit's pupils per band and staff."""
    from digiplan.frameworks.exchange import import_framework
    from digiplan.organisations.models import Organisation, PupilCount

    import_framework(PLAN, huvudman=huvudman, actor=None, publish=True)
    units = list(Organisation.objects.filter(huvudman=huvudman, type="skolenhet"))
    PupilCount.objects.bulk_create(
        PupilCount(organisation=u, school_form="GR", grade_band=band, pupils=300)
        for u in units
        for band in BANDS
    )
    Organisation.objects.filter(pk__in=[u.pk for u in units]).update(staff_count=70)


def set_up() -> None:
    """A huvudman with UNITS school units, a strategist, and a rule per unit and grade band."""
    from digiplan.organisations import services
    from digiplan.organisations.models import OrganisationType, Role
    from digiplan.registry.device_models import RuleMatch, UserGroup
    from digiplan.registry.devices_services import device_rule_create

    huvudman = services.huvudman_create(name="Benchkommun", organisation_number=ORGNR)
    root = services.huvudman_root(huvudman)
    strategist = services.person_create(
        actor=None, huvudman=huvudman, name="Bench Strateg", email="strateg@bench.example"
    )
    services.membership_create(actor=None, person=strategist, organisation=root, role=Role.STRATEGIST)
    for u in range(UNITS):
        unit = services.organisation_create(
            actor=None,
            parent=root,
            type=OrganisationType.SKOLENHET,
            name=f"Skola {u:02d}",
            school_unit_code=f"{60000000 + u}",
            school_forms=["GR"],
        )
        for band in BANDS:
            device_rule_create(
                actor=None,
                huvudman=huvudman,
                match=RuleMatch.ORG_UNIT_PATH,
                prefix=f"/Elever/Skola {u:02d}/Ak {band}",
                unit=unit,
                user_group=UserGroup.PUPILS,
                school_form="GR",
                grade_band=band,
            )
    _targets_and_head_counts(huvudman)


def overview_page() -> dict:
    """The device overview as the strategist: the best of five requests, and its queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from digiplan.organisations.models import Person

    client = Client()
    client.force_login(Person.objects.get(email="strateg@bench.example"))
    times = []
    for _ in range(5):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/utrustning/")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {"best_ms": round(min(times) * 1000), "queries": len(queries), **targets_part()}


def targets_part() -> dict:
    """The device targets measured at every unit on their own (part of the page above)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digiplan.organisations.models import Huvudman, Organisation
    from digiplan.registry.targets import device_target_status

    huvudman = Huvudman.objects.get(organisation_number=ORGNR)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            rows = device_target_status(
                huvudman=huvudman, units=Organisation.objects.filter(huvudman=huvudman, type="skolenhet")
            )
        times.append(time.perf_counter() - started)
    below = sum(1 for row in rows if row.below)
    return {"targets_ms": round(min(times) * 1000), "targets_queries": len(queries), "units_below": below}


def child(step: str, path: str) -> dict:
    """Runs in its own process: one step, then its wall time and peak memory."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiplan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from digiplan.audit.models import AuditEvent
    from digiplan.registry.device_models import Device

    started = time.perf_counter()
    extra: dict = {}
    if step == "migrate":
        call_command("migrate", verbosity=0)
        set_up()
    elif step == "page":
        extra = overview_page()
    else:
        call_command("import_devices", path, "--huvudman", ORGNR, stdout=sys.stderr)
    seconds = time.perf_counter() - started
    counts = {
        "devices": Device.objects.count(),
        "gone": Device.objects.filter(gone_on__isnull=False).count(),
        "audit_events": AuditEvent.objects.count(),
    }
    return {
        "step": step,
        "seconds": round(seconds, 1),
        "peak_mib": round(peak_memory_mib()),
        "database": connection.vendor,
        "counts": counts,
        **extra,
    }


def run_child(step: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=60_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.file)))
        return
    use_project_settings()  # fresh_database closes Django's connections at the end
    with tempfile.TemporaryDirectory(prefix="digiplan-bench-") as tmp, fresh_database("devices"):
        first, second = Path(tmp) / "chromeos.csv", Path(tmp) / "chromeos-later.csv"
        write_export(first, args.devices)
        write_export(second, args.devices, changed_every=10, gone_every=50)
        print(f"Export: {args.devices:,} devices, {first.stat().st_size / 1e6:.1f} MB; {UNITS} units")
        for step, path in (("migrate", first), ("import", first), ("reimport", second), ("page", first)):
            result = run_child(step, path)
            counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
            page = (
                f"  best {result['best_ms']} ms, {result['queries']} queries; targets alone"
                f" {result['targets_ms']} ms, {result['targets_queries']} queries,"
                f" {result['units_below']} units below"
                if step == "page"
                else ""
            )
            print(
                f"{result['database']:<10} {step:<9} {result['seconds']:>6.1f} s  "
                f"peak {result['peak_mib']:>5} MiB  {counts}{page}"
            )


if __name__ == "__main__":
    main()
