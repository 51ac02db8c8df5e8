"""Times `manage.py import_ss12000` on a national-scale payload in a fresh database.

    .venv/bin/python bench/import_ss12000.py                 # SQLite (a new temp file)
    source scripts/start-postgres && .venv/bin/python bench/import_ss12000.py   # PostgreSQL

Generates SS 12000 pages for one huvudman with 5,000 school units (under 10 förvaltningar and
200 rektorsområden) and 150,000 staff with a duty each (one in ten has a second duty), as a real
API export would: several files of at most --page-size records, persons with civic numbers,
addresses and phone numbers. Then, each step in a fresh Python process so that its peak
memory (VmHWM, see _common.peak_memory_mib) is its own: migrate a fresh database, import
(plan + apply), and import the same pages again (which must change nothing). With
DATABASE_URL set, a new database is created on that server and dropped at the end.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import peak_memory_mib

ROOT = Path(__file__).resolve().parent.parent
GIVEN = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Eva",
    "Johan",
    "Sara",
    "Per",
    "Lena",
    "Nils",
    "Emma",
    "Olof",
    "Ingrid",
    "Ali",
    "Fatima",
    "Mohammed",
    "Elin",
    "Oskar",
]
FAMILY = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
]
ROLES = (
    ["Lärare"] * 10
    + ["Förskollärare"] * 4
    + ["Barnskötare"] * 3
    + [
        "Fritidspedagog",
        "Speciallärare/specialpedagog",
        "Skoladministratör",
        "Kurator",
        "Annan personal",
        "Förstelärare",
        "Lärarassistent",
    ]
)
FORMS = [["FS"], ["FKLASS", "FTH", "GR"], ["GR"], ["GY"], ["GR", "GRS"], ["VUX", "SFI"]]
META = {"created": "2025-08-01T08:00:00Z", "modified": "2026-08-15T08:00:00Z"}
ORGNR = "2120005000"


def ident(kind: int, n: int) -> str:
    return str(uuid.UUID(int=(kind << 96) | n))


def write_pages(directory: Path, name: str, records, page_size: int) -> list[str]:
    files, page, number = [], [], 1

    def flush(last: bool):
        nonlocal page, number
        path = directory / f"{name}-{number}.json"
        with path.open("w", encoding="utf-8") as out:
            json.dump(
                {"data": page, "pageToken": None if last else f"{name}{number + 1}"}, out, ensure_ascii=False
            )
        files.append(str(path))
        page, number = [], number + 1

    for record in records:
        page.append(record)
        if len(page) == page_size:
            flush(False)
    flush(True)
    return files


def generate(directory: Path, units: int, persons: int, page_size: int) -> list[str]:
    rng = random.Random(12000)
    forvaltningar, omraden = 10, 200
    orgs = [
        {
            "id": ident(1, 0),
            "meta": META,
            "displayName": "Benchkommun",
            "organisationType": "Huvudman",
            "organisationNumber": ORGNR,
        }
    ]
    for f in range(forvaltningar):
        orgs.append(
            {
                "id": ident(1, 1 + f),
                "meta": META,
                "displayName": f"Förvaltning {f + 1}",
                "organisationType": "Förvaltning",
                "parentOrganisation": {"id": ident(1, 0)},
            }
        )
    for o in range(omraden):
        orgs.append(
            {
                "id": ident(2, o),
                "meta": META,
                "displayName": f"Rektorsområde {o + 1}",
                "organisationType": "Rektorsområde",
                "parentOrganisation": {"id": ident(1, 1 + o % forvaltningar)},
            }
        )
    for u in range(units):
        orgs.append(
            {
                "id": ident(3, u),
                "meta": META,
                "displayName": f"Skolenhet {u + 1}",
                "organisationType": "Skolenhet",
                "schoolUnitCode": f"{30000000 + u}",
                "schoolTypes": FORMS[u % len(FORMS)],
                "municipalityCode": "0180",
                "parentOrganisation": {"id": ident(2, u % omraden)},
                "address": {
                    "type": "Besöksadress",
                    "streetAddress": f"Skolgatan {u}",
                    "locality": "Benchstad",
                    "postalCode": "111 11",
                    "country": "Sverige",
                },
            }
        )
    rng.shuffle(orgs)  # an API has no duty to send parents first

    def people():
        for p in range(persons):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            yield {
                "id": ident(4, p),
                "meta": META,
                "givenName": given,
                "familyName": family,
                "civicNo": {"value": f"19{rng.randint(50, 99)}0101{p % 10000:04d}"},
                "emails": [
                    {"type": "Privat", "value": f"p{p}@privat.example"},
                    {"type": "Skola personal", "value": f"{given}.{family}.{p}@bench.example".lower()},
                ],
                "phoneNumbers": [{"value": f"070-{p:07d}", "type": "Hem", "mobile": True}],
                "addresses": [
                    {
                        "type": "Folkbokföring",
                        "streetAddress": f"Hemgatan {p}",
                        "locality": "Benchstad",
                        "postalCode": "111 22",
                        "country": "Sverige",
                    }
                ],
            }

    def duties():
        n = 0
        for p in range(persons):
            for extra in range(2 if p % 10 == 0 else 1):
                role = "Rektor" if p < units and not extra else rng.choice(ROLES)
                unit = p % units if not extra else rng.randrange(units)
                yield {
                    "id": ident(5, n),
                    "meta": META,
                    "person": {"id": ident(4, p)},
                    "dutyAt": {"id": ident(3, unit)},
                    "dutyRole": role,
                    "startDate": "2020-08-01",
                    "dutyPercent": 100,
                }
                n += 1

    return (
        write_pages(directory, "organisations", orgs, page_size)
        + write_pages(directory, "persons", people(), page_size)
        + write_pages(directory, "duties", duties(), page_size)
    )


def child(step: str, files: list[str]) -> dict:
    """Runs in its own process: one step, then its wall time and peak memory."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiplan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from digiplan.audit.models import AuditEvent
    from digiplan.organisations.models import Membership, Organisation, Person

    started = time.perf_counter()
    if step == "migrate":
        call_command("migrate", verbosity=0)
    else:
        call_command("import_ss12000", *files, stdout=sys.stderr)
    seconds = time.perf_counter() - started
    peak_kib = peak_memory_mib() * 1024
    counts = (
        {}
        if step == "migrate"
        else {
            "organisations": Organisation.objects.count(),
            "people": Person.objects.count(),
            "memberships": Membership.objects.count(),
            "audit_events": AuditEvent.objects.count(),
        }
    )
    return {
        "step": step,
        "seconds": round(seconds, 1),
        "peak_mib": round(peak_kib / 1024),
        "database": connection.vendor,
        "counts": counts,
    }


def run_child(step: str, files: list[str], env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, *files],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--persons", type=int, default=150_000)
    parser.add_argument("--page-size", type=int, default=10_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.files)))
        return

    with tempfile.TemporaryDirectory(prefix="digiplan-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        files = generate(directory, args.units, args.persons, args.page_size)
        size = sum(Path(f).stat().st_size for f in files)
        print(
            f"Generated {len(files)} page files, {size / 1e6:.0f} MB, "
            f"in {time.perf_counter() - started:.0f} s: {args.units:,} school units, "
            f"{args.persons:,} persons with duties."
        )
        env = dict(os.environ)
        drop = None
        if env.get("DATABASE_URL"):
            import psycopg

            server = env["DATABASE_URL"].rsplit("/", 1)[0]
            maintenance = server + "/postgres"  # the database in the URL may not exist yet
            name = f"digiplan_bench_{os.getpid()}"
            with psycopg.connect(maintenance, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = f"{server}/{name}"

            def drop():
                with psycopg.connect(maintenance, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            env["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
        try:
            for step in ("migrate", "import", "reimport"):
                result = run_child(step, files, env)
                counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
                print(
                    f"{result['database']:<10} {step:<9} {result['seconds']:>6.1f} s  "
                    f"peak {result['peak_mib']:>5} MiB  {counts}"
                )
        finally:
            if drop:
                drop()


if __name__ == "__main__":
    main()
