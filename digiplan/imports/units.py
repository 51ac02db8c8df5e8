"""Units: rows from CSV/XLSX or SS 12000 (unit_rows.py) → a plan of adds, changes and
deactivations → apply."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiplan.audit.models import AuditEvent
from digiplan.audit.services import audit_record
from digiplan.imports.errors import ERROR_PLAN_HAS_ERRORS, ERROR_PLAN_NO_ORDER, ErrorList
from digiplan.imports.unit_rows import (
    ROOT_REF,
    UNIT_COLUMNS,
    UNIT_REQUIRED,
    Parent,
    UnitChange,
    UnitPlan,
    UnitRow,
    row_values,
    rows_from_table,
)
from digiplan.organisations.models import (
    TYPE_RANK,
    Huvudman,
    Organisation,
    OrganisationType,
    Person,
    PupilCount,
    UnitSchoolForm,
)

# Read by the importers and their callers through this module.
__all__ = [
    "ROOT_REF",
    "UNIT_COLUMNS",
    "UNIT_REQUIRED",
    "UnitChange",
    "UnitPlan",
    "UnitRow",
    "apply_units",
    "plan_units",
    "rebuild_paths",
    "rows_from_table",
]


class _Index[T: (Organisation, UnitRow)]:
    """Finds a node by external id, school unit code or (unique) name."""

    def __init__(self) -> None:
        self.by_external: dict[str, T] = {}
        self.by_code: dict[str, T] = {}
        self.by_name: dict[str, list[T]] = {}

    def add(self, item: T, external_id: str, code: str, name: str) -> None:
        if external_id:
            self.by_external.setdefault(external_id, item)
        if code:
            self.by_code.setdefault(code, item)
        self.by_name.setdefault(name.lower(), []).append(item)

    def find(self, ref: str) -> tuple[T | None, str | None]:
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


@dataclass
class _Tree:
    """The huvudman's tree as it is in the database, indexed for matching the file's rows."""

    nodes: list[Organisation]
    root: Organisation
    index: _Index[Organisation]
    by_id: dict[int, Organisation]


def _existing_tree(huvudman: Huvudman, aliases: dict[str, Organisation]) -> _Tree:
    nodes = list(
        Organisation.objects.filter(huvudman=huvudman).prefetch_related("school_forms", "pupil_counts")
    )
    root = next(n for n in nodes if n.parent_id is None)
    index = _Index[Organisation]()
    for node in sorted(nodes, key=lambda n: not n.is_active):  # active nodes win name clashes
        if node.parent_id is not None:
            index.add(node, node.external_id, node.school_unit_code if node.is_active else "", node.name)
    for ref, node in aliases.items():
        index.by_external.setdefault(ref, node)
    return _Tree(nodes=nodes, root=root, index=index, by_id={n.pk: n for n in nodes})


def plan_units(
    huvudman: Huvudman,
    rows: list[UnitRow],
    *,
    deactivate_missing: bool = False,
    errors: ErrorList | None = None,
    aliases: dict[str, Organisation] | None = None,
) -> UnitPlan:
    """aliases: other external ids that find an existing node without being stored on it (the
    ids an SS 12000 export derives for nodes that have no external id of their own).

    The steps: read the tree → match each row to a node (and catch duplicates in the file) →
    resolve each row's parent → check cycles and the type order → check school unit codes are
    free → compare with the database. Any error stops before the comparison."""
    plan = UnitPlan(huvudman=huvudman, errors=errors if errors is not None else ErrorList())
    tree = _existing_tree(huvudman, aliases or {})
    good, in_file = _match_rows(plan, rows, tree, aliases or {})
    _resolve_parents(plan, good, in_file, tree)
    _check_cycles_and_order(plan, good)
    matched_ids = {n.pk for n in plan.matched.values()}
    _check_codes_free(plan, good, tree, matched_ids)
    if plan.errors:
        return plan
    for row in good:
        _compare(plan, row)
    if deactivate_missing:
        _deactivate_missing(plan, tree.nodes, matched_ids)
    _check_deactivations(plan, tree.nodes, tree.by_id)
    return plan


def _row_duplicate_error(row: UnitRow, seen_keys: dict[str, int], seen_codes: dict[str, int]) -> str | None:
    if row.school_unit_code and row.school_unit_code in seen_codes:
        return _("Duplicate school unit code %(code)s (also on line %(line)s).") % {
            "code": row.school_unit_code,
            "line": seen_codes[row.school_unit_code],
        }
    if row.key in seen_keys:
        return _("Duplicate: the same unit is on line %(line)s.") % {"line": seen_keys[row.key]}
    if row.school_unit_code and row.type != OrganisationType.SKOLENHET:
        return _("Only school units have a school unit code.")
    return None


def _existing_match(row: UnitRow, index: _Index[Organisation]) -> Organisation | None:
    """The node a row is about: by external id, else school unit code, else a unique name of
    the same type (only for a row that has neither id nor code)."""
    match = None
    if row.external_id:
        match = index.by_external.get(row.external_id)
    if match is None and row.school_unit_code:
        match = index.by_code.get(row.school_unit_code)
    if match is None and not row.external_id and not row.school_unit_code:
        candidates = [n for n in index.by_name.get(row.name.lower(), []) if n.type == row.type]
        match = candidates[0] if len(candidates) == 1 else None
    return match


def _match_rows(
    plan: UnitPlan, rows: list[UnitRow], tree: _Tree, aliases: dict[str, Organisation]
) -> tuple[list[UnitRow], _Index[UnitRow]]:
    """Matches rows to existing nodes and catches duplicates within the file: (the rows without
    error, an index of them)."""
    in_file = _Index[UnitRow]()
    seen_keys: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    good: list[UnitRow] = []
    for row in rows:
        error = _row_duplicate_error(row, seen_keys, seen_codes)
        if error:
            plan.errors.add(row.line, error)
            continue
        seen_keys[row.key] = row.line
        if row.school_unit_code:
            seen_codes[row.school_unit_code] = row.line
        match = _existing_match(row, tree.index)
        if match is not None:
            plan.matched[row.line] = match
        in_file.add(row, row.external_id, row.school_unit_code, row.name)
        if match is not None and aliases and aliases.get(row.external_id) is match:
            row.external_id = match.external_id  # found through an alias: keep the node's own
        good.append(row)
    return good, in_file


def _resolve_parents(plan: UnitPlan, good: list[UnitRow], in_file: _Index[UnitRow], tree: _Tree) -> None:
    """Each row's parent: a row in the file first, then an existing node."""
    for row in good:
        if not row.parent_ref:
            plan.parents[row.line] = tree.root
            continue
        parent: Parent | None
        parent, err = in_file.find(row.parent_ref)
        if parent is None and err is None:
            node, err = tree.index.find(row.parent_ref)
            # An existing node that the file also lists is the file's row.
            if node is not None:
                parent = next((r for r in good if plan.matched.get(r.line) is node), node)
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


def _check_cycles_and_order(plan: UnitPlan, good: list[UnitRow]) -> None:
    """Cycles among rows, and the type order parent → child."""
    for row in good:
        if row.line not in plan.parents:
            continue
        seen: set[int] = {row.line}
        current: Parent | None = plan.parents[row.line]
        while isinstance(current, UnitRow):
            if current.line in seen:
                plan.errors.add(row.line, _("The parents form a cycle."))
                break
            seen.add(current.line)
            current = plan.parents.get(current.line)
        parent = plan.parents[row.line]
        if TYPE_RANK[OrganisationType(row.type)] <= TYPE_RANK[OrganisationType(parent.type)]:
            plan.errors.add(
                row.line,
                _("A %(child)s cannot be placed under a %(parent)s.")
                % {
                    "child": OrganisationType(row.type).label.lower(),
                    "parent": OrganisationType(parent.type).label.lower(),
                },
            )
        if row.active and isinstance(parent, UnitRow) and not parent.active:
            plan.errors.add(row.line, _("The parent is marked as inactive in the file."))


def _check_codes_free(plan: UnitPlan, good: list[UnitRow], tree: _Tree, matched_ids: set[int]) -> None:
    """School unit codes must stay unique among active units everywhere."""
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
            if holder in matched_ids and holder in tree.by_id:
                continue  # that node gets another code in this same file
            plan.errors.add(
                row.line,
                _("Another active unit already has school unit code %(code)s.")
                % {"code": row.school_unit_code},
            )


_COMPARED_FIELDS = (
    "name",
    "type",
    "short_name",
    "school_unit_code",
    "external_id",
    "municipality_code",
    "staff_count",
    "is_active",
)


def _compare(plan: UnitPlan, row: UnitRow) -> None:
    """A row without a node is an add; with one, a change, a deactivation or nothing."""
    match = plan.matched.get(row.line)
    parent = plan.parents[row.line]
    if match is None:
        plan.adds.append(row)
        return
    before: dict[str, object] = {f: getattr(match, f) for f in _COMPARED_FIELDS}
    before["parent"] = match.parent_id
    after = {**before, **row_values(row)}
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
    if before == after:
        plan.unchanged += 1
        return
    if before["is_active"] and not after["is_active"]:
        plan.deactivations.append(match)
        if {k for k in after if after[k] != before[k]} == {"is_active"}:
            return
    plan.changes.append(UnitChange(row, match, before, after))


def _final_parents(plan: UnitPlan, nodes: list[Organisation]) -> dict[int, int | None]:
    final_parent: dict[int, int | None] = {n.pk: n.parent_id for n in nodes}
    for change in plan.changes:
        parent = change.after.get("parent")
        if isinstance(parent, int):
            final_parent[change.node.pk] = parent
    return final_parent


def _deactivate_missing(plan: UnitPlan, nodes: list[Organisation], matched_ids: set[int]) -> None:
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
        if stays and (above := final_parent.get(node.pk)):
            has_active_below.add(above)


def _check_deactivations(plan: UnitPlan, nodes: list[Organisation], by_id: dict[int, Organisation]) -> None:
    """A node may only go inactive if nothing below it stays active."""
    leaving = {n.pk for n in plan.deactivations}
    final_parent = _final_parents(plan, nodes)
    active_children: dict[int, list[int]] = {}
    for node in nodes:
        if node.is_active and node.pk not in leaving and (above := final_parent.get(node.pk)):
            active_children.setdefault(above, []).append(node.pk)
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


@dataclass
class _UnitWriter:
    """What apply_units' steps share: the nodes created so far and the audit rows to write."""

    plan: UnitPlan
    actor: Person | None
    source: str
    created: dict[int, Organisation] = field(default_factory=dict)
    events: list[AuditEvent] = field(default_factory=list)

    def event(
        self,
        action: str,
        node: Organisation,
        before: dict[str, object] | None = None,
        after: dict[str, object] | None = None,
    ) -> None:
        self.events.append(
            AuditEvent(
                huvudman=self.plan.huvudman,
                actor=self.actor if self.actor else None,
                actor_label=(str(self.actor) if self.actor else "system")[:200],
                action=action,
                object_type="organisation",
                object_id=str(node.pk),
                object_label=node.name[:200],
                changes={"before": before or {}, "after": after or {}, "source": self.source},
            )
        )

    def parent_id(self, line: int) -> int | None:
        """The parent's primary key; None while the parent is a row not created yet."""
        parent = self.plan.parents[line]
        if isinstance(parent, Organisation):
            return parent.pk
        if parent.line in self.created:
            return self.created[parent.line].pk
        if parent.line in self.plan.matched:
            return self.plan.matched[parent.line].pk
        return None


@transaction.atomic
def apply_units(plan: UnitPlan, *, actor: Person | None, source: str) -> dict[str, int]:
    """Writes the plan: new nodes, changed and deactivated nodes, school forms and pupil
    counts, the paths, and the audit rows."""
    if plan.errors:
        raise ValueError(ERROR_PLAN_HAS_ERRORS)
    writer = _UnitWriter(plan=plan, actor=actor, source=source)
    _create_nodes(writer)
    _update_nodes(writer)
    _replace_forms_and_pupils(writer)
    rebuild_paths(plan.huvudman)
    AuditEvent.objects.bulk_create(writer.events, batch_size=5000)
    audit_record(
        actor=actor,
        huvudman=plan.huvudman,
        action="import.units",
        object_type="import",
        object_label=source,
        extra={"summary": plan.summary},
    )
    return plan.summary


def _create_nodes(writer: _UnitWriter) -> None:
    """Parents before children: creates level by level so each parent has its pk."""
    pending = list(writer.plan.adds)
    while pending:
        ready = [r for r in pending if writer.parent_id(r.line) is not None]
        if not ready:
            raise ValueError(ERROR_PLAN_NO_ORDER)
        batch = [
            Organisation(
                huvudman=writer.plan.huvudman,
                parent_id=writer.parent_id(r.line),
                path="",
                type=r.type,
                name=r.name,
                short_name=r.short_name,
                school_unit_code=r.school_unit_code if r.active else "",
                external_id=r.external_id,
                municipality_code=r.municipality_code,
                staff_count=r.staff_count,
                is_active=r.active,
                deactivated_at=None if r.active else timezone.now(),
            )
            for r in ready
        ]
        Organisation.objects.bulk_create(batch, batch_size=1000)
        for row, node in zip(ready, batch, strict=True):
            writer.created[row.line] = node
            writer.event("organisation.create", node, after=row_values(row))
        pending = [r for r in pending if r.line not in writer.created]


_UPDATED_FIELDS = [
    "name",
    "type",
    "short_name",
    "school_unit_code",
    "external_id",
    "municipality_code",
    "staff_count",
    "is_active",
    "deactivated_at",
    "parent",
    # bulk_update skips auto_now: set by hand, or an export's meta.modified would stay old.
    "updated_at",
]


def _update_nodes(writer: _UnitWriter) -> None:
    """The changes, then the deactivations, written in one bulk update."""
    to_update = []
    now = timezone.now()
    for change in writer.plan.changes:
        node, row = change.node, change.row
        for name, value in row_values(row).items():
            setattr(node, name, value)
        if not node.is_active and node.deactivated_at is None:
            node.deactivated_at = timezone.now()
        if node.is_active:
            node.deactivated_at = None
        node.parent_id = writer.parent_id(row.line)
        node.updated_at = now
        to_update.append(node)
        writer.event("organisation.update", node, change.before, change.after)
    for node in writer.plan.deactivations:
        node.is_active = False
        node.deactivated_at = node.updated_at = now
        if node not in to_update:
            to_update.append(node)
        writer.event("organisation.deactivate", node, {"is_active": True}, {"is_active": False})
    # Codes first released, then taken, so that swapping codes between units never collides.
    Organisation.objects.filter(pk__in=[n.pk for n in to_update if n.school_unit_code]).update(
        school_unit_code=""
    )
    Organisation.objects.bulk_update(to_update, _UPDATED_FIELDS, batch_size=1000)


def _replace_forms_and_pupils(writer: _UnitWriter) -> None:
    """A row that lists school forms or pupil counts replaces the node's."""
    plan = writer.plan
    forms_rows = [
        (writer.created.get(r.line) or plan.matched[r.line], r)
        for r in plan.adds + [c.row for c in plan.changes]
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
