"""Imports through the UI: upload → preview of what would change → confirm or cancel.

Between the requests a PendingImport keeps the rows read from the files, minimised to what the
import writes or matches on, never the files themselves. The preview plans from those rows and
records a digest of every change it lists; the confirmation plans again, writes only if the
digest is the same (so it writes exactly what the preview showed, or nothing), and deletes the
pending import in the same transaction. Cancelling deletes it; purge_pending_imports deletes
those older than PENDING_LIFETIME, whoever left them."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.imports import people as people_import
from digiplan.imports import ss12000, ss12000_pages
from digiplan.imports import units as units_import
from digiplan.imports.errors import ErrorList, FileRejected, RowError
from digiplan.imports.models import PendingImport
from digiplan.organisations.models import Huvudman, Person, RoleTitle
from digiplan.organisations.retention import Purged, purge_created_before

KIND_UNITS, KIND_PEOPLE, KIND_SS12000 = "units", "people", "ss12000"
PENDING_LIFETIME = timedelta(hours=24)
PREVIEW_ITEMS = 50
DIGEST_LANGUAGE = "sv"

ERROR_PREVIEW_OUTDATED = gettext_lazy(
    "The organisation changed after the preview was made, so the import would no longer do "
    "exactly what the preview showed. Nothing was changed: look at the new preview and confirm "
    "again."
)
ERROR_PREVIEW_GONE = gettext_lazy(
    "The import has already been confirmed, cancelled or cleared away. Nothing was changed."
)


class PreviewOutdated(Exception):
    """The plan made now is not the one the preview showed."""


class PreviewGone(Exception):
    """The pending import no longer exists (confirmed twice, cancelled, purged)."""


@dataclass
class Preview:
    sections: list[dict] = field(default_factory=list)
    errors: ErrorList = field(default_factory=ErrorList)
    rejected: str = ""  # a file-level refusal found only when planning (another huvudman …)


# --- Upload: files → minimised rows --------------------------------------------------------


def _errors_stored(errors: ErrorList) -> dict:
    return {"total": errors.total, "kept": [[e.line, e.message] for e in errors.errors]}


def _errors_from(data: dict | None) -> ErrorList:
    data = data or {"total": 0, "kept": []}
    return ErrorList(errors=[RowError(line, message) for line, message in data["kept"]], total=data["total"])


def _unit_stored(row: units_import.UnitRow) -> dict:
    values = asdict(row)
    if row.pupil_counts is not None:
        values["pupil_counts"] = [[f, b, n] for (f, b), n in row.pupil_counts.items()]
    return values


def _unit_from(values: dict) -> units_import.UnitRow:
    counts = values.pop("pupil_counts")
    return units_import.UnitRow(
        **values, pupil_counts=None if counts is None else {(f, b): n for f, b, n in counts}
    )


def _person_from(values: dict) -> people_import.PersonRow:
    memberships = [people_import.MembershipRow(**m) for m in values.pop("memberships")]
    return people_import.PersonRow(**values, memberships=memberships)


def _ss12000_descriptions(huvudman: Huvudman) -> set[str]:
    """Duty descriptions that give a role: the only ones worth keeping."""
    titles = RoleTitle.objects.filter(huvudman=huvudman, role__in=ss12000.TITLE_ROLES)
    return set(ss12000.COORDINATOR_DESCRIPTIONS) | {t.lower() for t in titles.values_list("name", flat=True)}


def _minimised_rows(kind: str, files: list[tuple[str, bytes]], huvudman: Huvudman) -> dict:
    errors = ErrorList()
    if kind == KIND_SS12000:
        parsed = ss12000.read_pages(files, errors)
        known = set(
            Person.objects.filter(huvudman=huvudman)
            .exclude(external_id="")
            .values_list("external_id", flat=True)
        )
        return {
            "pages": ss12000_pages.parsed_minimised(
                parsed, known_person_ids=known, descriptions=_ss12000_descriptions(huvudman)
            ),
            "errors": _errors_stored(errors),
        }
    if len(files) != 1:
        raise FileRejected(_("Choose one file for this kind of import."))
    name, data = files[0]
    if kind == KIND_UNITS:
        rows = [_unit_stored(r) for r in units_import.rows_from_table(data, name, errors)]
    else:
        rows = [asdict(r) for r in people_import.rows_from_table(data, name, huvudman, errors)]
    return {"rows": rows, "errors": _errors_stored(errors)}


def pending_import_create(
    *, huvudman: Huvudman, actor: Person, kind: str, deactivate_missing: bool, files: list[tuple[str, bytes]]
) -> PendingImport:
    """Reads the files whole (FileRejected when one cannot be read) and keeps what the import
    needs of them. The files' bytes go when this returns."""
    rows = _minimised_rows(kind, files, huvudman)
    return PendingImport.objects.create(
        huvudman=huvudman,
        actor=actor,
        kind=kind,
        deactivate_missing=deactivate_missing,
        file_names=", ".join(name for name, _data in files)[:200],
        rows=rows,
    )


# --- Preview and confirmation ---------------------------------------------------------------


type _AnyPlan = ss12000.Ss12000Plan | units_import.UnitPlan | people_import.PeoplePlan


def _plan(pending: PendingImport, actor: Person) -> tuple[_AnyPlan, ErrorList, Callable[[], dict[str, Any]]]:
    """The plan for a pending import: (plan, errors, apply). FileRejected when the rows cannot
    be planned at all (SS 12000 pages of another huvudman, …)."""
    stored, source = pending.rows, pending.file_names
    errors = _errors_from(stored.get("errors"))
    if pending.kind == KIND_SS12000:
        ss_plan = ss12000.plan_parsed_pages(
            ss12000_pages.parsed_from_stored(stored["pages"]),
            errors,
            pending.huvudman.organisation_number,
            pending.deactivate_missing,
            actor=actor,
        )
        return ss_plan, ss_plan.errors, lambda: ss12000.apply_ss12000(ss_plan, actor=actor, source=source)
    if pending.kind == KIND_UNITS:
        unit_plan = units_import.plan_units(
            pending.huvudman,
            [_unit_from(dict(r)) for r in stored.get("rows", [])],
            errors=errors,
            deactivate_missing=pending.deactivate_missing,
        )
        return (
            unit_plan,
            unit_plan.errors,
            lambda: units_import.apply_units(unit_plan, actor=actor, source=source),
        )
    people_plan = people_import.plan_people(
        pending.huvudman,
        [_person_from(dict(r)) for r in stored.get("rows", [])],
        actor=actor,
        errors=errors,
        deactivate_missing=pending.deactivate_missing,
    )
    return (
        people_plan,
        people_plan.errors,
        lambda: people_import.apply_people(people_plan, actor=actor, source=source),
    )


def _change_text(before: dict, after: dict) -> str:
    return "; ".join(
        f"{key}: {before.get(key, '')} → {after.get(key, '')}"
        for key in after
        if before.get(key) != after.get(key)
    )


def _changes(plan) -> list[tuple[str, list[str]]]:
    """Every change the plan would make, as the preview words it: (title, lines) per kind."""
    found = []

    def add(title, items):
        items = list(items)
        if items:
            found.append((str(title), items))

    units = getattr(plan, "units", plan if isinstance(plan, units_import.UnitPlan) else None)
    people = getattr(plan, "people", plan if isinstance(plan, people_import.PeoplePlan) else None)
    if units is not None:
        add(_("Units to add"), (" ".join(filter(None, [r.name, r.school_unit_code])) for r in units.adds))
        add(
            _("Units to change"), (f"{c.node.name}: {_change_text(c.before, c.after)}" for c in units.changes)
        )
        add(_("Units to deactivate"), (n.name for n in units.deactivations))
    if people is not None:
        add(_("People to add"), (f"{r.name} <{r.email}>" for r in people.adds))
        add(_("People to change"), (f"{p.name}: {_change_text(b, a)}" for _r, p, b, a in people.changes))
        add(_("People to deactivate"), (p.name for p in people.deactivations))
        add(
            _("Roles to give"),
            (
                f"{row.name}: {node.name} – {title.name if title else role}"
                for row, _m, node, role, title in people.memberships_add
            ),
        )
        add(
            _("Roles to remove"),
            (
                f"{m.person.name}: {m.organisation.name} – {m.get_role_display()}"
                for m in people.memberships_remove
            ),
        )
    return found


def _digest(plan, changes: list[tuple[str, list[str]]]) -> str:
    """Of every change listed, and of what the lines leave unsaid (the teaching flag). In one
    language whatever the page's, so that switching language between preview and confirmation
    changes nothing."""
    if translation.get_language() != DIGEST_LANGUAGE:
        with translation.override(DIGEST_LANGUAGE):
            changes = _changes(plan)
    people = getattr(plan, "people", plan if isinstance(plan, people_import.PeoplePlan) else None)
    teaching = [m.is_teaching for _r, m, *_rest in people.memberships_add] if people else []
    return hashlib.sha256(json.dumps([changes, teaching], ensure_ascii=False).encode()).hexdigest()


def digest_keep(pending: PendingImport, digest: str) -> None:
    """Stores the digest of what the preview showed: the confirmation must match it."""
    if digest != pending.digest:
        PendingImport.objects.filter(pk=pending.pk).update(digest=digest)
        pending.digest = digest


def preview_sections(changes: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    """Each kind of change with its count and the first PREVIEW_ITEMS of it."""
    return [
        {
            "title": title,
            "count": len(items),
            "items": items[:PREVIEW_ITEMS],
            "more": max(0, len(items) - PREVIEW_ITEMS),
        }
        for title, items in changes
    ]


def pending_import_preview(*, pending: PendingImport, actor: Person) -> Preview:
    """What the import would change, and a digest of it kept on the pending import for the
    confirmation to compare with."""
    try:
        plan, errors, _apply = _plan(pending, actor)
    except FileRejected as rejected:
        return Preview(rejected=rejected.message)
    if errors:
        return Preview(errors=errors)
    changes = _changes(plan)
    digest_keep(pending, _digest(plan, changes))
    return Preview(
        sections=preview_sections(changes),
        errors=errors,
    )


def pending_import_confirm(*, pending: PendingImport, actor: Person, digest: str = "") -> dict:
    """Writes what the preview showed, all of it, and deletes the pending import, in one
    transaction. digest: the one the confirming page was made with (else the last preview's).
    PreviewOutdated when the plan is no longer that; PreviewGone when it was confirmed,
    cancelled or purged meanwhile (a double click); FileRejected or ss12000.PlanOutdated when
    it cannot be planned or applied. None of those writes anything."""
    with transaction.atomic():
        # The lock makes a second, simultaneous confirmation wait, then find nothing.
        locked = PendingImport.objects.select_for_update().filter(pk=pending.pk).first()
        if locked is None:
            raise PreviewGone
        plan, errors, apply = _plan(locked, actor)
        shown = digest or locked.digest
        if errors or not shown or _digest(plan, _changes(plan)) != shown:
            raise PreviewOutdated
        summary = apply()
        locked.delete()
    return summary


def pending_import_cancel(*, pending: PendingImport) -> None:
    PendingImport.objects.filter(pk=pending.pk).delete()


def pending_import_get(
    *, pk: int, huvudman: Huvudman, actor: Person, now: datetime | None = None
) -> PendingImport | None:
    """The person's own pending import, unless it has outlived PENDING_LIFETIME (the purge
    may not have run yet: it is gone all the same)."""
    cutoff = (now or timezone.now()) - PENDING_LIFETIME
    return (
        PendingImport.objects.filter(pk=pk, huvudman=huvudman, actor=actor, created_at__gte=cutoff)
        .select_related("huvudman")
        .first()
    )


# --- The scheduled purge -------------------------------------------------------------------


def pending_imports_purge(*, hours: int = 24, dry_run: bool = False, now: datetime | None = None) -> Purged:
    """Deletes the pending imports made more than `hours` ago, abandoned previews, with an
    audit event per huvudman (actor: the system). Idempotent: a second run finds nothing."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    return purge_created_before(
        PendingImport.objects.all(),
        cutoff=(now or timezone.now()) - timedelta(hours=hours),
        dry_run=dry_run,
        action="pending_import.purge",
        object_type="pendingimport",
        kept_for={"hours": hours},
    )
