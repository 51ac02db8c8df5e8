"""A devices import through the UI: upload → preview → confirm or cancel, as the units and
people imports do (digiplan.imports.previews): a PendingImport keeps the rows read from the
file, never the file (nor the primary users' names it held), the preview records a digest of
the changes it lists, and the confirmation writes only if the plan made then has the same."""

import dataclasses
import datetime
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from digiplan.imports.errors import ErrorList, RowError
from digiplan.imports.models import PendingImport
from digiplan.imports.previews import (
    Preview,
    PreviewGone,
    PreviewOutdated,
    digest_keep,
    pending_import_get,
    preview_sections,
)
from digiplan.organisations.models import Huvudman, Person
from digiplan.registry.device_models import Device
from digiplan.registry.devices_import import DevicePlan, apply_devices, plan_devices
from digiplan.registry.devices_rows import DATE_COLUMNS, DeviceFile, DeviceRow, device_file_read
from digiplan.registry.devices_selectors import device_writable_units

# The kind of PendingImport; its rows are under DEVICES_KEY (the units and people imports' pages
# find no "rows" there, so they cannot read a devices import as one of theirs).
KIND_DEVICES = "devices"
DEVICES_KEY = "devices"
DIGEST_LANGUAGE = "sv"


def _row_stored(row: DeviceRow) -> dict[str, Any]:
    values = dataclasses.asdict(row)
    for key in DATE_COLUMNS:
        values[key] = values[key].isoformat() if values[key] else None
    return values


def _row_from(values: dict[str, Any]) -> DeviceRow:
    values = dict(values)
    for key in DATE_COLUMNS:
        values[key] = datetime.date.fromisoformat(values[key]) if values[key] else None
    return DeviceRow(**values)


def device_import_create(
    *, huvudman: Huvudman, actor: Person, filename: str, data: bytes, format: str | None = None
) -> PendingImport:
    """Reads the file whole (UploadRejected when it cannot be read) and keeps its rows, the
    bad ones as errors. The file's bytes go when this returns."""
    errors = ErrorList()
    file = device_file_read(data, filename, errors, format or None)
    return PendingImport.objects.create(
        huvudman=huvudman,
        actor=actor,
        kind=KIND_DEVICES,
        file_names=filename[:200],
        rows={
            DEVICES_KEY: {
                "format": file.format,
                "given": sorted(file.given),
                "rows": [_row_stored(r) for r in file.rows],
                "errors": {"total": errors.total, "kept": [[e.line, e.message] for e in errors.errors]},
            }
        },
    )


def device_import_get(*, pk: int, huvudman: Huvudman, actor: Person) -> PendingImport | None:
    pending = pending_import_get(pk=pk, huvudman=huvudman, actor=actor)
    return pending if pending is not None and pending.kind == KIND_DEVICES else None


def _plan(pending: PendingImport, actor: Person) -> DevicePlan:
    stored = pending.rows[DEVICES_KEY]
    errors = ErrorList(
        errors=[RowError(line, message) for line, message in stored["errors"]["kept"]],
        total=stored["errors"]["total"],
    )
    file = DeviceFile(
        format=stored["format"],
        rows=[_row_from(r) for r in stored["rows"]],
        given=frozenset(stored["given"]),
    )
    allowed = set(device_writable_units(actor).values_list("pk", flat=True))
    return plan_devices(pending.huvudman, file, errors=errors, allowed_unit_ids=allowed)


def _field_label(key: str) -> str:
    labels = {f.attname: f.verbose_name for f in Device._meta.concrete_fields}
    return str(labels[key])


def _shown(plan: DevicePlan, key: str, value: Any) -> str:
    if key == "unit_id":
        return plan.unit_names.get(value, "")
    return "" if value is None else str(value)


def _changes(plan: DevicePlan) -> list[tuple[str, list[str]]]:
    """Every change the plan would make, as the preview words it: (title, lines) per kind."""
    found = []
    adds = [f"{row[2]} {row[3]} – {plan.unit_names.get(row[1], '')}".replace("  ", " ") for row in plan.adds]
    changes = [
        f"{c.serial_number}: "
        + "; ".join(
            f"{_field_label(k)}: {_shown(plan, k, v)} → {_shown(plan, k, c.after[k])}"
            for k, v in c.before.items()
        )
        for c in plan.changes
    ]
    gone = [serial for _pk, serial in plan.gone]
    for title, items in (
        (_("Devices to add"), adds),
        (_("Devices to change"), changes),
        (_("Devices gone from the file"), gone),
    ):
        if items:
            found.append((str(title), items))
    return found


def _digest(plan: DevicePlan) -> str:
    with translation.override(DIGEST_LANGUAGE):
        changes = _changes(plan)
    return hashlib.sha256(json.dumps(changes, ensure_ascii=False).encode()).hexdigest()


def device_import_preview(*, pending: PendingImport, actor: Person) -> Preview:
    """What the import would change, and a digest of it kept for the confirmation."""
    plan = _plan(pending, actor)
    if plan.errors:
        return Preview(errors=plan.errors)
    digest_keep(pending, _digest(plan))
    return Preview(sections=preview_sections(_changes(plan)))


def device_import_confirm(*, pending: PendingImport, actor: Person, digest: str = "") -> dict[str, int]:
    """Writes what the preview showed, all of it, and deletes the pending import, in one
    transaction. PreviewOutdated when the plan is no longer that; PreviewGone when it was
    confirmed, cancelled or purged meanwhile."""
    with transaction.atomic():
        locked = PendingImport.objects.select_for_update().filter(pk=pending.pk, kind=KIND_DEVICES).first()
        if locked is None:
            raise PreviewGone
        plan = _plan(locked, actor)
        shown = digest or locked.digest
        if plan.errors or not shown or _digest(plan) != shown:
            raise PreviewOutdated
        summary = apply_devices(plan, actor=actor, source=locked.file_names)
        locked.delete()
    return summary
