"""Reads of the device register for its pages and for the other parts (targets, reports): each
aggregates in SQL, in a fixed number of queries whatever the number of units."""

import datetime
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from digiplan.organisations.access import membership_paths
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person, Role
from digiplan.registry.device_models import Device, DeviceType, DeviceUnitRule, UserGroup

# Who sees devices: the strategist every unit below them, a unit leader or coordinator theirs.
READ_ROLES = (Role.STRATEGIST, Role.UNIT_LEADER, Role.COORDINATOR)
# Who imports devices and sets the rules that place them.
WRITE_ROLES = (Role.STRATEGIST, Role.COORDINATOR)
BUDGET_MONTHS = 12


def _units_under(person: Person, roles: tuple[str, ...]) -> QuerySet[Organisation]:
    paths = membership_paths(person, roles)
    if not paths or person.huvudman_id is None:
        return Organisation.objects.none()
    reach = Q(pk__in=[])
    for path in paths:
        reach |= Q(path__startswith=path)
    return Organisation.objects.filter(
        reach, huvudman_id=person.huvudman_id, type=OrganisationType.SKOLENHET, is_active=True
    )


def device_readable_units(person: Person) -> QuerySet[Organisation]:
    """The active school units whose devices the person may see (none for staff)."""
    return _units_under(person, READ_ROLES)


def device_writable_units(person: Person) -> QuerySet[Organisation]:
    """The active school units whose devices the person may import and place by rules."""
    return _units_under(person, WRITE_ROLES)


def can_write_devices(person: Person) -> bool:
    return bool(membership_paths(person, WRITE_ROLES))


def device_rules(*, huvudman: Huvudman, units: QuerySet[Organisation]) -> QuerySet[DeviceUnitRule]:
    """The rules that place devices at the given units."""
    return DeviceUnitRule.objects.filter(huvudman=huvudman, unit__in=units).select_related("unit")


def current_devices(huvudman: Huvudman) -> QuerySet[Device]:
    """The huvudman's devices that have not gone."""
    return Device.objects.filter(huvudman=huvudman, gone_on__isnull=True)


@dataclass(frozen=True)
class GroupCount:
    user_group: str  # UserGroup
    school_form: str  # "" for staff, or for pupils of no stated school form
    grade_band: str
    devices: int


def device_counts_by_group(
    *, huvudman: Huvudman, unit_ids: list[int] | None = None
) -> dict[int, list[GroupCount]]:
    """unit id → its current devices counted per user group (school form and grade band for
    pupils, or staff): one query, however many units. The measure the device targets use."""
    devices = current_devices(huvudman)
    if unit_ids is not None:
        devices = devices.filter(unit_id__in=unit_ids)
    rows = (
        devices.values("unit_id", "user_group", "school_form", "grade_band")
        .annotate(devices=Count("pk"))
        .order_by("unit_id", "user_group", "school_form", "grade_band")
    )
    counts: dict[int, list[GroupCount]] = defaultdict(list)
    for row in rows:
        counts[row["unit_id"]].append(
            GroupCount(row["user_group"], row["school_form"], row["grade_band"], row["devices"])
        )
    return dict(counts)


def group_label(count: GroupCount) -> str:
    if count.user_group == UserGroup.STAFF:
        return str(UserGroup.STAFF.label)
    return " ".join(filter(None, [str(UserGroup.PUPILS.label), count.school_form, count.grade_band]))


@dataclass
class UnitDevices:
    unit: Organisation
    by_type: dict[str, int] = field(default_factory=dict)
    by_group: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    @property
    def type_counts(self) -> list[int]:
        """Counts in the order of DeviceType, for the table's columns."""
        return [self.by_type.get(t, 0) for t in DeviceType.values]


def device_overview(*, huvudman: Huvudman, units: QuerySet[Organisation]) -> list[UnitDevices]:
    """Each unit with its current devices per type and per user group, in three queries."""
    listed = {u.pk: UnitDevices(unit=u) for u in units.order_by("name")}
    by_type = (
        current_devices(huvudman)
        .filter(unit_id__in=list(listed))
        .values("unit_id", "type")
        .annotate(devices=Count("pk"))
        .order_by()
    )
    for row in by_type:
        listed[row["unit_id"]].by_type[row["type"]] = row["devices"]
    for unit_id, groups in device_counts_by_group(huvudman=huvudman, unit_ids=list(listed)).items():
        listed[unit_id].by_group = [(group_label(g), g.devices) for g in groups]
    return list(listed.values())


def unit_devices(unit: Organisation) -> QuerySet[Device]:
    return Device.objects.filter(unit=unit, gone_on__isnull=True).order_by("type", "serial_number")


def _month_add(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


@dataclass
class BudgetRow:
    unit: Organisation
    month: datetime.date
    leases_ending: int = 0
    updates_ending: int = 0


def _ending_per_month(
    devices: QuerySet[Device], column: str, start: datetime.date, end: datetime.date
) -> list[Mapping[str, Any]]:
    return list(
        devices.filter(**{f"{column}__gte": start, f"{column}__lt": end})
        .annotate(month=TruncMonth(column))
        .values("unit_id", "month")
        .annotate(devices=Count("pk"))
        .order_by()
    )


def device_budget(
    *, huvudman: Huvudman, units: QuerySet[Organisation], today: datetime.date | None = None
) -> list[BudgetRow]:
    """Per unit and month of the next BUDGET_MONTHS (this month first): the current devices
    whose lease or other contract ends, and those whose updates end. Three queries."""
    today = today or timezone.localdate()
    start, end = today.replace(day=1), _month_add(today, BUDGET_MONTHS)
    unit_of = {u.pk: u for u in units}
    devices = current_devices(huvudman).filter(unit_id__in=list(unit_of))
    rows: dict[tuple[int, datetime.date], BudgetRow] = {}
    for kind, column in (("leases_ending", "contract_ends_on"), ("updates_ending", "updates_end_on")):
        for row in _ending_per_month(devices, column, start, end):
            month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
            key = (row["unit_id"], month)
            if key not in rows:
                rows[key] = BudgetRow(unit=unit_of[row["unit_id"]], month=month)
            setattr(rows[key], kind, row["devices"])
    return sorted(rows.values(), key=lambda r: (r.unit.name, r.month))


TYPE_WORD = {
    DeviceType.COMPUTER: "dator",
    DeviceType.CHROMEBOOK: "chromebook",
    DeviceType.TABLET: "surfplatta",
    DeviceType.DISPLAY: "skärm",
    DeviceType.OTHER: "annan",
}
OWNERSHIP_WORD = {"owned": "ägd", "leased": "leasad"}


def _group_text(user_group: str, school_form: str, grade_band: str) -> str:
    if user_group == UserGroup.STAFF:
        return "personal"
    return " ".join(filter(None, ["elever", school_form, grade_band]))


def device_export_rows(*, huvudman: Huvudman, units: QuerySet[Organisation]) -> Iterator[list[object]]:
    """The current devices of the units as rows of Digiplan's template (devices_rows), so that
    an export can be edited and imported again. Streams: one query, read in chunks."""
    columns = (
        "serial_number",
        "name",
        "type",
        "user_group",
        "school_form",
        "grade_band",
        "unit__school_unit_code",
        "ownership",
        "contract_ends_on",
        "updates_end_on",
        "model",
        "os",
        "os_version",
        "last_check_in_on",
        "has_primary_user",
    )
    devices = current_devices(huvudman).filter(unit__in=units).order_by("unit__name", "serial_number")
    for d in devices.values_list(*columns).iterator(chunk_size=5000):
        (serial, name, kind, group, form, band, code, owned, contract, updates, model, os, version) = d[:13]
        yield [
            serial,
            name,
            TYPE_WORD.get(kind, kind),
            _group_text(group, form, band),
            code,
            OWNERSHIP_WORD.get(owned, ""),
            contract or "",
            updates or "",
            model,
            os,
            version,
            d[13] or "",
            "ja" if d[14] else "nej",
        ]
