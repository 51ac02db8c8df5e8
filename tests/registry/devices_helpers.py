"""Device exports as users have them: Intune's "All devices" CSV with its dozens of columns,
Google Admin's ChromeOS CSV, and Digiplan's template, built row by row for each test."""

import csv
import io

import pytest
from django.utils import translation

from digiplan.imports.errors import ErrorList
from digiplan.registry import devices_services
from digiplan.registry.device_models import RuleMatch, UserGroup
from digiplan.registry.devices_import import DevicePlan, apply_devices, plan_devices
from digiplan.registry.devices_rows import TEMPLATE_HEADER, device_file_read

INTUNE_HEADER = [
    "Device ID",
    "Device name",
    "Enrollment date",
    "Last check-in",
    "Azure AD Device ID",
    "OS version",
    "Azure AD registered",
    "Serial number",
    "Manufacturer",
    "Model",
    "IMEI",
    "Wi-Fi MAC",
    "Total storage",
    "Free storage",
    "Management name",
    "Category",
    "UserId",
    "Primary user UPN",
    "Primary user email address",
    "Primary user display name",
    "Compliance",
    "Managed by",
    "Ownership",
    "Device state",
    "Supervised",
    "Encrypted",
    "OS",
    "JoinType",
    "Phone number",
]
CHROMEOS_HEADER = [
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


def table_bytes(header, rows, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def intune_row(serial, name="SJO-ALM-001", **extra) -> dict:
    return {
        "Device ID": f"id-{serial}",
        "Device name": name,
        "Enrollment date": "2024-08-15 09:12:44.0000000",
        "Last check-in": "11/28/2026 1:05:00 PM",
        "OS version": "10.0.22631.4460",
        "Serial number": serial,
        "Manufacturer": "LENOVO",
        "Model": "ThinkPad L13",
        "Primary user UPN": "anna.andersson@sjovik.se",
        "Primary user email address": "anna.andersson@sjovik.se",
        "Primary user display name": "Anna Andersson",
        "Ownership": "Corporate",
        "OS": "Windows",
        **extra,
    }


def chromeos_row(serial, path="/Elever/Almskolan/Ak4-6", **extra) -> dict:
    return {
        "deviceId": f"dev-{serial}",
        "serialNumber": serial,
        "status": "ACTIVE",
        "lastSync": "2026-11-30T07:41:12.000Z",
        "annotatedUser": "Bo Berg",
        "annotatedAssetId": f"ALM-{serial[-3:]}",
        "model": "Lenovo 300e Chromebook Gen 4",
        "osVersion": "130.0.6723.118",
        "orgUnitPath": path,
        "recentUsers.email": "bo.berg@elev.sjovik.se",
        "autoUpdateExpiration": "2031-06",
        **extra,
    }


def template_row(serial, **values) -> dict:
    return {
        "serienummer": serial,
        "namn": f"Enhet {serial}",
        "typ": "surfplatta",
        "användargrupp": "elever GR F-3",
        "skolenhetskod": "11111111",
        **values,
    }


def intune_bytes(rows, **options) -> bytes:
    return table_bytes(INTUNE_HEADER, rows, **options)


def chromeos_bytes(rows, **options) -> bytes:
    return table_bytes(CHROMEOS_HEADER, rows, **options)


def template_bytes(rows, **options) -> bytes:
    return table_bytes(TEMPLATE_HEADER, rows, **{"delimiter": ";", **options})


def rule(world, prefix, unit=None, match=RuleMatch.ORG_UNIT_PATH, group=UserGroup.PUPILS, form="GR", band=""):
    return devices_services.device_rule_create(
        actor=None,
        huvudman=world.huvudman,
        match=match,
        prefix=prefix,
        unit=unit or world.unit_a,
        user_group=group,
        school_form=form if group == UserGroup.PUPILS else "",
        grade_band=band,
    )


def plan_file(huvudman, data: bytes, name="enheter.csv", format=None, allowed=None) -> DevicePlan:
    errors = ErrorList()
    file = device_file_read(data, name, errors, format)
    return plan_devices(huvudman, file, errors=errors, allowed_unit_ids=allowed)


def import_file(huvudman, data: bytes, name="enheter.csv", format=None) -> DevicePlan:
    plan = plan_file(huvudman, data, name, format)
    assert not plan.errors, list(plan.errors)
    apply_devices(plan, actor=None, source=name)
    return plan


def messages(plan: DevicePlan) -> list[str]:
    return [str(error) for error in plan.errors]


@pytest.fixture(autouse=True)
def swedish():
    """Messages as a Swedish user reads them, whatever language an earlier test left active."""
    with translation.override("sv"):
        yield
