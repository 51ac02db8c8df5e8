"""Server time and query count of each role's start page in a 60-unit organisation.

    .venv/bin/python bench/start_pages.py                 # SQLite (a new temp file)
    source scripts/start-postgres && .venv/bin/python bench/start_pages.py   # PostgreSQL

Builds, in a fresh database (a temp SQLite file, or with DATABASE_URL set a new database on
that server, dropped at the end), one huvudman of 60 units and 6,000 staff (manage.py
seed_scale, as bench/assessment_pages.py) with what a start page lists in December:

- an open campaign on the built-in framework over every unit: every staff member asked, about
  70 % answered (the participations marked, as response_submit does), leader ratings submitted
  for half the units and a draft for a quarter;
- a published plan of the current school year for two units in three (a goal, five activities
  of the unit's people, two of them late, one due within a week, a follow-up date in three
  weeks), a draft plan for one unit in six, none for the rest;
- a coordinator over one area (about 20 units).

A second huvudman of 10 units (1,000 staff) is built the same way to compare query counts.

Then the start page (`/`) is requested in-process with Django's test Client, signed in as the
strategist, the leader of the largest unit, the coordinator and a staff member with an
unanswered questionnaire and activities of their own: the time measured is the server's (URL
resolving, middleware, session, queries, rendering), without a network or an HTTP server.
DEBUG is off for the timed requests. Median and spread over --requests requests after --warmup
requests, and the median CPU time of this process per request.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

from _common import analyze, fresh_database, set_up_django, use_project_settings

TARGET_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--staff", type=int, default=6000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    use_project_settings()
    with fresh_database("start"):
        run(args)


def build(*, orgnr: str, units: int, staff: int, seed: int) -> dict:
    """The organisation with its open campaign and plans; the people whose pages are measured."""
    from assessment_data import build_org
    from django.utils import timezone

    from digiplan.assessments.models import Participation
    from digiplan.organisations.models import Membership, Organisation, OrganisationType, Role

    today = timezone.localdate()
    org = build_org(orgnr=orgnr, units=units, staff=staff, pupils=staff * 5, seed=seed)
    campaign = _open_campaign(org, today, seed)
    people = _unit_people(org.units)
    _plans(org, people, today)
    largest = max(org.units, key=lambda u: len(people[u.pk][1]))
    area = (
        Organisation.objects.filter(huvudman=org.huvudman, type=OrganisationType.OMRADE)
        .order_by("pk")
        .first()
    )
    coordinator = people[org.units[0].pk][1][-1]
    Membership.objects.create(
        huvudman=org.huvudman, person=coordinator, organisation=area, role=Role.COORDINATOR
    )
    # The coordinator has answered, so that both organisations' coordinators see the same boxes;
    # the staff member measured has not.
    Participation.objects.filter(campaign=campaign, person=coordinator).update(answered=True)
    staff_member = people[org.units[0].pk][1][0]
    Participation.objects.filter(campaign=campaign, person=staff_member).update(answered=False)
    return {
        "strategist": org.strategist,
        "leader": people[largest.pk][0],
        "coordinator": coordinator,
        "staff": staff_member,
    }


def _open_campaign(org, today: datetime.date, seed: int):
    """Open over every unit, closing in 12 days: 70 % of the staff answered, leader ratings
    submitted for half the units and a draft for a quarter."""
    import random

    from assessment_data import open_campaign
    from django.db import transaction

    from digiplan.assessments.models import LeaderRating, Participation, RatingStatus
    from digiplan.lib import schoolyear

    rng = random.Random(seed)
    with transaction.atomic():
        campaign, _tokens = open_campaign(org, school_year=schoolyear.of(today))
        campaign.opens_on = today - datetime.timedelta(days=7)
        campaign.closes_on = today + datetime.timedelta(days=12)
        campaign.save(update_fields=["opens_on", "closes_on"])
        asked = list(Participation.objects.filter(campaign=campaign).values_list("pk", flat=True))
        answered = [pk for pk in asked if rng.random() < 0.7]
        for start in range(0, len(answered), 2000):
            Participation.objects.filter(pk__in=answered[start : start + 2000]).update(answered=True)
        LeaderRating.objects.bulk_create(
            LeaderRating(
                campaign=campaign,
                unit=unit,
                status=RatingStatus.SUBMITTED if n % 4 < 2 else RatingStatus.DRAFT,
            )
            for n, unit in enumerate(org.units)
            if n % 4 < 3
        )
    return campaign


def _plans(org, people: dict, today: datetime.date) -> None:
    """Through the services: a published plan for two units in three, a draft for one in six."""
    from digiplan.lib import schoolyear
    from digiplan.plans import services as plan_services
    from digiplan.plans.models import Activity

    for n, unit in enumerate(org.units):
        leader, staff_members = people[unit.pk]
        if n % 6 == 5:
            continue  # no plan
        plan = plan_services.plan_create(
            actor=leader,
            organisation=unit,
            school_year=schoolyear.of(today),
            follow_up_due=today + datetime.timedelta(days=21),
        )
        goal = plan_services.goal_create(actor=leader, plan=plan, title="Tryggare med de digitala verktygen")
        if n % 6 == 4:
            continue  # a draft
        for number, days in enumerate((-20, -3, 5, 40, 90)):
            activity = plan_services.activity_create(
                actor=leader,
                plan=plan,
                goal=goal,
                title=f"Aktivitet {number + 1}",
                owner=leader if number % 2 else None,
                participants=staff_members[:3],
                due_on=today + datetime.timedelta(days=120),
            )
            # Straight to the table: dates passed are what make activities late.
            Activity.objects.filter(pk=activity.pk).update(due_on=today + datetime.timedelta(days=days))
        plan_services.plan_publish(actor=leader, plan=plan)


def _unit_people(units) -> dict:
    """Per unit: its leader and its staff members."""
    from digiplan.organisations.models import Membership, Role

    people: dict = {u.pk: [None, []] for u in units}
    for m in Membership.objects.filter(organisation__in=units).select_related("person").order_by("pk"):
        if m.role == Role.UNIT_LEADER:
            people[m.organisation_id][0] = m.person
        elif m.role == Role.STAFF:
            people[m.organisation_id][1].append(m.person)
    return people


def _queries(client) -> tuple[int, str]:
    """The number of queries of one more request, and its page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _timed(client, args) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of --requests requests after --warmup."""
    for _ in range(args.warmup):
        assert client.get("/").status_code == 200
    times, cpu = [], []
    for _ in range(args.requests):
        began, began_cpu = time.perf_counter(), time.process_time()
        assert client.get("/").status_code == 200
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return times, cpu


def _client(person):
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client


def run(args) -> None:
    vendor = set_up_django()
    from django.conf import settings

    from digiplan.organisations.hooks import start_page_panels

    started = time.perf_counter()
    big = build(orgnr="212999-0001", units=args.units, staff=args.staff, seed=1)
    small = build(orgnr="212999-0002", units=10, staff=1000, seed=2)
    print(f"{vendor:<10} build   {time.perf_counter() - started:6.1f} s  {args.units} + 10 units")
    analyze(vendor)
    settings.DEBUG = False  # no SQL log on the timed requests (as in production)
    for role, person in big.items():
        client = _client(person)
        times, cpu = _timed(client, args)
        count, page = _queries(client)
        small_count, _page = _queries(_client(small[role]))
        median, boxes = statistics.median(times), page.count('class="panel"')
        print(
            f"{vendor:<10} {role:<11} median {median:5.1f} ms  min {min(times):5.1f}  max {max(times):6.1f}  "
            f"CPU {statistics.median(cpu):5.1f} ms  {len(page):,} bytes, {boxes} boxes  "
            f"queries {count} ({small_count} with 10 units: "
            f"{'same' if count == small_count else 'DIFFERENT'})  "
            f"target <= {TARGET_MS} ms: {'met' if median <= TARGET_MS else 'MISSED'}"
        )
    # The same pages with only the boxes the start page had before (setup checklist, framework
    # dates, agreements): what the machine makes of the page's fixed part at the same load.
    new_boxes = ("digiplan.assessments.panels", "digiplan.plans.panels", "digiplan.reports.panels")
    start_page_panels._answerers[:] = [
        a for a in start_page_panels._answerers if a.__module__ not in new_boxes
    ]
    for role, person in big.items():
        times, cpu = _timed(_client(person), args)
        print(
            f"{vendor:<10} {role:<11} without the new boxes: median {statistics.median(times):5.1f} ms  "
            f"min {min(times):5.1f}  CPU {statistics.median(cpu):5.1f} ms"
        )
    load = os.getloadavg()
    print(f"{vendor:<10} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
