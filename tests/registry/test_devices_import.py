"""Importing devices: each export as users have it, the rules that place devices at units, and
every bad row named while nothing is written."""

import datetime

import pytest
from django.db import connection

from digiplan.audit.models import AuditEvent
from digiplan.registry.device_models import Device, DeviceFormat, DeviceType, Ownership, RuleMatch, UserGroup
from digiplan.registry.devices_import import (
    ERROR_DEVICE_OUT_OF_REACH,
    ERROR_NO_UNIT,
    ERROR_NO_USER_GROUP,
    ERROR_OUT_OF_REACH,
    ERROR_UNKNOWN_UNIT_CODE,
)
from digiplan.registry.devices_rows import (
    ERROR_BAD_DATE,
    ERROR_SERIAL_DUPLICATE,
    ERROR_SERIAL_MISSING,
    ERROR_UNKNOWN_TYPE,
    parse_date,
)
from tests.helpers import domain_snapshot
from tests.registry.devices_helpers import (  # noqa: F401  (swedish: an autouse fixture)
    INTUNE_HEADER,
    chromeos_bytes,
    chromeos_row,
    import_file,
    intune_bytes,
    intune_row,
    messages,
    plan_file,
    rule,
    swedish,
    table_bytes,
    template_bytes,
    template_row,
)


def test_an_intune_export_places_devices_by_name_prefix_and_reads_its_us_dates(world):
    rule(world, "SJO-ALM", match=RuleMatch.NAME_PREFIX, group=UserGroup.STAFF)
    rule(world, "SJO-BJO", unit=world.unit_b, match=RuleMatch.NAME_PREFIX, band="7-9")
    import_file(world.huvudman, intune_bytes([intune_row("PF1AAA"), intune_row("PF1BBB", name="SJO-BJO-17")]))
    staff = Device.objects.get(serial_number="PF1AAA")
    assert (staff.unit, staff.user_group, staff.type) == (world.unit_a, UserGroup.STAFF, DeviceType.COMPUTER)
    assert staff.enrolled_on == datetime.date(2024, 8, 15)
    assert staff.last_check_in_on == datetime.date(2026, 11, 28)
    pupil = Device.objects.get(serial_number="PF1BBB")
    assert (pupil.unit, pupil.school_form, pupil.grade_band) == (world.unit_b, "GR", "7-9")


def test_a_chromeos_export_places_devices_by_the_longest_org_unit_path(world):
    rule(world, "/Elever", unit=world.unit_b)
    rule(world, "/Elever/Almskolan", band="4-6")
    import_file(
        world.huvudman,
        chromeos_bytes([chromeos_row("5CD1"), chromeos_row("5CD2", path="/Elever/Almskolanx")]),
    )
    first, second = Device.objects.order_by("serial_number")
    assert (first.unit, first.type, first.grade_band) == (world.unit_a, DeviceType.CHROMEBOOK, "4-6")
    assert first.updates_end_on == datetime.date(2031, 6, 30)  # "2031-06": updates until its end
    assert second.unit == world.unit_b  # "/Elever/Almskolanx" is not below "/Elever/Almskolan"


def test_the_template_in_latin_1_with_semicolons_and_swedish_dates(world):
    data = template_bytes(
        [
            template_row("A1", typ="Dator", ägande="leasad", **{"avtalet löper ut": "30/6 2027"}),
            template_row("A2", användargrupp="personal", **{"uppdateringar upphör": "2028-12-31"}),
        ],
        encoding="cp1252",
    )
    import_file(world.huvudman, data)
    leased = Device.objects.get(serial_number="A1")
    assert (leased.type, leased.ownership, leased.contract_ends_on) == (
        DeviceType.COMPUTER,
        Ownership.LEASED,
        datetime.date(2027, 6, 30),
    )
    assert Device.objects.get(serial_number="A2").user_group == UserGroup.STAFF


def test_a_utf8_file_with_a_bom_and_commas_reads_the_same(world):
    import_file(
        world.huvudman, template_bytes([template_row("B1", namn="Åsas skärm")], delimiter=",", bom=True)
    )
    assert Device.objects.get().name == "Åsas skärm"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-08-31", datetime.date(2026, 8, 31)),
        ("2026-08-31T10:00:00Z", datetime.date(2026, 8, 31)),
        ("31/8 2026", datetime.date(2026, 8, 31)),
        ("31.8.2026", datetime.date(2026, 8, 31)),
        ("8/31/2026 1:05:00 PM", datetime.date(2026, 8, 31)),
        ("Jun 2029", datetime.date(2029, 6, 30)),
        ("1656633600000", datetime.date(2022, 7, 1)),
        ("31/2 2026", None),
        ("snart", None),
    ],
)
def test_dates_as_exports_write_them(text, day):
    assert parse_date(text) == day


def test_every_bad_row_is_named_with_its_line_and_nothing_is_written(world):
    rule(world, "/Elever/Almskolan")
    before = domain_snapshot(), Device.objects.count()
    data = chromeos_bytes(
        [
            chromeos_row("OK1"),
            chromeos_row(""),  # line 3
            chromeos_row("DUP"),
            chromeos_row("dup"),  # line 5: serial numbers are compared without case
            chromeos_row("NOUNIT", path="/Personal"),  # line 6
            chromeos_row("BADDATE", lastSync="igår"),  # line 7
        ]
    )
    plan = plan_file(world.huvudman, data)
    assert messages(plan) == [
        f"Rad 3: {ERROR_SERIAL_MISSING}",
        "Rad 5: " + str(ERROR_SERIAL_DUPLICATE) % {"serial": "DUP", "line": 4},
        f"Rad 6: {ERROR_NO_UNIT}",
        "Rad 7: " + str(ERROR_BAD_DATE) % {"value": "igår", "column": "lastSync"},
    ]
    assert not plan.adds
    with pytest.raises(ValueError):
        from digiplan.registry.devices_import import apply_devices

        apply_devices(plan, actor=None, source="x")
    assert (domain_snapshot(), Device.objects.count()) == before


def test_an_unknown_type_and_an_unknown_unit_code_are_errors_in_swedish(world):
    plan = plan_file(
        world.huvudman,
        template_bytes([template_row("T1", typ="brödrost"), template_row("T2", skolenhetskod="99999999")]),
    )
    assert messages(plan) == [
        "Rad 2: " + str(ERROR_UNKNOWN_TYPE) % {"value": "brödrost"},
        "Rad 3: " + str(ERROR_UNKNOWN_UNIT_CODE) % {"code": "99999999"},
    ]
    assert "Okänd enhetstyp" in messages(plan)[0]


def test_another_huvudmans_unit_code_finds_no_unit(world):
    plan = plan_file(world.huvudman, template_bytes([template_row("T1", skolenhetskod="33333333")]))
    assert messages(plan) == ["Rad 2: " + str(ERROR_UNKNOWN_UNIT_CODE) % {"code": "33333333"}]


def test_a_unit_code_without_a_user_group_or_rule_is_an_error(world):
    data = table_bytes([*INTUNE_HEADER, "Skolenhetskod"], [intune_row("X1", Skolenhetskod="11111111")])
    plan = plan_file(world.huvudman, data)
    assert messages(plan) == [f"Rad 2: {ERROR_NO_USER_GROUP}"]


def test_reimport_updates_by_serial_number_and_marks_missing_devices_gone_never_deleting(world):
    rule(world, "/Elever/Almskolan")
    import_file(world.huvudman, chromeos_bytes([chromeos_row("C1"), chromeos_row("C2"), chromeos_row("C3")]))
    ids = dict(Device.objects.values_list("serial_number", "pk"))
    plan = import_file(
        world.huvudman,
        chromeos_bytes([chromeos_row("C1", osVersion="131.0"), chromeos_row("C2")]),
    )
    assert plan.summary == {"add": 0, "change": 1, "gone": 1, "unchanged": 1}
    assert dict(Device.objects.values_list("serial_number", "pk")) == ids  # nothing deleted
    assert Device.objects.get(serial_number="C1").os_version == "131.0"
    assert Device.objects.get(serial_number="C3").gone_on == datetime.date.today()
    back = import_file(world.huvudman, chromeos_bytes([chromeos_row(s) for s in ("C1", "C2", "C3")]))
    assert back.summary["change"] == 2 and Device.objects.get(serial_number="C3").gone_on is None


def test_a_vendor_export_keeps_the_lease_the_template_gave(world):
    rule(world, "/Elever/Almskolan")
    import_file(
        world.huvudman,
        template_bytes([template_row("L1", ägande="leasad", **{"avtalet löper ut": "2027-01-31"})]),
    )
    import_file(world.huvudman, chromeos_bytes([chromeos_row("L1")]))
    device = Device.objects.get()
    assert (device.ownership, device.contract_ends_on) == (Ownership.LEASED, datetime.date(2027, 1, 31))
    assert device.type == DeviceType.CHROMEBOOK


def test_no_primary_users_name_or_address_lands_in_any_column(world):
    rule(world, "/Elever", match=RuleMatch.ORG_UNIT_PATH)
    rule(world, "SJO-ALM", match=RuleMatch.NAME_PREFIX)
    import_file(
        world.huvudman,
        intune_bytes(
            [
                intune_row("P1", name="SJO-ALM-ANDERSSON", OS="iOS/iPadOS", Model="iPad (9th generation)"),
                intune_row("P3", name="SJO-ALM Annas iPad"),
            ]
        ),
    )
    import_file(world.huvudman, chromeos_bytes([chromeos_row("P2")]), format=DeviceFormat.CHROMEOS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Device._meta.db_table}")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row).lower()
    for secret in ("anna", "andersson", "sjovik.se", "bo berg", "bo.berg", "berg"):
        assert secret not in stored
    assert list(Device.objects.values_list("has_primary_user", flat=True)) == [True, True, True]
    assert Device.objects.get(serial_number="P1").name == "SJO-ALM"
    audit = " ".join(str(e.changes) + e.object_label for e in AuditEvent.objects.all()).lower()
    assert "andersson" not in audit and "bo berg" not in audit


def test_script_in_a_name_is_stored_as_the_text_it_is(world):
    name = "<script>alert(1)</script>"
    import_file(world.huvudman, template_bytes([template_row("S1", namn=name)]))
    assert Device.objects.get().name == name


def test_a_coordinator_imports_only_for_their_own_units(world):
    rule(world, "/Elever/Almskolan")
    rule(world, "/Elever/Bjorkskolan", unit=world.unit_b)
    import_file(world.huvudman, chromeos_bytes([chromeos_row("B9", path="/Elever/Bjorkskolan")]))
    allowed = {world.unit_a.pk}
    plan = plan_file(
        world.huvudman,
        chromeos_bytes([chromeos_row("A9"), chromeos_row("B8", path="/Elever/Bjorkskolan")]),
        allowed=allowed,
    )
    assert messages(plan) == ["Rad 3: " + str(ERROR_OUT_OF_REACH) % {"unit": "Björkskolan"}]
    moved = plan_file(world.huvudman, chromeos_bytes([chromeos_row("B9")]), allowed=allowed)
    assert messages(moved) == ["Rad 2: " + str(ERROR_DEVICE_OUT_OF_REACH) % {"unit": "Björkskolan"}]
    alone = plan_file(world.huvudman, chromeos_bytes([chromeos_row("A9")]), allowed=allowed)
    assert alone.summary["gone"] == 0  # unit B's device is not theirs to mark gone


def test_the_same_serial_number_at_another_huvudman_is_another_device(world):
    rule(world, "/Elever/Almskolan")
    import_file(world.huvudman, chromeos_bytes([chromeos_row("SAME")]))
    import_file(world.other_huvudman, template_bytes([template_row("SAME", skolenhetskod="33333333")]))
    assert Device.objects.filter(serial_number="SAME").count() == 2
    again = plan_file(world.huvudman, chromeos_bytes([chromeos_row("SAME")]))
    assert again.summary == {"add": 0, "change": 0, "gone": 0, "unchanged": 1}


def test_each_device_written_has_its_audit_row_and_the_import_one_more(world):
    rule(world, "/Elever/Almskolan")
    import_file(world.huvudman, chromeos_bytes([chromeos_row("AU1"), chromeos_row("AU2")]))
    actions = sorted(AuditEvent.objects.filter(huvudman=world.huvudman).values_list("action", flat=True))
    assert actions.count("device.create") == 2 and "import.devices" in actions
