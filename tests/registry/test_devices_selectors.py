"""The reads the other parts use: device counts per unit and user group, aggregated in SQL in a
number of queries that does not grow with the units, and the budget per unit and month."""

import datetime
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from digiplan.registry.device_models import Device
from digiplan.registry.devices_selectors import (
    GroupCount,
    device_budget,
    device_counts_by_group,
    device_overview,
)
from tests.factories import UnitFactory
from tests.registry.devices_helpers import import_file, swedish, template_bytes, template_row  # noqa: F401


def _units_with_devices(world, count):
    units = [UnitFactory(parent=world.omrade) for _ in range(count)]
    rows = []
    for i, unit in enumerate(units):
        rows.append(template_row(f"S{i}-1", skolenhetskod=unit.school_unit_code, användargrupp="personal"))
        rows.append(
            template_row(f"S{i}-2", skolenhetskod=unit.school_unit_code, användargrupp="elever GR 4-6")
        )
        rows.append(
            template_row(f"S{i}-3", skolenhetskod=unit.school_unit_code, användargrupp="elever GR 4-6")
        )
    import_file(world.huvudman, template_bytes(rows))
    return units


def test_counts_per_unit_and_user_group_match_the_raw_rows(world):
    units = _units_with_devices(world, 3)
    Device.objects.filter(serial_number="S0-3").update(gone_on=datetime.date(2026, 1, 1))  # gone: not counted
    import_file(world.other_huvudman, template_bytes([template_row("X", skolenhetskod="33333333")]))
    counts = device_counts_by_group(huvudman=world.huvudman)
    expected = Counter(
        (d.unit_id, d.user_group, d.school_form, d.grade_band)
        for d in Device.objects.filter(huvudman=world.huvudman, gone_on__isnull=True)
    )
    found = {
        (unit, g.user_group, g.school_form, g.grade_band): g.devices
        for unit, gs in counts.items()
        for g in gs
    }
    assert found == dict(expected)
    assert counts[units[0].pk] == [GroupCount("pupils", "GR", "4-6", 1), GroupCount("staff", "", "", 1)]
    assert world.other_unit.pk not in counts


def _queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return len(captured)


def test_the_query_count_does_not_grow_with_the_units(world):
    from digiplan.organisations.models import Organisation

    _units_with_devices(world, 2)

    def units():
        return Organisation.objects.filter(huvudman=world.huvudman, type="skolenhet")

    few = [_queries(f, huvudman=world.huvudman, units=units()) for f in (device_overview, device_budget)]
    few.append(_queries(device_counts_by_group, huvudman=world.huvudman))
    _units_with_devices(world, 12)
    many = [_queries(f, huvudman=world.huvudman, units=units()) for f in (device_overview, device_budget)]
    many.append(_queries(device_counts_by_group, huvudman=world.huvudman))
    assert many == few and max(many) <= 3


def test_the_budget_counts_per_unit_and_month_within_twelve_months(world):
    today = datetime.date(2026, 12, 3)
    rows = [
        template_row("L1", **{"avtalet löper ut": "2026-12-20"}),
        template_row("L2", **{"avtalet löper ut": "2027-02-01", "uppdateringar upphör": "2027-02-28"}),
        template_row("L3", **{"avtalet löper ut": "2027-12-01"}),  # beyond twelve months
        template_row("L4", **{"avtalet löper ut": "2026-11-30"}),  # already past
    ]
    import_file(world.huvudman, template_bytes(rows))
    units = world.huvudman.nodes.filter(type="skolenhet")
    budget = device_budget(huvudman=world.huvudman, units=units, today=today)
    assert [(r.unit, r.month, r.leases_ending, r.updates_ending) for r in budget] == [
        (world.unit_a, datetime.date(2026, 12, 1), 1, 0),
        (world.unit_a, datetime.date(2027, 2, 1), 1, 1),
    ]
