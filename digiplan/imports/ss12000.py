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
  in Digiplan (then their memberships follow their duties). Only id, name, one e-mail address
  and the first eduPersonPrincipalName are read from a person record: civic numbers, addresses,
  phone numbers, photos and the rest are never kept, not even in memory past their page.
* A duty becomes a membership: Rektor → unit leader, teaching roles → staff (teaching), the
  other roles → staff. A duty whose description is one of the huvudman's role titles (or
  "IT-pedagog") also gives that role. Only memberships an SS 12000 import made (they carry the
  duty id) are removed when the duty is gone; those made by hand in Digiplan stay.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from digiplan.audit.services import audit_record
from digiplan.imports.errors import ERROR_PLAN_HAS_ERRORS, ErrorList, FileRejected
from digiplan.imports.people import (
    MembershipRow,
    PeoplePlan,
    PersonRow,
    apply_people,
    plan_people,
)
from digiplan.imports.ss12000_export import export_organisations  # noqa: F401 - callers import it here
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
    ERROR_PRINCIPAL_NAME_TWICE,
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
    principal_name_of,
    read_pages,
)
from digiplan.imports.ss12000_places import Placed, place_orgs, unit_rows
from digiplan.imports.units import UnitPlan, apply_units, plan_units
from digiplan.organisations import cells as cell
from digiplan.organisations.models import (
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
    huvudman: Huvudman
    huvudman_new: bool = False
    units: UnitPlan | None = None
    people: PeoplePlan | None = None
    errors: ErrorList = field(default_factory=ErrorList)
    notes: dict[str, int] = field(default_factory=dict)
    root_external_id: str = ""  # to store on the root node, when it has none yet
    # Units this import creates, by external id: people planning points at these stand-ins.
    placeholders: dict[str, Organisation] = field(default_factory=dict)
    deactivate_missing: bool = False
    parsed: _Parsed = field(default_factory=_Parsed)

    @property
    def summary(self) -> dict[str, object]:
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


def _read_huvudman(
    parsed: _Parsed, huvudman_key: str | None, errors: ErrorList
) -> tuple[Huvudman, _Org | None]:
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
    number = number or chosen or ""
    if not number:
        raise FileRejected(str(ERROR_NEED_HUVUDMAN))
    huvudman = Huvudman.objects.filter(organisation_number=number).first()
    if huvudman is None:
        if record is None:
            raise FileRejected(str(ERROR_NO_SUCH_HUVUDMAN % {"number": number}))
        huvudman = Huvudman(name=record.name, organisation_number=number)
    return huvudman, record


def plan_ss12000(
    files: Sequence[tuple[str, bytes | Path]],
    huvudman_key: str | None = None,
    deactivate_missing: bool = False,
    *,
    actor: Person | None = None,
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
    actor: Person | None = None,
) -> Ss12000Plan:
    """plan_ss12000 for pages read before (a preview keeps them minimised between requests);
    errors: those reading them found."""
    with _no_cyclic_gc():
        return _plan_ss12000(parsed, errors, huvudman_key, deactivate_missing, actor)


def _plan_ss12000(
    parsed: _Parsed,
    errors: ErrorList,
    huvudman_key: str | None,
    deactivate_missing: bool,
    actor: Person | None,
) -> Ss12000Plan:
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


@dataclass
class _DutyPlaces:
    """Where a duty's organisation ends up: the records placed, the nodes planned and those
    that exist already."""

    root: Organisation
    root_ref: str  # the root's SS 12000 id
    root_ids: set[str]  # every id that means the root
    existing: dict[str, Organisation]
    placed: dict[str, Placed] = field(default_factory=dict)
    # kept record id → the node it will be (an existing one, or a stand-in for a new one)
    targets: dict[str, Organisation] = field(default_factory=dict)
    leaving: set[int] = field(default_factory=set)  # nodes the units plan deactivates
    bad_ids: set[str] = field(default_factory=set)  # organisation records in error

    def target(self, org_id: str) -> tuple[str | None, bool | None]:
        """(ref, active) for a duty's organisation; (None, False) when it is not imported;
        (None, None) when it is missing."""
        if org_id in self.root_ids:
            return self.root_ref, True
        place = self.placed.get(org_id)
        if place is not None:
            if place.bad:
                return None, False
            if place.kept:
                if place.type == OrganisationType.HUVUDMAN:
                    return self.root_ref, True
                return org_id, place.active
            if place.merged:
                return (place.anchor_ref or self.root_ref), place.active
            return None, False
        node = self.existing.get(org_id)
        if node is None:
            return None, (False if org_id in self.bad_ids else None)
        if node.parent_id is None:
            return self.root_ref, True
        return org_id, node.is_active and node.pk not in self.leaving

    def node(self, ref: str) -> Organisation | None:
        return self.targets.get(ref) or (self.root if ref == self.root_ref else self.existing.get(ref))


def _plan(plan: Ss12000Plan, huvudman: Huvudman, record: _Org | None, actor: Person | None) -> None:
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

    places = _DutyPlaces(root=root, root_ref=export_id(huvudman, root), root_ids=root_ids, existing=existing)
    places.bad_ids = parsed.bad_org_ids
    if ORGANISATIONS in parsed.kinds:
        places.placed = place_orgs(parsed, existing, root, root_ids, errors, plan.notes)
        rows = unit_rows(parsed, places.placed, errors)
        if not errors:
            plan.units = plan_units(
                huvudman, rows, deactivate_missing=plan.deactivate_missing, errors=errors, aliases=aliases
            )
    if DUTIES not in parsed.kinds:
        return
    if plan.units is not None:
        _target_planned_units(plan, plan.units, huvudman, places)
    _plan_people(plan, huvudman, places, actor)


def _target_planned_units(
    plan: Ss12000Plan, units: UnitPlan, huvudman: Huvudman, places: _DutyPlaces
) -> None:
    """Which node each kept record will be: an existing one, or a stand-in for a new one."""
    for index, row in enumerate(units.adds, start=1):
        stand_in = Organisation(
            pk=-index,
            huvudman_id=huvudman.pk,
            type=row.type,
            name=row.name,
            external_id=row.external_id,
            is_active=row.active,
        )
        places.targets[row.external_id] = plan.placeholders[row.external_id] = stand_in
    line_ids = {o.line: o.id for o in plan.parsed.orgs}
    for line, node in units.matched.items():
        places.targets[line_ids[line]] = node
    places.leaving = {n.pk for n in units.deactivations}


@dataclass
class _Held:
    """A membership a person's duties give: the first duty's id and line, and what any of
    them adds (teaching, a role title)."""

    duty_id: str
    line: int
    is_teaching: bool
    title_name: str


@dataclass
class _Wanted:
    """The memberships the duties give, by person id and (unit ref, role)."""

    memberships: dict[str, dict[tuple[str, str], _Held]] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)  # person id → line of their first duty
    units: dict[str, Organisation] = field(default_factory=dict)  # unit ref → node, for plan_people


def _plan_people(plan: Ss12000Plan, huvudman: Huvudman, places: _DutyPlaces, actor: Person | None) -> None:
    """The duties → memberships → one PersonRow per person → the people planner."""
    known = {
        ext: (name, email)
        for ext, name, email in Person.objects.filter(huvudman=huvudman)
        .exclude(external_id="")
        .values_list("external_id", "name", "email")
    }
    wanted = _memberships_from_duties(plan, huvudman, places, known)
    rows = _person_rows(plan, wanted, known)
    if plan.errors or plan.units is None:
        return
    plan.people = plan_people(
        huvudman,
        rows,
        actor=actor,
        deactivate_missing=plan.deactivate_missing,
        errors=plan.errors,
        extra_nodes=wanted.units,
        managed=lambda m: bool(m.external_id),
    )
    # People made by hand in Digiplan (no external id) are never an SS 12000 import's to end.
    plan.people.deactivations = [p for p in plan.people.deactivations if p.external_id]


def _grants(duty: _Duty, titles: dict[str, RoleTitle]) -> list[tuple[str, bool, str]]:
    """(role, teaching, title name) of each membership a duty gives."""
    base_role, teaching = DUTY_ROLES[duty.role]
    description = duty.description.lower()
    title = titles.get(description)
    if title is not None and title.role == base_role:
        return [(base_role, teaching, title.name)]
    if title is not None:
        return [(base_role, teaching, ""), (title.role, False, title.name)]
    if description in COORDINATOR_DESCRIPTIONS and base_role != Role.COORDINATOR:
        return [(base_role, teaching, ""), (Role.COORDINATOR, False, "")]
    return [(base_role, teaching, "")]


def _memberships_from_duties(
    plan: Ss12000Plan, huvudman: Huvudman, places: _DutyPlaces, known: dict[str, tuple[str, str]]
) -> _Wanted:
    parsed, errors = plan.parsed, plan.errors
    titles = {t.name.lower(): t for t in RoleTitle.objects.filter(huvudman=huvudman) if t.role in TITLE_ROLES}
    wanted = _Wanted(units={places.root_ref: places.root})
    ignored = 0
    for duty in sorted(parsed.duties, key=lambda d: d.id):
        ref, active = places.target(duty.org_id)
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
        node = places.node(ref)
        if node is not None:  # None only when the units could not be planned: errors anyway
            wanted.units[ref] = node
        mine = wanted.memberships.setdefault(duty.person_id, {})
        wanted.first_line.setdefault(duty.person_id, duty.line)
        for role, is_teaching, title_name in _grants(duty, titles):
            held = mine.get((ref, role))
            if held is None:
                mine[(ref, role)] = _Held(duty.id, duty.line, is_teaching, title_name)
            else:
                held.is_teaching = held.is_teaching or is_teaching
                held.title_name = held.title_name or title_name
    plan.notes["ignored_duties"] = ignored
    return wanted


def _person_rows(plan: Ss12000Plan, wanted: _Wanted, known: dict[str, tuple[str, str]]) -> list[PersonRow]:
    """One row per person who holds a duty or is in Digiplan already; errors into plan."""
    parsed, errors = plan.parsed, plan.errors
    rows: list[PersonRow] = []
    emails: dict[str, int] = {}
    principal_names: dict[str, int] = {}
    skipped = 0
    person_ids = list(parsed.persons) + [p for p in wanted.memberships if p not in parsed.persons]
    for person_id in person_ids:
        memberships = wanted.memberships.get(person_id, {})
        if not memberships and person_id not in known:
            skipped += 1
            continue
        found = _name_and_email(plan, person_id, bool(memberships), wanted, known)
        if found is None:
            continue
        line, name, email = found
        if email in emails:
            file, number = parsed.where(emails[email])
            errors.add(line, ERROR_EMAIL_TWICE % {"email": email, "number": number, "file": file})
            continue
        emails[email] = line
        principal_name = principal_name_of(
            parsed, errors, parsed.persons.get(person_id), line, principal_names
        )
        if principal_name is None:
            continue
        rows.append(
            PersonRow(
                line=line,
                name=name,
                email=email,
                external_id=person_id,
                principal_name=principal_name,
                memberships=[
                    MembershipRow(held.line, ref, role, held.title_name, held.is_teaching, held.duty_id)
                    for (ref, role), held in memberships.items()
                ],
            )
        )
    plan.notes["persons_without_duty"] = skipped
    return rows


def _name_and_email(
    plan: Ss12000Plan, person_id: str, has_duties: bool, wanted: _Wanted, known: dict[str, tuple[str, str]]
) -> tuple[int, str, str] | None:
    """(line, name, e-mail) of a person; None, with the error in plan, when they lack one."""
    person = plan.parsed.persons.get(person_id)
    if person is None:  # only in Digiplan: its duties are in the files
        name, email = known[person_id]
        line = wanted.first_line[person_id]
    else:
        line, name, email = person.line, person.name, person.email
        if not email and person_id in known and not has_duties:
            email = known[person_id][1]
        elif not email:
            plan.errors.add(line, person.email_error or ERROR_NO_EMAIL % {"name": name[:80]})
            return None
    name, err = cell.text(name, "givenName + familyName", required=True)
    if err:
        plan.errors.add(line, err)
        return None
    return line, name, email


class PlanOutdated(Exception):
    """The database changed between planning and applying in a way the plan did not foresee."""


def apply_ss12000(plan: Ss12000Plan, *, actor: Person | None, source: str) -> dict[str, object]:
    """Writes units and people in one transaction: all of it, or nothing. For a new huvudman
    the plan is made again, in place, against the huvudman just created."""
    if plan.errors:
        raise ValueError(ERROR_PLAN_HAS_ERRORS)
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
            # update() skips auto_now: the export's meta.modified needs updated_at set here.
            Organisation.objects.filter(pk=root.pk).update(
                external_id=plan.root_external_id, updated_at=timezone.now()
            )
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
