"""Issue 16: the tree summed pupil counts over a join with the memberships, so a unit with four
people showed four times its pupils. Every head count shown equals the stored one."""

import re

import pytest
from django.urls import reverse

from digiplan.organisations.models import Role
from tests.factories import OrganisationFactory, PersonFactory

# Three school forms and bands: 50 + 60 + 30 pupils.
PUPILS = {("GR", "F-3"): 50, ("GR", "4-6"): 60, ("FTH", ""): 30}
STORED = 140


def _unit_with(world, name: str, people: int):
    unit = OrganisationFactory(
        parent=world.omrade,
        name=name,
        school_forms=["GR", "FTH"],
        pupil_counts=PUPILS,
        staff_count=12,
    )
    roles = [Role.UNIT_LEADER, Role.COORDINATOR, Role.STAFF, Role.STAFF]
    for role in roles[:people]:
        PersonFactory(organisation=unit, role=role)
    return unit


def _tree_row(page: str, name: str) -> list[str]:
    """The numbers of the unit's row on the tree page: pupils and staff."""
    row = re.search(rf"<tr[^>]*>\s*<th[^>]*>\s*<a[^>]*>{name}</a>.*?</tr>", page, re.S)
    assert row, f"{name} is not on the page"
    return [c.strip() for c in re.findall(r'<td class="numeric">([^<]*)</td>', row.group(0))]


@pytest.mark.parametrize("people", [0, 1, 4])
def test_the_tree_shows_the_stored_pupils_whatever_the_number_of_people(world, client_for, people):
    _unit_with(world, "Ekbacken", people)
    page = client_for("strategist").get(reverse("organisation_tree")).content.decode()
    assert _tree_row(page, "Ekbacken") == [str(STORED), "12"]


def test_units_with_different_numbers_of_people_keep_their_own_counts(world, client_for):
    for name, people in (("Ekbacken", 0), ("Granbacken", 1), ("Hassel", 4)):
        _unit_with(world, name, people)
    page = client_for("strategist").get(reverse("organisation_tree")).content.decode()
    # Almskolan (the world's unit A: 120 pupils, two people) too.
    assert _tree_row(page, "Almskolan") == ["120", "30"]
    for name in ("Ekbacken", "Granbacken", "Hassel"):
        assert _tree_row(page, name) == [str(STORED), "12"]


def test_a_unit_leader_sees_the_stored_count_of_their_own_unit(world, client_for):
    PersonFactory(organisation=world.unit_a, role=Role.COORDINATOR)
    PersonFactory(organisation=world.unit_a, role=Role.STAFF)
    page = client_for("leader_a").get(reverse("organisation_tree")).content.decode()
    assert _tree_row(page, "Almskolan") == ["120", "30"]


@pytest.mark.parametrize("people", [0, 4])
def test_the_unit_page_shows_the_stored_total(world, client_for, people):
    unit = _unit_with(world, "Ekbacken", people)
    page = client_for("strategist").get(reverse("organisation_detail", args=[unit.pk])).content.decode()
    assert f"({STORED} " in page
    for count in ("50", "60", "30"):
        assert f">{count}<" in page


def test_device_targets_count_the_stored_pupils_whatever_the_number_of_people(world):
    """The registry's device targets divide by the same head counts: a unit's four roles do not
    multiply its pupils there either (units passed as a queryset joined with memberships)."""
    from digiplan.organisations.models import Organisation
    from digiplan.registry.targets import device_target_status
    from tests.registry.targets_helpers import head_counts, plan_with_targets

    plan_with_targets(world)
    head_counts(world.unit_b, {("GR", "4-6"): 20, ("GR", "7-9"): 30}, staff=8)
    for role in (Role.COORDINATOR, Role.STAFF, Role.STAFF):
        PersonFactory(organisation=world.unit_b, role=role)
    joined = Organisation.objects.filter(
        huvudman=world.huvudman, memberships__isnull=False, pk=world.unit_b.pk
    )
    [measured] = device_target_status(huvudman=world.huvudman, units=joined.distinct())
    heads = {s.target.description: s.heads for s in measured.statuses}
    assert heads["En enhet per elev i årskurs 1–9"] == 50
    assert heads["En dator per anställd"] == 8
