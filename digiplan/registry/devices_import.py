"""Devices: the rows of a file (devices_rows.py) → a plan of adds, changes and devices gone →
apply, all of it in one transaction with its audit rows, or nothing.

The plan places each row at a unit (its school unit code, else the huvudman's longest matching
rule), checks it against what the importing person may change, and compares it with the stored
device of the same serial number. A device the file no longer lists is marked gone, never
deleted."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.audit.bulk import AuditWriter
from digiplan.audit.services import audit_record
from digiplan.imports.errors import ERROR_PLAN_HAS_ERRORS, ErrorList
from digiplan.lib.bulk import bulk_insert
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person
from digiplan.registry.device_models import Device, DeviceUnitRule, RuleMatch, UserGroup
from digiplan.registry.devices_rows import DATE_COLUMNS, DEVICE_FIELDS, DeviceFile, DeviceRow

ERROR_NO_UNIT = _(
    "The device matches no unit: it has no school unit code and no rule for its organisational "
    "unit path or name matches it."
)
ERROR_UNKNOWN_UNIT_CODE = _("No active school unit of yours has the school unit code %(code)s.")
ERROR_NO_USER_GROUP = _(
    "The device has no user group: give one in the file or in the rule that places it at its unit."
)
ERROR_OUT_OF_REACH = _("The device's unit %(unit)s is not one you may import devices for.")
ERROR_DEVICE_OUT_OF_REACH = _(
    "The device with this serial number belongs to %(unit)s, a unit you may not import devices for."
)
ERROR_STAFF_WITH_FORM = _("A device for staff has no school form or grade band.")

INSERT_COLUMNS = ["huvudman_id", "unit_id", "serial_number", *DEVICE_FIELDS]
AUDITED_ON_CREATE = ("unit_id", "type", "user_group", "school_form", "grade_band")
# What the plan compares and an update writes: the fields and where the device stands.
STORED_FIELDS = ("unit_id", *DEVICE_FIELDS, "gone_on")


@dataclass(slots=True)
class DeviceChange:
    pk: int
    serial_number: str
    before: dict[str, Any]
    after: dict[str, Any]  # every stored field, changed or not


@dataclass
class DevicePlan:
    huvudman: Huvudman
    adds: list[tuple[Any, ...]] = field(default_factory=list)  # rows of INSERT_COLUMNS
    changes: list[DeviceChange] = field(default_factory=list)
    gone: list[tuple[int, str]] = field(default_factory=list)  # (pk, serial number)
    unchanged: int = 0
    errors: ErrorList = field(default_factory=ErrorList)
    unit_names: dict[int, str] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "add": len(self.adds),
            "change": len(self.changes),
            "gone": len(self.gone),
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True, slots=True)
class _Rule:
    unit_id: int
    user_group: str
    school_form: str
    grade_band: str


class _Rules:
    """The huvudman's rules by their prefix, so that a row finds its rule in a few dictionary
    look-ups (one per path segment, or per distinct prefix length), not a pass over every rule."""

    def __init__(self, rules: list[DeviceUnitRule]) -> None:
        self.by_path: dict[str, _Rule] = {}
        self.by_name: dict[str, _Rule] = {}
        for r in rules:
            found = _Rule(r.unit_id, r.user_group, r.school_form, r.grade_band)
            if r.match == RuleMatch.ORG_UNIT_PATH:
                self.by_path[r.prefix.lower().rstrip("/")] = found
            else:
                self.by_name[r.prefix.lower()] = found
        self.name_lengths = sorted({len(p) for p in self.by_name}, reverse=True)

    def for_path(self, path: str) -> _Rule | None:
        """The rule of the longest path prefix, by whole segments: "/elever/alm" does not
        reach "/elever/almby"."""
        path = path.lower().rstrip("/")
        while path:
            if path in self.by_path:
                return self.by_path[path]
            path = path.rpartition("/")[0]
        return None

    def for_name(self, name: str) -> _Rule | None:
        name = name.lower()
        for length in self.name_lengths:
            if length <= len(name) and name[:length] in self.by_name:
                return self.by_name[name[:length]]
        return None

    def for_row(self, row: DeviceRow) -> _Rule | None:
        """A path rule first (it names the unit on purpose); a name rule else."""
        return (self.for_path(row.org_unit_path) if row.org_unit_path else None) or self.for_name(row.name)


@dataclass
class _Places:
    """The huvudman's units and rules, and which units the importer may change."""

    unit_by_code: dict[str, int]
    unit_names: dict[int, str]
    rules: _Rules
    allowed: set[int] | None  # None: every unit


def _places(huvudman: Huvudman, allowed: set[int] | None) -> _Places:
    units = Organisation.objects.filter(huvudman=huvudman, type=OrganisationType.SKOLENHET)
    names, codes = {}, {}
    for pk, name, code, active in units.values_list("pk", "name", "school_unit_code", "is_active"):
        names[pk] = name
        if code and active:
            codes[code] = pk
    rules = _Rules(list(DeviceUnitRule.objects.filter(huvudman=huvudman)))
    return _Places(unit_by_code=codes, unit_names=names, rules=rules, allowed=allowed)


def _place(row: DeviceRow, places: _Places, errors: ErrorList) -> tuple[int, str, str, str] | None:
    """(unit, user group, school form, grade band) for a row; None with an error added."""
    rule = places.rules.for_row(row)
    if row.unit_code:
        unit_id = places.unit_by_code.get(row.unit_code)
        if unit_id is None:
            errors.add(row.line, str(ERROR_UNKNOWN_UNIT_CODE) % {"code": row.unit_code[:20]})
            return None
    elif rule is not None:
        unit_id = rule.unit_id
    else:
        errors.add(row.line, str(ERROR_NO_UNIT))
        return None
    if places.allowed is not None and unit_id not in places.allowed:
        errors.add(row.line, str(ERROR_OUT_OF_REACH) % {"unit": places.unit_names.get(unit_id, "")})
        return None
    if row.user_group:
        group = (row.user_group, row.school_form, row.grade_band)
    elif rule is not None:
        group = (rule.user_group, rule.school_form, rule.grade_band)
    else:
        errors.add(row.line, str(ERROR_NO_USER_GROUP))
        return None
    if group[0] == UserGroup.STAFF and (group[1] or group[2]):
        errors.add(row.line, str(ERROR_STAFF_WITH_FORM))
        return None
    return unit_id, *group


def _stored(huvudman: Huvudman) -> dict[str, tuple[Any, ...]]:
    """serial number → (pk, *STORED_FIELDS) of the huvudman's devices."""
    columns = ("serial_number", "pk", *STORED_FIELDS)
    return {
        values[0]: values[1:]
        for values in Device.objects.filter(huvudman=huvudman)
        .values_list(*columns)
        .order_by()
        .iterator(chunk_size=10000)
    }


def _values(row: DeviceRow, place: tuple[int, str, str, str]) -> dict[str, Any]:
    values = {key: getattr(row, key) for key in DEVICE_FIELDS}
    values["unit_id"], values["user_group"], values["school_form"], values["grade_band"] = place
    return values


def _compare(
    plan: DevicePlan, row: DeviceRow, new: dict[str, Any], stored: tuple[Any, ...], given: frozenset[str]
) -> None:
    pk, old = stored[0], dict(zip(STORED_FIELDS, stored[1:], strict=True))
    after = {key: new[key] if key in given else old[key] for key in old}
    after["gone_on"] = None
    changed = {key for key in after if after[key] != old[key]}
    if not changed:
        plan.unchanged += 1
        return
    plan.changes.append(
        DeviceChange(
            pk=pk,
            serial_number=row.serial_number,
            before={key: old[key] for key in sorted(changed)},
            after=after,
        )
    )


def plan_devices(
    huvudman: Huvudman,
    file: DeviceFile,
    *,
    errors: ErrorList | None = None,
    allowed_unit_ids: set[int] | None = None,
) -> DevicePlan:
    """The steps: read the units and rules → place each row → compare with the stored device
    of its serial number → mark the stored devices the file leaves out as gone (only in the
    units the importer may change). Any error leaves the plan empty."""
    plan = DevicePlan(huvudman=huvudman, errors=errors if errors is not None else ErrorList())
    places = _places(huvudman, allowed_unit_ids)
    plan.unit_names = places.unit_names
    stored = _stored(huvudman)
    # Where a device stands and whom it serves come from every file (its columns or a rule).
    given = file.given | {"unit_id", "user_group", "school_form", "grade_band"}
    seen: set[str] = set()
    for row in file.rows:
        place = _place(row, places, plan.errors)
        existing = stored.get(row.serial_number)
        if existing is not None and allowed_unit_ids is not None and existing[1] not in allowed_unit_ids:
            unit = places.unit_names.get(existing[1], "")
            plan.errors.add(row.line, str(ERROR_DEVICE_OUT_OF_REACH) % {"unit": unit})
            continue
        if place is None:
            continue
        seen.add(row.serial_number)
        new = _values(row, place)
        if existing is None:
            plan.adds.append(
                (huvudman.pk, new["unit_id"], row.serial_number, *(new[k] for k in DEVICE_FIELDS))
            )
        else:
            _compare(plan, row, new, existing, given)
    if plan.errors:
        plan.adds, plan.changes, plan.unchanged = [], [], 0
        return plan
    for serial, (pk, unit_id, *_rest, gone_on) in stored.items():
        if (
            serial not in seen
            and gone_on is None
            and (allowed_unit_ids is None or unit_id in allowed_unit_ids)
        ):
            plan.gone.append((pk, serial))
    return plan


# --- Apply ------------------------------------------------------------------------------------


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()}


def _insert(plan: DevicePlan, audit: AuditWriter) -> None:
    bulk_insert(Device, INSERT_COLUMNS, plan.adds)
    if not plan.adds:
        return
    # What places the device, not all it is: the row itself holds the rest, and 60,000 audit
    # rows of every field would double the import's time.
    added = {row[2]: row for row in plan.adds}
    shown = [INSERT_COLUMNS.index(k) for k in AUDITED_ON_CREATE]
    for serial, pk in (
        Device.objects.filter(huvudman=plan.huvudman)
        .values_list("serial_number", "pk")
        .iterator(chunk_size=10000)
    ):
        row = added.get(serial)
        if row is not None:
            after = {key: row[i] for key, i in zip(AUDITED_ON_CREATE, shown, strict=True)}
            after["unit"] = plan.unit_names.get(after.pop("unit_id"), "")
            audit.add("device.create", "device", pk, serial, after=after)


def _db_value(key: str, value: Any) -> Any:
    if key in DATE_COLUMNS or key == "gone_on":
        return connection.ops.adapt_datefield_value(value)
    return value


def _update(plan: DevicePlan, audit: AuditWriter) -> None:
    """One statement run for every changed device (executemany): Django's bulk_update would
    build a CASE of every row for every column."""
    if not plan.changes:
        return
    quote = connection.ops.quote_name
    column = {f.attname: str(f.column) for f in Device._meta.concrete_fields}
    assignments = ", ".join(f"{quote(column[k])} = %s" for k in STORED_FIELDS)
    statement = (
        f"UPDATE {quote(Device._meta.db_table)} SET {assignments}, {quote('updated_at')} = %s WHERE id = %s"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(plan.changes), 5000):
            batch = plan.changes[start : start + 5000]
            cursor.executemany(
                statement,
                [[*(_db_value(k, c.after[k]) for k in STORED_FIELDS), now, c.pk] for c in batch],
            )
    for change in plan.changes:
        after = {k: change.after[k] for k in change.before}
        audit.add(
            "device.update",
            "device",
            change.pk,
            change.serial_number,
            _json_ready(change.before),
            _json_ready(after),
        )


def _mark_gone(plan: DevicePlan, audit: AuditWriter) -> None:
    pks = [pk for pk, _serial in plan.gone]
    for start in range(0, len(pks), 5000):
        Device.objects.filter(pk__in=pks[start : start + 5000]).update(
            gone_on=plan.today, updated_at=timezone.now()
        )
    for pk, serial in plan.gone:
        audit.add("device.gone", "device", pk, serial, {"gone_on": None}, {"gone_on": plan.today.isoformat()})


def apply_devices(plan: DevicePlan, *, actor: Person | None, source: str) -> dict[str, int]:
    """Writes the plan, all of it with its audit rows in one transaction, or nothing."""
    if plan.errors:
        raise ValueError(ERROR_PLAN_HAS_ERRORS)
    with transaction.atomic():
        audit = AuditWriter(huvudman=plan.huvudman, actor=actor, source=source)
        _insert(plan, audit)
        _update(plan, audit)
        _mark_gone(plan, audit)
        audit.flush()
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="import.devices",
            object_type="import",
            object_label=source,
            extra={"summary": plan.summary},
        )
    return plan.summary
