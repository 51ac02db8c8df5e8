"""Device targets measured: each unit's devices of a user group over its head count, against
the targets of the plan in force, with ratios worked out here from the raw rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import Target
from digiplan.organisations.models import Organisation, PupilCount
from digiplan.registry.device_models import Device
from digiplan.registry.targets import (
    STATUS_BELOW,
    STATUS_MET,
    STATUS_UNKNOWN,
    band_covered,
    device_target_status,
    targets_in_force,
)
from tests.factories import FrameworkVersionFactory, UnitFactory
from tests.registry.devices_helpers import import_file, template_bytes, template_row
from tests.registry.targets_helpers import PLAN, head_counts, plan_with_targets


def _units(world):
    return Organisation.objects.filter(huvudman=world.huvudman, type="skolenhet")


def _devices(world, unit, group: str, count: int, prefix: str) -> list[dict]:
    return [
        template_row(f"{prefix}{i}", skolenhetskod=unit.school_unit_code, användargrupp=group)
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("band", "target_band", "covered"),
    [
        ("4-6", "1-9", True),
        ("7-9", "1-9", True),
        ("1-9", "1-9", True),
        ("F-3", "1-9", False),  # förskoleklass (grade 0) lies outside 1–9
        ("F-3", "F-9", True),
        ("F-3", "F-3", True),
        ("4-6", "F-3", False),
        ("5", "4-6", True),
        ("4–6", "1-9", True),  # an en dash as in the plan's own text
        ("", "1-9", False),  # pupils of no stated band count only for a target of no band
        ("", "", True),
        ("7-9", "", True),
        ("Ak 4-6", "1-9", False),  # free text is not read as grades
        ("Ak 4-6", "ak 4-6", True),  # but spelled alike it matches
    ],
)
def test_a_grade_band_counts_for_a_target_when_its_grades_lie_inside(band, target_band, covered):
    assert band_covered(band, target_band) is covered


def test_ratios_per_unit_match_the_raw_rows(world):
    plan_with_targets(world)
    head_counts(world.unit_a, {("GR", "F-3"): 40, ("GR", "4-6"): 30, ("GR", "7-9"): 50}, staff=10)
    head_counts(world.unit_b, {("GR", "4-6"): 20}, staff=None)
    rows = (
        _devices(world, world.unit_a, "elever GR F-3", 12, "AF")
        + _devices(world, world.unit_a, "elever GR 4-6", 30, "A46")
        + _devices(world, world.unit_a, "elever GR 7-9", 20, "A79")
        + _devices(world, world.unit_a, "personal", 10, "AP")
        + _devices(world, world.unit_b, "elever GR 4-6", 25, "B46")
    )
    import_file(world.huvudman, template_bytes(rows))
    measured = {row.unit: row for row in device_target_status(huvudman=world.huvudman, units=_units(world))}

    def raw_ratio(unit, target):
        devices = Device.objects.filter(unit=unit, gone_on__isnull=True)
        if target.metric == "devices_per_employee":
            count, heads = devices.filter(user_group="staff").count(), unit.staff_count
        else:
            count = sum(
                1
                for d in devices.filter(user_group="pupils", school_form=target.school_form)
                if band_covered(d.grade_band, target.grade_band)
            )
            heads = sum(
                p.pupils
                for p in PupilCount.objects.filter(organisation=unit, school_form=target.school_form)
                if band_covered(p.grade_band, target.grade_band)
            )
        return Decimal(count) / Decimal(heads) if heads else None

    for unit in (world.unit_a, world.unit_b):
        unit.refresh_from_db()
        for status in measured[unit].statuses:
            assert status.ratio == raw_ratio(unit, status.target), (unit, status.target.description)
    a = {s.target.description: s for s in measured[world.unit_a].statuses}
    assert a["En enhet per elev i årskurs 1–9"].ratio == Decimal("0.625")  # 50 of 80
    assert a["En enhet per elev i årskurs 1–9"].status == STATUS_BELOW
    assert a["En enhet per två elever i F–3"].status == STATUS_BELOW  # 12 of 40 = 0.30 < 0.5
    assert a["En dator per anställd"].status == STATUS_MET
    b = {s.target.description: s for s in measured[world.unit_b].statuses}
    assert b["En enhet per elev i årskurs 1–9"].ratio == Decimal("1.25")
    assert b["En enhet per elev i årskurs 1–9"].status == STATUS_MET
    assert b["En dator per anställd"].status == STATUS_UNKNOWN  # no staff count: no ratio
    assert b["En enhet per två elever i F–3"].status == STATUS_UNKNOWN  # no F-3 pupils
    assert measured[world.unit_a].below and not measured[world.unit_b].below


def test_only_the_latest_published_version_of_the_huvudmans_own_frameworks_counts(world):
    first = plan_with_targets(world)
    lowered = PLAN.replace("slug: plan", f"slug: {first.framework.slug}").replace(
        "value: 1.0", "value: 0.8", 1
    )
    second = import_framework(lowered, huvudman=world.huvudman, actor=None, publish=True)
    FrameworkVersionFactory(huvudman=world.huvudman, text=PLAN, publish=False)  # a draft sets none
    other = FrameworkVersionFactory(huvudman=world.other_huvudman, text=PLAN)
    in_force = targets_in_force(world.huvudman)
    assert {t.version_id for t in in_force} == {second.pk}
    assert Target.objects.filter(version=other).exists()
    assert sorted(t.value for t in in_force) == [Decimal("0.5"), Decimal("0.8"), Decimal("1.0")]


def test_a_target_of_no_device_metric_is_not_measured(world):
    plan_with_targets(world, text=PLAN.replace("devices_per_employee", "teachers_trained"))
    assert [t.metric for t in targets_in_force(world.huvudman)] == ["devices_per_pupil", "devices_per_pupil"]


def _queries(world) -> int:
    with CaptureQueriesContext(connection) as captured:
        rows = device_target_status(huvudman=world.huvudman, units=_units(world))
        [s.ratio for row in rows for s in row.statuses]
    return len(captured)


def test_the_query_count_does_not_grow_with_the_units(world):
    plan_with_targets(world)
    few = _queries(world)
    for i in range(12):
        unit = UnitFactory(parent=world.omrade, pupil_counts={("GR", "4-6"): 20 + i}, staff_count=5)
        import_file(world.huvudman, template_bytes(_devices(world, unit, "elever GR 4-6", 3, f"U{i}-")))
    many = _queries(world)
    assert many == few and many <= 4


def test_the_overview_with_targets_counts_as_the_device_overview_does(world):
    from digiplan.registry.devices_selectors import device_overview  # noqa: PLC0415
    from digiplan.registry.targets import overview_with_targets  # noqa: PLC0415

    plan_with_targets(world)
    head_counts(world.unit_a, {("GR", "4-6"): 10}, staff=4)
    rows = _devices(world, world.unit_a, "elever GR 4-6", 3, "A") + _devices(
        world, world.unit_b, "personal", 2, "B"
    )
    rows.append(template_row("C1", skolenhetskod="11111111", typ="dator", användargrupp="personal"))
    import_file(world.huvudman, template_bytes(rows))
    overview, measured = overview_with_targets(huvudman=world.huvudman, units=_units(world))
    expected = device_overview(huvudman=world.huvudman, units=_units(world))
    assert [(r.unit, r.type_counts, r.by_group) for r in overview] == [
        (r.unit, r.type_counts, r.by_group) for r in expected
    ]
    assert [(m.unit, [s.ratio for s in m.statuses]) for m in measured] == [
        (m.unit, [s.ratio for s in m.statuses])
        for m in device_target_status(huvudman=world.huvudman, units=_units(world))
    ]
