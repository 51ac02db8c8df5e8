"""Issue 16: activities carried forward to a new year kept their old dates, showed as late and
appeared twice in "Mina aktiviteter". Carrying forward moves the dates into the new school year
(same day and month: a March deadline stays a March deadline) and marks the earlier activity as
carried forward: it is no longer open, so not late, and "Mina aktiviteter" shows the work once,
in the newest plan."""

import datetime
import re

import pytest
from django.urls import reverse

from digiplan.lib import schoolyear
from digiplan.plans import services
from digiplan.plans.models import Activity, ActivityStatus

THIS = schoolyear.current()
LAST = schoolyear.shifted(THIS, -1)
LAST_START = schoolyear.start_of(LAST)
# In last year's plan: started in October, due in March; both before today.
STARTS = datetime.date(LAST_START, 10, 1)
DUE = datetime.date(LAST_START + 1, 3, 15)


def _carried(world, *, publish_new: bool = True):
    earlier = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year=LAST)
    goal = services.goal_create(actor=world.leader_a, plan=earlier, title="Trygg digital miljö")
    old = services.activity_create(
        actor=world.leader_a,
        plan=earlier,
        goal=goal,
        title="Fortbildning i lärplattformen",
        owner=world.staff,
        starts_on=STARTS,
        due_on=DUE,
        status=ActivityStatus.ONGOING,
    )
    services.plan_publish(actor=world.leader_a, plan=earlier)
    plan = services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year=THIS, carry=[old]
    )
    if publish_new:
        services.plan_publish(actor=world.leader_a, plan=plan)
    old.refresh_from_db()
    return old, plan.activities.get()


def test_carried_dates_move_into_the_new_school_year(world):
    _old, copy = _carried(world)
    assert copy.starts_on == datetime.date(LAST_START + 1, 10, 1)
    assert copy.due_on == datetime.date(LAST_START + 2, 3, 15)
    first, last = schoolyear.bounds(THIS)
    assert first <= copy.starts_on <= copy.due_on <= last
    assert copy.status == ActivityStatus.ONGOING


def test_the_earlier_activity_is_carried_forward_and_not_late(world, client_for):
    old, _copy = _carried(world)
    assert old.status == ActivityStatus.CARRIED and old.due_on == DUE  # its history stays
    assert not old.is_late
    page = client_for("leader_a").get(reverse("activity_detail", args=[old.pk])).content.decode()
    assert "Flyttad till nästa plan" in page
    assert "badge-late" not in page


def test_my_activities_show_the_work_once_in_the_newest_plan(world, client_for):
    _old, copy = _carried(world)
    client = client_for("staff")
    for status in ("", "all", "late"):
        page = client.get(reverse("my_activities"), {"status": status} if status else {}).content.decode()
        titles = re.findall(r'<a href="/[^"]*">Fortbildning i lärplattformen</a>', page)
        if status == "late":
            assert not titles or copy.is_late, status
        else:
            assert len(titles) == 1, status
            assert reverse("activity_detail", args=[copy.pk]) in page


def test_what_was_carried_is_not_offered_again(world, client_for):
    old, _copy = _carried(world)
    assert not Activity.objects.filter(pk=old.pk, status__in=("planned", "ongoing")).exists()
    next_year = schoolyear.shifted(THIS, 1)
    _previous, candidates = services_carry_candidates(world, next_year)
    assert old not in candidates


def services_carry_candidates(world, year):
    from digiplan.plans import selectors

    return selectors.carry_candidates(world.unit_a, year)


def test_an_activity_without_dates_is_carried_without_dates(world):
    earlier = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year=LAST)
    old = services.activity_create(actor=world.leader_a, plan=earlier, title="Utan datum")
    plan = services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year=THIS, carry=[old]
    )
    copy = plan.activities.get()
    assert copy.starts_on is None and copy.due_on is None


def test_a_29_february_deadline_moves_to_the_28th(world):
    leap = next(y for y in range(LAST_START - 8, LAST_START) if y % 4 == 3)  # Feb 29 in y + 1
    earlier = services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year=schoolyear.label(leap)
    )
    old = services.activity_create(
        actor=world.leader_a, plan=earlier, title="Skottdag", due_on=datetime.date(leap + 1, 2, 29)
    )
    plan = services.plan_create(
        actor=world.leader_a,
        organisation=world.unit_a,
        school_year=schoolyear.label(leap + 1),
        carry=[old],
    )
    assert plan.activities.get().due_on == datetime.date(leap + 2, 2, 28)


@pytest.mark.django_db(transaction=True)
def test_the_migration_repairs_activities_carried_before_the_fix():
    """Copies made before issue 16 kept last year's dates and left the earlier one open: the
    migration moves the copy's dates into its plan's year and marks the earlier one carried."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.conftest import build_world

    world = build_world()
    earlier = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year=LAST)
    old = services.activity_create(
        actor=world.leader_a, plan=earlier, title="Gammal", starts_on=STARTS, due_on=DUE
    )
    plan = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year=THIS)
    # As plan_create copied before the fix: the same dates, the earlier one left open.
    copy = Activity.objects.create(
        plan=plan, title="Gammal", starts_on=STARTS, due_on=DUE, status="planned", carried_from=old
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("plans", "0001_initial")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    old.refresh_from_db()
    copy.refresh_from_db()
    assert old.status == ActivityStatus.CARRIED and old.due_on == DUE
    assert (copy.starts_on, copy.due_on) == (schoolyear.moved(STARTS, 1), schoolyear.moved(DUE, 1))
