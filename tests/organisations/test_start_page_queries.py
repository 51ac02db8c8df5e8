"""The start page asks the database a fixed number of times, whatever the number of units: its
boxes count in grouped queries, never unit by unit."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digiplan.lib import schoolyear
from digiplan.organisations.models import Role
from digiplan.plans import services as plan_services
from digiplan.plans.models import Activity
from tests.factories import CampaignFactory, OrganisationFactory, PersonFactory

# Each persona and a box their page must show, so that the counts are of pages doing the work.
PERSONAS = {
    "strategist": ("start-campaigns-heading", "start-org-plans-heading"),
    "leader_a": ("start-led-heading", "start-unit-plans-heading"),
    "staff": ("start-questionnaire-heading", "start-activities-heading"),
    "coordinator": ("start-led-heading", "start-unit-plans-heading"),
}


def _grow(world, units: int, code_base: int) -> list:
    """The world's two units and more, each with a leader, two staff, a published plan with a
    late activity and an activity due soon; a coordinator over the area; an open campaign."""
    today = timezone.localdate()
    nodes = [world.unit_a, world.unit_b]
    for n in range(len(nodes), units):
        unit = OrganisationFactory(
            parent=world.omrade, name=f"Enhet {n:02d}", school_unit_code=f"{code_base + n}"
        )
        PersonFactory(organisation=unit, role=Role.UNIT_LEADER)
        for _ in range(2):
            PersonFactory(organisation=unit, role=Role.STAFF)
        nodes.append(unit)
    for unit in nodes[1:]:  # unit A has no plan: the leader is asked to write one
        plan = plan_services.plan_create(actor=None, organisation=unit, school_year=schoolyear.current())
        plan_services.goal_create(actor=None, plan=plan, title="Mål")
        plan_services.plan_publish(actor=None, plan=plan)
        for title, days in (("Sen", -5), ("Snart", 5)):
            activity = plan_services.activity_create(
                actor=None, plan=plan, title=title, due_on=today + datetime.timedelta(days=30)
            )
            # Straight to the table: a date passed, and one person who carries work everywhere.
            Activity.objects.filter(pk=activity.pk).update(
                due_on=today + datetime.timedelta(days=days), owner=world.staff
            )
    CampaignFactory(huvudman=world.huvudman, actor=world.strategist, units=nodes, opened=True)
    return nodes


def _counts(world, coordinator) -> dict[str, int]:
    counts = {}
    for persona, boxes in PERSONAS.items():
        person = coordinator if persona == "coordinator" else getattr(world, persona)
        client = Client()
        client.force_login(person)
        client.get(reverse("home"))  # the session and the per-process caches warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert all(f'id="{box}"' in response.content.decode() for box in boxes), persona
        counts[persona] = len(captured)
    return counts


@pytest.mark.django_db
def test_the_start_pages_query_count_does_not_grow_with_the_units():
    from tests.conftest import build_world

    small_world = build_world()
    small_coordinator = PersonFactory(organisation=small_world.omrade, role=Role.COORDINATOR)
    _grow(small_world, 5, 50_000_000)
    small = _counts(small_world, small_coordinator)

    # A second huvudman, six times the size, in the same database.
    from digiplan.organisations.models import Huvudman

    big_world = _other_world()
    big_coordinator = PersonFactory(organisation=big_world.omrade, role=Role.COORDINATOR)
    _grow(big_world, 30, 60_000_000)
    big = _counts(big_world, big_coordinator)
    assert Huvudman.objects.count() >= 2
    assert big == small, (small, big)


def _other_world():
    """build_world's shape for a second huvudman (its names and codes are fixed, so made anew)."""
    from types import SimpleNamespace

    from digiplan.organisations import services
    from digiplan.organisations.models import OrganisationType
    from tests.factories import HuvudmanFactory

    huvudman = HuvudmanFactory(name="Stora kommunen", organisation_number="212000-9999")
    root = services.huvudman_root(huvudman)
    forvaltning = OrganisationFactory(parent=root, type=OrganisationType.FORVALTNING, name="Förvaltningen")
    omrade = OrganisationFactory(parent=forvaltning, type=OrganisationType.OMRADE, name="Området")
    unit_a = OrganisationFactory(parent=omrade, name="A-skolan", school_unit_code="61111111")
    unit_b = OrganisationFactory(parent=omrade, name="B-skolan", school_unit_code="62222222")
    return SimpleNamespace(
        huvudman=huvudman,
        omrade=omrade,
        unit_a=unit_a,
        unit_b=unit_b,
        strategist=PersonFactory(organisation=root, role=Role.STRATEGIST),
        leader_a=PersonFactory(organisation=unit_a, role=Role.UNIT_LEADER),
        staff=PersonFactory(organisation=unit_a, role=Role.STAFF),
    )
