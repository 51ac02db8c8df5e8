"""SS 12000 (v2.1) JSON pages from /organisations, /persons and /duties → units and people.

Each file is one page as the API returns it: {"data": [...], "pageToken": ...}. Pages of the
three endpoints may come in any order and any number; which endpoint a page is from is told by
its records' cells. The records become UnitRow and PersonRow lists for the same planners the
CSV/XLSX import uses, and apply_ss12000 writes units and people in one transaction.

Mapping (docs/imports.md has the full tables):

* organisationType Huvudman is the huvudman itself (found or created by organisationNumber);
  Förvaltning, Verksamhetsområde, Stadsdel → förvaltning; Rektorsområde, Skola → område;
  Skolenhet → skolenhet. Varumärke, Bolag and Övrigt are not imported: their children hang on
  the nearest imported ancestor. Our tree allows only huvudman › förvaltning › område ›
  skolenhet, so a förvaltning below a förvaltning becomes an område, and an område below an
  område is left out like a Bolag (its children and duties move up to the upper område).
* A person is imported only when they hold a current duty at an imported unit, or already are
  in Digiplan (then their memberships follow their duties). Only the id, the name and one
  e-mail address are read from a person record: civic numbers, addresses, phone numbers,
  photos and the rest are never kept, not even in memory beyond the page being read.
* A duty becomes a membership: Rektor → unit leader, teaching roles → staff (teaching), the
  other roles → staff. A duty whose description is one of the huvudman's role titles (or
  "IT-pedagog") also gives that role. Only memberships an SS 12000 import made (they carry the
  duty id) are removed when the duty is gone; those made by hand in Digiplan stay.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from digiplan.audit.services import audit_record
from digiplan.imports.errors import ErrorList, FileRejected
from digiplan.imports.people import (
    MembershipRow,
    PeoplePlan,
    PersonRow,
    apply_people,
    plan_people,
)
from digiplan.imports.ss12000_pages import (  # noqa: F401 - names used here and by callers
    COORDINATOR_DESCRIPTIONS,
    DATE,
    DUTIES,
    DUTY_ROLES,
    EMAIL_PREFERENCE,
    ERROR_BAD_DATE,
    ERROR_BAD_EMAIL,
    ERROR_BAD_JSON,
    ERROR_CODE_TWICE,
    ERROR_CUT_OFF,
    ERROR_DUPLICATE_ID,
    ERROR_DUTIES_WITHOUT_ORGANISATIONS,
    ERROR_DUTY_NO_PERSON,
    ERROR_DUTY_NO_UNIT,
    ERROR_DUTY_PERSON_MISSING,
    ERROR_DUTY_UNIT_MISSING,
    ERROR_EMAIL_TWICE,
    ERROR_ID_ELSEWHERE,
    ERROR_NEED_HUVUDMAN,
    ERROR_NO_DATA,
    ERROR_NO_EMAIL,
    ERROR_NO_ID,
    ERROR_NO_SUCH_HUVUDMAN,
    ERROR_NOT_JSON,
    ERROR_NOT_OBJECT,
    ERROR_NOT_PAGE,
    ERROR_ORGNR,
    ERROR_OTHER_HUVUDMAN,
    ERROR_PARENT_CYCLE,
    ERROR_PARENT_MISSING,
    ERROR_PERSONS_WITHOUT_DUTIES,
    ERROR_RECORD,
    ERROR_TWO_HUVUDMAN,
    ERROR_UNDER_UNIT,
    ERROR_UNKNOWN_DUTY_ROLE,
    ERROR_UNKNOWN_ORG_TYPE,
    ERROR_UNKNOWN_RECORDS,
    ERROR_UNKNOWN_SCHOOL_TYPES,
    ERROR_WRONG_KIND,
    EXPORT_NAMESPACE,
    EXPORT_TYPES,
    HUVUDMAN,
    ORGANISATION_TYPES,
    ORGANISATIONS,
    ORGNR,
    PERSONS,
    TITLE_ROLES,
    RecordError,
    _date,
    _duplicate,
    _Duty,
    _kind,
    _load,
    _no_cyclic_gc,
    _Org,
    _Parsed,
    _Person,
    _pick_email,
    _read_duty,
    _read_org,
    _read_person,
    _ref,
    _text,
    export_id,
    normalise_organisation_number,
    read_pages,
)
from digiplan.imports.units import UnitPlan, UnitRow, apply_units, plan_units
from digiplan.organisations import cells as cell
from digiplan.organisations.models import (
    TYPE_RANK,
    Huvudman,
    Organisation,
    OrganisationType,
    Person,
    Role,
    RoleTitle,
)
from digiplan.organisations.services import huvudman_create, huvudman_root


@dataclass
class Ss12000Plan:
    huvudman: Huvudman | None
    huvudman_new: bool = False
    units: UnitPlan | None = None
    people: PeoplePlan | None = None
    errors: ErrorList = field(default_factory=ErrorList)
    notes: dict[str, int] = field(default_factory=dict)
    root_external_id: str = ""  # to store on the root node, when it has none yet
    # Units this import creates, by external id: people planning points at these stand-ins.
    placeholders: dict[str, Organisation] = field(default_factory=dict)
    deactivate_missing: bool = False
    parsed: _Parsed | None = None

    @property
    def summary(self) -> dict:
        units = dict(self.units.summary) if self.units else {}
        if units and self.root_external_id and not self.huvudman_new:
            units["change"] += 1
        return {
            "huvudman_created": self.huvudman_new,
            "units": units,
            "people": self.people.summary if self.people else {},
            "notes": dict(self.notes),
        }


# --- Planning -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Placed:
    """Where a record ends up: kept as a node (type), or not kept (anchor takes its place)."""

    kept: bool
    type: str | None
    anchor_ref: str  # the ref children use for their parent: "" is the root
    anchor_type: str  # our type of that anchor
    anchor_name: str
    active: bool
    bad: bool = False
    parent_ref: str = ""  # for a kept record: the ref of the node it hangs on
    merged: bool = False  # an område within an område: its duties go to the upper one


def _place_orgs(
    parsed: _Parsed,
    existing: dict[str, Organisation],
    root: Organisation | None,
    root_ids: set[str],
    errors: ErrorList,
    notes: dict[str, int],
) -> dict[str, _Placed]:
    """Resolves every organisation record's parent chain: missing parents and cycles are
    errors; records of types we do not import are passed over to the nearest kept ancestor."""
    today = timezone.localdate()
    by_id = {o.id: o for o in parsed.orgs}
    placed: dict[str, _Placed] = {}
    root_place = _Placed(
        True, OrganisationType.HUVUDMAN, "", OrganisationType.HUVUDMAN, root.name if root else "", True
    )

    def parent_place(org: _Org) -> _Placed | None:
        """The placement of the org's parent, when it is already known (None: look further)."""
        if org.ss_type == HUVUDMAN or not org.parent_id or org.parent_id in root_ids:
            return root_place
        if org.parent_id in placed:
            return placed[org.parent_id]
        if org.parent_id in by_id:
            return None
        if org.parent_id in parsed.bad_org_ids:  # reported already: say nothing more
            return _Placed(False, None, "", "", "", True, bad=True)
        node = existing.get(org.parent_id)
        if node is None:
            errors.add(org.line, ERROR_PARENT_MISSING % {"id": org.parent_id[:80]})
            return _Placed(False, None, "", "", "", True, bad=True)
        if node.parent_id is None:
            return root_place
        return _Placed(True, node.type, org.parent_id, node.type, node.name, node.is_active)

    for start in parsed.orgs:
        chain: list[_Org] = []
        on_chain: set[str] = set()
        aboves: dict[str, _Placed] = {}
        org = start
        while org.id not in placed:
            above = parent_place(org)
            if above is not None:
                aboves[org.id] = above
            chain.append(org)
            on_chain.add(org.id)
            if above is not None:
                break
            org = by_id[org.parent_id]
            if org.id in on_chain:  # a cycle: every record on it is in error
                cycle = chain[[c.id for c in chain].index(org.id) :]
                for member in cycle:
                    errors.add(
                        member.line,
                        ERROR_PARENT_CYCLE % {"ids": " → ".join(c.id[:40] for c in [*cycle, cycle[0]][:6])},
                    )
                    placed[member.id] = _Placed(False, None, "", "", "", True, bad=True)
                chain = chain[: len(chain) - len(cycle)]
                break
        for org in reversed(chain):
            above = aboves.get(org.id) or placed[org.parent_id]
            placed[org.id] = _place_one(org, above, today, errors, notes)
    return placed


def _place_one(org: _Org, above: _Placed, today, errors: ErrorList, notes) -> _Placed:
    if above.bad:
        return _Placed(False, None, "", "", "", True, bad=True)
    active = above.active and not (org.end_date and org.end_date < today)
    if org.ss_type == HUVUDMAN:
        return _Placed(True, OrganisationType.HUVUDMAN, "", OrganisationType.HUVUDMAN, org.name, True)
    ours = ORGANISATION_TYPES[org.ss_type]
    if ours is None:
        notes["skipped_organisations"] = notes.get("skipped_organisations", 0) + 1
        return _Placed(False, None, above.anchor_ref, above.anchor_type, above.anchor_name, active)
    rank, above_rank = TYPE_RANK[OrganisationType(ours)], TYPE_RANK[OrganisationType(above.anchor_type)]
    if above.anchor_type == OrganisationType.SKOLENHET:
        errors.add(
            org.line,
            ERROR_UNDER_UNIT
            % {"type": OrganisationType(ours).label.lower(), "parent": above.anchor_name[:80]},
        )
        return _Placed(False, None, "", "", "", True, bad=True)
    if (
        rank <= above_rank
        and ours == OrganisationType.FORVALTNING
        and above_rank < TYPE_RANK[OrganisationType.OMRADE]
    ):
        ours, rank = OrganisationType.OMRADE, TYPE_RANK[OrganisationType.OMRADE]
    if rank <= above_rank:  # an område within an område: its children move up
        notes["merged_organisations"] = notes.get("merged_organisations", 0) + 1
        return _Placed(
            False, None, above.anchor_ref, above.anchor_type, above.anchor_name, active, merged=True
        )
    return _Placed(True, ours, org.id, ours, org.name, active, parent_ref=above.anchor_ref)


def _unit_rows(parsed: _Parsed, placed: dict[str, _Placed], errors: ErrorList) -> list[UnitRow]:
    rows = []
    codes: dict[str, int] = {}
    for org in parsed.orgs:
        place = placed[org.id]
        if not place.kept or place.bad or org.ss_type == HUVUDMAN:
            continue
        if org.code and place.active:
            if org.code in codes:
                file, number = parsed.where(codes[org.code])
                errors.add(org.line, ERROR_CODE_TWICE % {"code": org.code, "number": number, "file": file})
                continue
            codes[org.code] = org.line
        rows.append(
            UnitRow(
                line=org.line,
                type=place.type,
                name=org.name,
                parent_ref=place.parent_ref,
                # as apply_units does: an ended unit gives its code up
                school_unit_code=org.code if place.active else "",
                external_id=org.id,
                school_forms=org.school_types,
                active=place.active,
            )
        )
    return rows


def _read_huvudman(parsed: _Parsed, huvudman_key: str | None, errors: ErrorList):
    """The Huvudman (existing or new, unsaved) and its record; FileRejected when unknown."""
    records = [o for o in parsed.orgs if o.ss_type == HUVUDMAN]
    if len(records) > 1:
        raise FileRejected(str(ERROR_TWO_HUVUDMAN))
    record = records[0] if records else None
    chosen = normalise_organisation_number(huvudman_key) if huvudman_key else None
    if huvudman_key and chosen is None:
        raise FileRejected(str(ERROR_ORGNR % {"value": huvudman_key[:40]}))
    number = record.organisation_number if record else ""
    if number and chosen and number != chosen:
        raise FileRejected(str(ERROR_OTHER_HUVUDMAN % {"number": number, "chosen": chosen}))
    number = number or chosen
    if not number:
        raise FileRejected(str(ERROR_NEED_HUVUDMAN))
    huvudman = Huvudman.objects.filter(organisation_number=number).first()
    if huvudman is None:
        if record is None:
            raise FileRejected(str(ERROR_NO_SUCH_HUVUDMAN % {"number": number}))
        huvudman = Huvudman(name=record.name, organisation_number=number)
    return huvudman, record


def plan_ss12000(
    files: list[tuple[str, bytes | Path]],
    huvudman_key: str | None = None,
    deactivate_missing: bool = False,
    *,
    actor=None,
) -> Ss12000Plan:
    """Reads the pages and plans every change; writes nothing. A file that cannot be read
    raises FileRejected; bad records are collected in plan.errors ("Post 17 i …").
    files: (name, content) pairs; content may be a Path, read when its turn comes."""
    with _no_cyclic_gc():
        errors = ErrorList()
        return _plan_ss12000(read_pages(files, errors), errors, huvudman_key, deactivate_missing, actor)


def plan_parsed_pages(
    parsed: _Parsed,
    errors: ErrorList,
    huvudman_key: str | None = None,
    deactivate_missing: bool = False,
    *,
    actor=None,
) -> Ss12000Plan:
    """plan_ss12000 for pages read before (a preview keeps them minimised between requests);
    errors: those reading them found."""
    with _no_cyclic_gc():
        return _plan_ss12000(parsed, errors, huvudman_key, deactivate_missing, actor)


def _plan_ss12000(parsed, errors, huvudman_key, deactivate_missing, actor) -> Ss12000Plan:
    if PERSONS in parsed.kinds and DUTIES not in parsed.kinds:
        raise FileRejected(str(ERROR_PERSONS_WITHOUT_DUTIES))
    if DUTIES in parsed.kinds and ORGANISATIONS not in parsed.kinds:
        raise FileRejected(str(ERROR_DUTIES_WITHOUT_ORGANISATIONS))
    huvudman, record = _read_huvudman(parsed, huvudman_key, errors)
    plan = Ss12000Plan(
        huvudman=huvudman,
        huvudman_new=huvudman.pk is None,
        errors=errors,
        deactivate_missing=deactivate_missing,
        parsed=parsed,
    )
    plan.notes["ended_duties"] = parsed.ended_duties
    if plan.huvudman_new:
        # Plan against the empty tree of a huvudman that exists only for this rolled-back
        # moment; apply_ss12000 creates it for real and plans again.
        with transaction.atomic():
            _plan(
                plan,
                huvudman_create(name=huvudman.name, organisation_number=huvudman.organisation_number),
                record,
                actor,
            )
            transaction.set_rollback(True)
    else:
        _plan(plan, huvudman, record, actor)
    for index, error in enumerate(plan.errors.errors):
        file, number = parsed.where(error.line)
        plan.errors.errors[index] = RecordError(
            error.line,
            error.message,
            str(ERROR_RECORD % {"number": number, "file": file, "message": error.message}),
        )
    return plan


def _plan(plan: Ss12000Plan, huvudman: Huvudman, record: _Org | None, actor) -> None:
    parsed, errors = plan.parsed, plan.errors
    nodes = list(
        Organisation.objects.filter(huvudman=huvudman).only(
            "pk", "parent_id", "type", "name", "external_id", "is_active", "school_unit_code", "huvudman_id"
        )
    )
    root = next(n for n in nodes if n.parent_id is None)
    existing: dict[str, Organisation] = {}
    aliases: dict[str, Organisation] = {}
    for node in nodes:
        existing[node.external_id or export_id(huvudman, node)] = node
        if not node.external_id and node is not root:
            aliases[export_id(huvudman, node)] = node
    root_ids = {export_id(huvudman, root)}
    if record is not None:
        root_ids.add(record.id)
        holder = existing.get(record.id)
        if holder is not None and holder is not root:
            errors.add(record.line, ERROR_ID_ELSEWHERE % {"id": record.id[:80]})
        elif record.id not in (root.external_id, export_id(huvudman, root)):
            plan.root_external_id = record.id

    placed: dict[str, _Placed] = {}
    if ORGANISATIONS in parsed.kinds:
        placed = _place_orgs(parsed, existing, root, root_ids, errors, plan.notes)
        rows = _unit_rows(parsed, placed, errors)
        if not errors:
            plan.units = plan_units(
                huvudman, rows, deactivate_missing=plan.deactivate_missing, errors=errors, aliases=aliases
            )
    if DUTIES not in parsed.kinds:
        return
    # Which node each kept record will be: an existing one, or a stand-in for a new one.
    targets: dict[str, Organisation] = {}
    leaving: set[int] = set()
    if plan.units is not None:
        for index, row in enumerate(plan.units.adds, start=1):
            stand_in = Organisation(
                pk=-index,
                huvudman_id=huvudman.pk,
                type=row.type,
                name=row.name,
                external_id=row.external_id,
                is_active=row.active,
            )
            targets[row.external_id] = plan.placeholders[row.external_id] = stand_in
        line_ids = {o.line: o.id for o in parsed.orgs}
        for line, node in plan.units.matched.items():
            targets[line_ids[line]] = node
        leaving = {n.pk for n in plan.units.deactivations}
    _plan_people(plan, huvudman, root, existing, root_ids, placed, targets, leaving, actor)


def _plan_people(plan, huvudman, root, existing, root_ids, placed, targets, leaving, actor):
    parsed, errors, notes = plan.parsed, plan.errors, plan.notes
    titles = {t.name.lower(): t for t in RoleTitle.objects.filter(huvudman=huvudman) if t.role in TITLE_ROLES}
    known = {
        ext: (name, email)
        for ext, name, email in Person.objects.filter(huvudman=huvudman)
        .exclude(external_id="")
        .values_list("external_id", "name", "email")
    }
    root_ref = export_id(huvudman, root)
    extra: dict[str, Organisation] = {root_ref: root}
    # person id → (ref, role) → [duty id, line, teaching, title]
    wanted: dict[str, dict[tuple[str, str], list]] = {}
    first_line: dict[str, int] = {}
    ignored = 0
    for duty in sorted(parsed.duties, key=lambda d: d.id):
        ref, active = _duty_target(
            duty.org_id, parsed.bad_org_ids, root_ref, existing, root_ids, placed, targets, leaving
        )
        if ref is None:
            if active is None:
                errors.add(duty.line, ERROR_DUTY_UNIT_MISSING % {"id": duty.org_id[:80]})
            else:
                ignored += 1
            continue
        if not active:
            ignored += 1
            continue
        if duty.person_id not in parsed.persons and duty.person_id not in known:
            errors.add(duty.line, ERROR_DUTY_PERSON_MISSING % {"id": duty.person_id[:80]})
            continue
        node = targets.get(ref) or (root if ref == root_ref else existing.get(ref))
        if node is not None:  # None only when the units could not be planned: errors anyway
            extra[ref] = node
        base_role, teaching = DUTY_ROLES[duty.role]
        grants = [(base_role, teaching, "")]
        description = duty.description.lower()
        title = titles.get(description)
        if title is not None and title.role == base_role:
            grants = [(base_role, teaching, title.name)]
        elif title is not None:
            grants.append((title.role, False, title.name))
        elif description in COORDINATOR_DESCRIPTIONS and base_role != Role.COORDINATOR:
            grants.append((Role.COORDINATOR, False, ""))
        mine = wanted.setdefault(duty.person_id, {})
        first_line.setdefault(duty.person_id, duty.line)
        for role, is_teaching, title_name in grants:
            held = mine.get((ref, role))
            if held is None:
                mine[(ref, role)] = [duty.id, duty.line, is_teaching, title_name]
            else:
                held[2] = held[2] or is_teaching
                held[3] = held[3] or title_name
    notes["ignored_duties"] = ignored

    rows: list[PersonRow] = []
    emails: dict[str, int] = {}
    skipped = 0
    person_ids = list(parsed.persons) + [p for p in wanted if p not in parsed.persons]
    for person_id in person_ids:
        person = parsed.persons.get(person_id)
        memberships = wanted.get(person_id, {})
        if not memberships and person_id not in known:
            skipped += 1
            continue
        if person is None:  # only in Digiplan: its duties are in the files
            name, email = known[person_id]
            line = first_line[person_id]
        else:
            line, name, email = person.line, person.name, person.email
            if not email and person_id in known and not memberships:
                email = known[person_id][1]
            elif not email:
                errors.add(line, person.email_error or ERROR_NO_EMAIL % {"name": name[:80]})
                continue
        name, err = cell.text(name, "givenName + familyName", required=True)
        if err:
            errors.add(line, err)
            continue
        if email in emails:
            file, number = parsed.where(emails[email])
            errors.add(line, ERROR_EMAIL_TWICE % {"email": email, "number": number, "file": file})
            continue
        emails[email] = line
        rows.append(
            PersonRow(
                line=line,
                name=name,
                email=email,
                external_id=person_id,
                memberships=[
                    MembershipRow(m_line, ref, role, title_name, is_teaching, duty_id)
                    for (ref, role), (duty_id, m_line, is_teaching, title_name) in memberships.items()
                ],
            )
        )
    notes["persons_without_duty"] = skipped
    if errors or plan.units is None:
        return
    plan.people = plan_people(
        huvudman,
        rows,
        actor=actor,
        deactivate_missing=plan.deactivate_missing,
        errors=errors,
        extra_nodes=extra,
        managed=lambda m: bool(m.external_id),
    )
    # People made by hand in Digiplan (no external id) are never an SS 12000 import's to end.
    plan.people.deactivations = [p for p in plan.people.deactivations if p.external_id]


def _duty_target(org_id, bad_ids, root_ref, existing, root_ids, placed, targets, leaving):
    """(ref, active) for a duty's organisation; (None, False) when it is not imported;
    (None, None) when it is missing."""
    if org_id in root_ids:
        return root_ref, True
    place = placed.get(org_id)
    if place is not None:
        if place.bad:
            return None, False
        if place.kept:
            if place.type == OrganisationType.HUVUDMAN:
                return root_ref, True
            return org_id, place.active
        if place.merged:
            return (place.anchor_ref or root_ref), place.active
        return None, False
    node = existing.get(org_id)
    if node is None:
        return None, (False if org_id in bad_ids else None)
    if node.parent_id is None:
        return root_ref, True
    return org_id, node.is_active and node.pk not in leaving


class PlanOutdated(Exception):
    """The database changed between planning and applying in a way the plan did not foresee."""


def apply_ss12000(plan: Ss12000Plan, *, actor, source: str) -> dict:
    """Writes units and people in one transaction: all of it, or nothing. For a new huvudman
    the plan is made again, in place, against the huvudman just created."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    with _no_cyclic_gc(), transaction.atomic():
        if plan.huvudman_new:
            record = next((o for o in plan.parsed.orgs if o.ss_type == HUVUDMAN), None)
            plan.huvudman = huvudman_create(
                name=plan.huvudman.name, actor=actor, organisation_number=plan.huvudman.organisation_number
            )
            plan.units = plan.people = None  # let the first plan go before making the second
            plan.placeholders, plan.root_external_id = {}, ""
            plan.notes = {"ended_duties": plan.parsed.ended_duties}
            _plan(plan, plan.huvudman, record, actor)
            if plan.errors:
                raise PlanOutdated(str(next(iter(plan.errors))))
        huvudman = plan.huvudman
        if plan.root_external_id:
            root = huvudman_root(huvudman)
            audit_record(
                actor=actor,
                huvudman=huvudman,
                action="organisation.update",
                obj=root,
                before={"external_id": root.external_id},
                after={"external_id": plan.root_external_id},
            )
            Organisation.objects.filter(pk=root.pk).update(external_id=plan.root_external_id)
        if plan.units is not None:
            apply_units(plan.units, actor=actor, source=source)
        if plan.placeholders:
            refs = list(plan.placeholders)
            for start in range(0, len(refs), 2000):
                for ref, pk in Organisation.objects.filter(
                    huvudman=huvudman, external_id__in=refs[start : start + 2000]
                ).values_list("external_id", "pk"):
                    plan.placeholders[ref].pk = pk
        if plan.people is not None:
            apply_people(plan.people, actor=actor, source=source)
    return plan.summary


# --- Export ---------------------------------------------------------------------------------


def _stamp(moment) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def export_organisations(huvudman: Huvudman) -> dict:
    """The huvudman's tree as one SS 12000 /organisations page. Importing it back changes
    nothing: nodes without an external id get an id derived from their own, which the
    import recognises."""
    nodes = list(
        Organisation.objects.filter(huvudman=huvudman).order_by("path").prefetch_related("school_forms")
    )
    ids = {node.pk: export_id(huvudman, node) for node in nodes}
    data = []
    for node in nodes:
        record = {
            "id": ids[node.pk],
            "meta": {"created": _stamp(node.created_at), "modified": _stamp(node.updated_at)},
            "displayName": huvudman.name if node.parent_id is None else node.name,
            "organisationType": EXPORT_TYPES[OrganisationType(node.type)],
        }
        if node.parent_id is None:
            record["organisationNumber"] = huvudman.organisation_number
        else:
            record["parentOrganisation"] = {"id": ids[node.parent_id]}
        if node.type == OrganisationType.SKOLENHET:
            if node.school_unit_code:
                record["schoolUnitCode"] = node.school_unit_code
            record["schoolTypes"] = sorted(f.school_form for f in node.school_forms.all())
        if not node.is_active:
            # endDate is the last day the node was valid: the day before it was deactivated.
            ended = timezone.localdate(node.deactivated_at or node.updated_at)
            record["endDate"] = (ended - datetime.timedelta(days=1)).isoformat()
        data.append(record)
    return {"data": data, "pageToken": None}
