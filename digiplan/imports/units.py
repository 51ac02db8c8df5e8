"""Units: rows from CSV/XLSX or SS 12000 → a plan of adds, changes and deactivations → apply."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiplan.audit.models import AuditEvent
from digiplan.audit.services import audit_record
from digiplan.imports.errors import ErrorList
from digiplan.lib.spreadsheet.reading import read_table
from digiplan.organisations import cells as cell
from digiplan.organisations.models import (
    TYPE_RANK,
    Huvudman,
    Organisation,
    OrganisationType,
    PupilCount,
    UnitSchoolForm,
)

UNIT_COLUMNS = {
    "type": ("typ", "type"),
    "name": ("namn", "name"),
    "short_name": ("kortnamn", "short name"),
    "school_unit_code": ("skolenhetskod", "school unit code"),
    "external_id": ("externt id", "external id", "id"),
    "parent": ("överordnad", "overordnad", "parent"),
    "school_forms": ("skolformer", "school forms"),
    "pupils": ("elever", "pupils"),
    "staff": ("personal", "staff"),
    "active": ("aktiv", "active"),
}
UNIT_REQUIRED = {"type", "name"}
ROOT_REF = ""


@dataclass
class UnitRow:
    line: int
    type: str
    name: str
    parent_ref: str = ROOT_REF  # external id, school unit code or name; "" is the huvudman
    short_name: str = ""
    school_unit_code: str = ""
    external_id: str = ""
    school_forms: list[str] | None = None  # None: leave as they are
    pupil_counts: dict[tuple[str, str], int] | None = None
    staff_count: int | None = None
    active: bool = True
    staff_given: bool = False

    @property
    def key(self) -> str:
        return self.external_id or self.school_unit_code or f"{self.type}:{self.name.lower()}"


@dataclass
class UnitChange:
    row: UnitRow
    node: Organisation
    before: dict
    after: dict


@dataclass
class UnitPlan:
    huvudman: Huvudman
    adds: list[UnitRow] = field(default_factory=list)
    changes: list[UnitChange] = field(default_factory=list)
    deactivations: list[Organisation] = field(default_factory=list)
    unchanged: int = 0
    errors: ErrorList = field(default_factory=ErrorList)
    # row key → parent row key or existing node id, resolved during planning
    parents: dict[int, object] = field(default_factory=dict)
    matched: dict[int, Organisation] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "add": len(self.adds),
            "change": len(self.changes),
            "deactivate": len(self.deactivations),
            "unchanged": self.unchanged,
        }


def rows_from_table(data: bytes, filename: str, errors: ErrorList) -> list[UnitRow]:
    rows = []
    for line, cells in read_table(data, filename, UNIT_COLUMNS, UNIT_REQUIRED):
        problems = []
        if "__extra__" in cells:
            problems.append(_("the row has more cells than the header."))
        type_, err = cell.organisation_type(cells.get("type", ""))
        problems.append(err)
        name, err = cell.text(cells.get("name", ""), _("Name"), required=True)
        problems.append(err)
        short_name, err = cell.text(cells.get("short_name", ""), _("Short name"), max_length=60)
        problems.append(err)
        code, err = cell.school_unit_code(cells.get("school_unit_code", ""))
        problems.append(err)
        external_id, err = cell.text(cells.get("external_id", ""), _("External id"), max_length=100)
        problems.append(err)
        parent, err = cell.text(cells.get("parent", ""), _("Parent"))
        problems.append(err)
        forms, err = cell.school_forms(cells["school_forms"]) if "school_forms" in cells else (None, None)
        problems.append(err)
        pupils, err = cell.pupil_counts(cells["pupils"]) if "pupils" in cells else (None, None)
        problems.append(err)
        staff, err = cell.count(cells.get("staff", ""), _("Staff"))
        problems.append(err)
        active, err = cell.yes_no(cells.get("active", ""), _("Active"), True)
        problems.append(err)
        problems = [p for p in problems if p]
        if problems:
            errors.add(line, " ".join(problems))
            continue
        rows.append(
            UnitRow(
                line=line,
                type=type_,
                name=name,
                parent_ref=parent,
                short_name=short_name,
                school_unit_code=code,
                external_id=external_id,
                school_forms=forms,
                pupil_counts=pupils,
                staff_count=staff,
                active=active,
                staff_given="staff" in cells,
            )
        )
    return rows


class _Index:
    """Finds a node by external id, school unit code or (unique) name."""

    def __init__(self):
        self.by_external: dict[str, object] = {}
        self.by_code: dict[str, object] = {}
        self.by_name: dict[str, list[object]] = {}

    def add(self, item, external_id: str, code: str, name: str) -> None:
        if external_id:
            self.by_external.setdefault(external_id, item)
        if code:
            self.by_code.setdefault(code, item)
        self.by_name.setdefault(name.lower(), []).append(item)

    def find(self, ref: str):
        if ref in self.by_external:
            return self.by_external[ref], None
        if ref in self.by_code:
            return self.by_code[ref], None
        named = self.by_name.get(ref.lower(), [])
        if len(named) > 1:
            return None, _(
                "“%(ref)s” matches more than one node; refer to it by external id or school unit code."
            ) % {"ref": ref[:80]}
        return (named[0], None) if named else (None, None)


def _row_values(row: UnitRow) -> dict:
    values = {"name": row.name, "type": row.type, "is_active": row.active}
    if row.short_name:
        values["short_name"] = row.short_name
    if row.school_unit_code:
        values["school_unit_code"] = row.school_unit_code
    if row.external_id:
        values["external_id"] = row.external_id
    if row.staff_given:
        values["staff_count"] = row.staff_count
    return values


def plan_units(
    huvudman: Huvudman,
    rows: list[UnitRow],
    *,
    deactivate_missing: bool = False,
    errors: ErrorList | None = None,
    aliases: dict[str, Organisation] | None = None,
) -> UnitPlan:
    """aliases: other external ids that find an existing node without being stored on it (the
    ids an SS 12000 export derives for nodes that have no external id of their own)."""
    plan = UnitPlan(huvudman=huvudman, errors=errors if errors is not None else ErrorList())
    nodes = list(
        Organisation.objects.filter(huvudman=huvudman).prefetch_related("school_forms", "pupil_counts")
    )
    root = next(n for n in nodes if n.parent_id is None)
    existing = _Index()
    for node in sorted(nodes, key=lambda n: not n.is_active):  # active nodes win name clashes
        if node.parent_id is not None:
            existing.add(node, node.external_id, node.school_unit_code if node.is_active else "", node.name)
    for ref, node in (aliases or {}).items():
        existing.by_external.setdefault(ref, node)
    by_id = {n.pk: n for n in nodes}

    # Match rows to existing nodes and catch duplicates within the file.
    in_file = _Index()
    seen_keys: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    good: list[UnitRow] = []
    for row in rows:
        if row.school_unit_code and row.school_unit_code in seen_codes:
            plan.errors.add(
                row.line,
                _("Duplicate school unit code %(code)s (also on line %(line)s).")
                % {"code": row.school_unit_code, "line": seen_codes[row.school_unit_code]},
            )
            continue
        if row.key in seen_keys:
            plan.errors.add(
                row.line, _("Duplicate: the same unit is on line %(line)s.") % {"line": seen_keys[row.key]}
            )
            continue
        if row.school_unit_code and row.type != OrganisationType.SKOLENHET:
            plan.errors.add(row.line, _("Only school units have a school unit code."))
            continue
        seen_keys[row.key] = row.line
        if row.school_unit_code:
            seen_codes[row.school_unit_code] = row.line
        match = None
        if row.external_id:
            match = existing.by_external.get(row.external_id)
        if match is None and row.school_unit_code:
            match = existing.by_code.get(row.school_unit_code)
        if match is None and not row.external_id and not row.school_unit_code:
            candidates = [n for n in existing.by_name.get(row.name.lower(), []) if n.type == row.type]
            match = candidates[0] if len(candidates) == 1 else None
        if match is not None:
            plan.matched[row.line] = match
        in_file.add(row, row.external_id, row.school_unit_code, row.name)
        if match is not None and aliases and aliases.get(row.external_id) is match:
            row.external_id = match.external_id  # found through an alias: keep the node's own
        good.append(row)

    # Resolve parents: a row in the file first, then an existing node.
    for row in good:
        if not row.parent_ref:
            plan.parents[row.line] = root
            continue
        parent, err = in_file.find(row.parent_ref)
        if parent is None and err is None:
            parent, err = existing.find(row.parent_ref)
            if parent is not None:
                # An existing node that the file also lists is the file's row.
                parent = next((r for r in good if plan.matched.get(r.line) is parent), parent)
        if err:
            plan.errors.add(row.line, err)
        elif parent is None:
            plan.errors.add(
                row.line,
                _("The parent “%(ref)s” is neither in the file nor in the organisation.")
                % {"ref": row.parent_ref[:80]},
            )
        elif parent is row:
            plan.errors.add(row.line, _("The unit is its own parent."))
        else:
            plan.parents[row.line] = parent

    # Cycles among rows, and the type order parent → child.
    for row in good:
        if row.line not in plan.parents:
            continue
        seen, current = {row.line}, plan.parents[row.line]
        while isinstance(current, UnitRow):
            if current.line in seen:
                plan.errors.add(row.line, _("The parents form a cycle."))
                break
            seen.add(current.line)
            current = plan.parents.get(current.line)
        parent = plan.parents[row.line]
        parent_type = parent.type
        if TYPE_RANK[OrganisationType(row.type)] <= TYPE_RANK[OrganisationType(parent_type)]:
            plan.errors.add(
                row.line,
                _("A %(child)s cannot be placed under a %(parent)s.")
                % {
                    "child": OrganisationType(row.type).label.lower(),
                    "parent": OrganisationType(parent_type).label.lower(),
                },
            )
        if row.active and isinstance(parent, UnitRow) and not parent.active:
            plan.errors.add(row.line, _("The parent is marked as inactive in the file."))

    # School unit codes must stay unique among active units everywhere.
    matched_ids = {n.pk for n in plan.matched.values()}
    codes = [r.school_unit_code for r in good if r.school_unit_code and r.active]
    taken = dict(
        Organisation.objects.filter(school_unit_code__in=codes, is_active=True).values_list(
            "school_unit_code", "pk"
        )
    )
    for row in good:
        holder = taken.get(row.school_unit_code) if row.active else None
        match = plan.matched.get(row.line)
        if holder is not None and (match is None or match.pk != holder):
            if holder in matched_ids and holder in by_id:
                continue  # that node gets another code in this same file
            plan.errors.add(
                row.line,
                _("Another active unit already has school unit code %(code)s.")
                % {"code": row.school_unit_code},
            )

    if plan.errors:
        return plan

    for row in good:
        match = plan.matched.get(row.line)
        parent = plan.parents[row.line]
        if match is None:
            plan.adds.append(row)
            continue
        before = {
            f: getattr(match, f)
            for f in (
                "name",
                "type",
                "short_name",
                "school_unit_code",
                "external_id",
                "staff_count",
                "is_active",
            )
        }
        before["parent"] = match.parent_id
        after = {**before, **_row_values(row)}
        after["parent"] = parent.pk if isinstance(parent, Organisation) else f"rad {parent.line}"
        if isinstance(parent, UnitRow) and parent.line in plan.matched:
            after["parent"] = plan.matched[parent.line].pk
        if row.school_forms is not None:
            before["school_forms"] = sorted(f.school_form for f in match.school_forms.all())
            after["school_forms"] = sorted(row.school_forms)
        if row.pupil_counts is not None:
            before["pupils"] = sorted(
                f"{c.school_form} {c.grade_band}={c.pupils}".strip() for c in match.pupil_counts.all()
            )
            after["pupils"] = sorted(f"{f} {b}={n}".strip() for (f, b), n in row.pupil_counts.items())
        if before != after:
            if before["is_active"] and not after["is_active"]:
                plan.deactivations.append(match)
                if {k for k in after if after[k] != before[k]} == {"is_active"}:
                    continue
            plan.changes.append(UnitChange(row, match, before, after))
        else:
            plan.unchanged += 1

    if deactivate_missing:
        _deactivate_missing(plan, nodes, matched_ids)
    _check_deactivations(plan, nodes, by_id)
    return plan


def _final_parents(plan: UnitPlan, nodes) -> dict[int, int | None]:
    final_parent: dict[int, int | None] = {n.pk: n.parent_id for n in nodes}
    for change in plan.changes:
        parent = change.after.get("parent")
        if isinstance(parent, int):
            final_parent[change.node.pk] = parent
    return final_parent


def _deactivate_missing(plan: UnitPlan, nodes, matched_ids: set[int]) -> None:
    """Nodes the file leaves out go inactive, unless something that stays active is below them
    (a file of units only still keeps the areas they sit in)."""
    final_parent = _final_parents(plan, nodes)
    leaving = {n.pk for n in plan.deactivations}
    has_active_below: set[int] = set()
    for parent in plan.parents.values():
        if isinstance(parent, Organisation):
            has_active_below.add(parent.pk)
        elif parent.line in plan.matched:
            has_active_below.add(plan.matched[parent.line].pk)
    for node in sorted(nodes, key=lambda n: -n.depth):
        if node.parent_id is None:
            continue
        stays = (
            node.is_active
            and node.pk not in leaving
            and (node.pk in matched_ids or node.pk in has_active_below)
        )
        if node.is_active and not stays and node.pk not in leaving:
            plan.deactivations.append(node)
        if stays and final_parent.get(node.pk):
            has_active_below.add(final_parent[node.pk])


def _check_deactivations(plan: UnitPlan, nodes, by_id) -> None:
    """A node may only go inactive if nothing below it stays active."""
    leaving = {n.pk for n in plan.deactivations}
    final_parent = _final_parents(plan, nodes)
    active_children: dict[int, list[int]] = {}
    for node in nodes:
        if node.is_active and node.pk not in leaving and final_parent.get(node.pk):
            active_children.setdefault(final_parent[node.pk], []).append(node.pk)
    for line, row in ((r.line, r) for r in plan.adds):
        parent = plan.parents[line]
        if isinstance(parent, Organisation) and parent.pk in leaving and row.active:
            plan.errors.add(line, _("The parent “%(name)s” is being deactivated.") % {"name": parent.name})
    for node in plan.deactivations:
        staying = [by_id[c].name for c in active_children.get(node.pk, [])]
        if staying:
            line = next((r.line for r, n in ((c.row, c.node) for c in plan.changes) if n is node), 0)
            plan.errors.add(
                line,
                _("“%(name)s” cannot be deactivated while %(children)s below it stay active.")
                % {"name": node.name, "children": ", ".join(staying[:5])},
            )


@transaction.atomic
def apply_units(plan: UnitPlan, *, actor, source: str) -> dict[str, int]:
    """Writes the plan. The caller has checked plan.errors is empty."""
    assert not plan.errors
    huvudman = plan.huvudman
    created: dict[int, Organisation] = {}
    events: list[AuditEvent] = []
    actor_label = str(actor) if actor else "system"

    def event(action, node, before=None, after=None):
        events.append(
            AuditEvent(
                huvudman=huvudman,
                actor=actor if actor else None,
                actor_label=actor_label[:200],
                action=action,
                object_type="organisation",
                object_id=str(node.pk),
                object_label=node.name[:200],
                changes={"before": before or {}, "after": after or {}, "source": source},
            )
        )

    def parent_id(line: int) -> int | None:
        parent = plan.parents[line]
        if isinstance(parent, Organisation):
            return parent.pk
        if parent.line in created:
            return created[parent.line].pk
        if parent.line in plan.matched:
            return plan.matched[parent.line].pk
        return None

    # Parents before children: create level by level so each parent has its pk.
    pending = list(plan.adds)
    while pending:
        ready = [r for r in pending if parent_id(r.line) is not None]
        assert ready, "planning guarantees an order"
        batch = [
            Organisation(
                huvudman=huvudman,
                parent_id=parent_id(r.line),
                path="",
                type=r.type,
                name=r.name,
                short_name=r.short_name,
                school_unit_code=r.school_unit_code if r.active else "",
                external_id=r.external_id,
                staff_count=r.staff_count,
                is_active=r.active,
                deactivated_at=None if r.active else timezone.now(),
            )
            for r in ready
        ]
        Organisation.objects.bulk_create(batch, batch_size=1000)
        for row, node in zip(ready, batch, strict=True):
            created[row.line] = node
            event("organisation.create", node, after=_row_values(row))
        pending = [r for r in pending if r.line not in created]

    to_update = []
    for change in plan.changes:
        node, row = change.node, change.row
        for name, value in _row_values(row).items():
            setattr(node, name, value)
        if not node.is_active and node.deactivated_at is None:
            node.deactivated_at = timezone.now()
        if node.is_active:
            node.deactivated_at = None
        node.parent_id = parent_id(row.line)
        to_update.append(node)
        event("organisation.update", node, change.before, change.after)
    now = timezone.now()
    for node in plan.deactivations:
        node.is_active = False
        node.deactivated_at = now
        if node not in to_update:
            to_update.append(node)
        event("organisation.deactivate", node, {"is_active": True}, {"is_active": False})
    # Codes first released, then taken, so that swapping codes between units never collides.
    Organisation.objects.filter(pk__in=[n.pk for n in to_update if n.school_unit_code]).update(
        school_unit_code=""
    )
    Organisation.objects.bulk_update(
        to_update,
        [
            "name",
            "type",
            "short_name",
            "school_unit_code",
            "external_id",
            "staff_count",
            "is_active",
            "deactivated_at",
            "parent",
        ],
        batch_size=1000,
    )

    forms_rows = [
        (created.get(r.line) or plan.matched[r.line], r) for r in plan.adds + [c.row for c in plan.changes]
    ]
    with_forms = [n.pk for n, r in forms_rows if r.school_forms is not None]
    with_pupils = [n.pk for n, r in forms_rows if r.pupil_counts is not None]
    UnitSchoolForm.objects.filter(organisation_id__in=with_forms).delete()
    PupilCount.objects.filter(organisation_id__in=with_pupils).delete()
    UnitSchoolForm.objects.bulk_create(
        [
            UnitSchoolForm(organisation=n, school_form=f)
            for n, r in forms_rows
            if r.school_forms is not None
            for f in r.school_forms
        ],
        batch_size=5000,
    )
    PupilCount.objects.bulk_create(
        [
            PupilCount(organisation=n, school_form=f, grade_band=b, pupils=c)
            for n, r in forms_rows
            if r.pupil_counts is not None
            for (f, b), c in r.pupil_counts.items()
        ],
        batch_size=5000,
    )

    rebuild_paths(huvudman)
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="import.units",
        object_type="import",
        object_label=source,
        extra={"summary": plan.summary},
    )
    return plan.summary


def rebuild_paths(huvudman: Huvudman) -> None:
    """Recomputes every path of the huvudman's tree from the parent links."""
    rows = list(Organisation.objects.filter(huvudman=huvudman).values_list("pk", "parent_id", "path"))
    children: dict[int | None, list[int]] = {}
    current = {}
    for pk, parent, path in rows:
        children.setdefault(parent, []).append(pk)
        current[pk] = path
    stack = [(pk, f"/{pk}/") for pk in children.get(None, [])]
    changed = []
    while stack:
        pk, path = stack.pop()
        if current[pk] != path:
            changed.append(Organisation(pk=pk, path=path))
        stack.extend((child, f"{path}{child}/") for child in children.get(pk, []))
    Organisation.objects.bulk_update(changed, ["path"], batch_size=2000)
