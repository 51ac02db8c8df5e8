"""The apply functions write only a plan as it was planned: a plan with errors, or one whose
new units cannot be ordered parents first, is refused with an exception that `python -O`
keeps (an `assert` would vanish, and the import would write half a file)."""

import pytest

from digiplan.imports import people, ss12000, units
from digiplan.imports.errors import ERROR_PLAN_HAS_ERRORS, ERROR_PLAN_NO_ORDER, ErrorList
from digiplan.organisations.models import Organisation, Person
from tests.helpers import domain_snapshot


def _with_error(plan):
    plan.errors.add(3, "a bad row")
    return plan


def test_a_units_plan_with_errors_is_refused_and_writes_nothing(world):
    row = units.UnitRow(line=2, type="skolenhet", name="Nyskolan", parent_ref="")
    plan = _with_error(units.plan_units(world.huvudman, [row], errors=ErrorList()))
    before = domain_snapshot()
    with pytest.raises(ValueError, match=ERROR_PLAN_HAS_ERRORS):
        units.apply_units(plan, actor=world.strategist, source="test")
    assert domain_snapshot() == before


def test_a_people_plan_with_errors_is_refused_and_writes_nothing(world):
    row = people.PersonRow(line=2, name="Ny Person", email="ny.person@example.test")
    plan = _with_error(people.plan_people(world.huvudman, [row], errors=ErrorList()))
    before = domain_snapshot()
    with pytest.raises(ValueError, match=ERROR_PLAN_HAS_ERRORS):
        people.apply_people(plan, actor=world.strategist, source="test")
    assert domain_snapshot() == before
    assert not Person.objects.filter(email="ny.person@example.test").exists()


def test_an_ss12000_plan_with_errors_is_refused(world):
    plan = ss12000.Ss12000Plan(huvudman=world.huvudman)
    plan.errors.add(1, "a bad record")
    with pytest.raises(ValueError, match=ERROR_PLAN_HAS_ERRORS):
        ss12000.apply_ss12000(plan, actor=world.strategist, source="test")


def test_new_units_whose_parent_is_never_created_are_refused_not_looped_over(world):
    """A parent that is a row of the file but neither added nor matched: no order exists."""
    orphan_parent = units.UnitRow(line=2, type="område", name="Område Saknas")
    child = units.UnitRow(line=3, type="skolenhet", name="Barnskolan", parent_ref="Område Saknas")
    plan = units.UnitPlan(huvudman=world.huvudman, adds=[child], parents={child.line: orphan_parent})
    count = Organisation.objects.count()
    with pytest.raises(ValueError, match=ERROR_PLAN_NO_ORDER):
        units.apply_units(plan, actor=world.strategist, source="test")
    assert Organisation.objects.count() == count
