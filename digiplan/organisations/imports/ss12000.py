"""SS 12000 (v2.1) JSON pages from /organisations, /persons and /duties → units and people.

Each file is one page as the API returns it: {"data": [...], "pageToken": ...}. Pages of the
three endpoints may come in any order and any number; which endpoint a page is from is told by
its records' fields. The records become UnitRow and PersonRow lists for the same planners the
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

import bisect
import contextlib
import datetime
import gc
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.audit.services import audit_record
from digiplan.organisations.imports import fields
from digiplan.organisations.imports.errors import ErrorList, FileRejected, RowError
from digiplan.organisations.imports.people import (
    MembershipRow,
    PeoplePlan,
    PersonRow,
    apply_people,
    plan_people,
)
from digiplan.organisations.imports.readers import check_size
from digiplan.organisations.imports.units import UnitPlan, UnitRow, apply_units, plan_units
from digiplan.organisations.models import (
    TYPE_RANK,
    Huvudman,
    Organisation,
    OrganisationType,
    Person,
    Role,
    RoleTitle,
    SchoolForm,
)
from digiplan.organisations.services import huvudman_create, huvudman_root

ORGANISATIONS, PERSONS, DUTIES = "organisations", "persons", "duties"

HUVUDMAN = "Huvudman"
# SS 12000 organisationType → our type; None: not imported, children move up a level.
ORGANISATION_TYPES: dict[str, str | None] = {
    "Förvaltning": OrganisationType.FORVALTNING,
    "Verksamhetsområde": OrganisationType.FORVALTNING,
    "Stadsdel": OrganisationType.FORVALTNING,  # deprecated in v2.1; "a reasonable synonym is Förvaltning"
    "Rektorsområde": OrganisationType.OMRADE,
    "Skola": OrganisationType.OMRADE,
    "Skolenhet": OrganisationType.SKOLENHET,
    "Varumärke": None,
    "Bolag": None,
    "Övrigt": None,
}
EXPORT_TYPES = {
    OrganisationType.HUVUDMAN: HUVUDMAN,
    OrganisationType.FORVALTNING: "Förvaltning",
    OrganisationType.OMRADE: "Rektorsområde",
    OrganisationType.SKOLENHET: "Skolenhet",
}

# SS 12000 DutyRole → (our role, teaching). Förskolechef is deprecated in v2.1, still read.
DUTY_ROLES: dict[str, tuple[str, bool]] = {
    "Rektor": (Role.UNIT_LEADER, False),
    "Förskolechef": (Role.UNIT_LEADER, False),
    "Lärare": (Role.STAFF, True),
    "Förskollärare": (Role.STAFF, True),
    "Fritidspedagog": (Role.STAFF, True),
    "Förstelärare": (Role.STAFF, True),
    "Speciallärare/specialpedagog": (Role.STAFF, True),
    "Barnskötare": (Role.STAFF, False),
    "Bibliotekarie": (Role.STAFF, False),
    "Lärarassistent": (Role.STAFF, False),
    "Annan personal": (Role.STAFF, False),
    "Studie- och yrkesvägledare": (Role.STAFF, False),
    "Kurator": (Role.STAFF, False),
    "Skolsköterska": (Role.STAFF, False),
    "Skolläkare": (Role.STAFF, False),
    "Skolpsykolog": (Role.STAFF, False),
    "Skoladministratör": (Role.STAFF, False),
    "Övrig arbetsledning": (Role.STAFF, False),
    "Övrig pedagogisk personal": (Role.STAFF, False),
}
# DutyRole has no value for them: a duty's free-text description names them.
COORDINATOR_DESCRIPTIONS = {"it-pedagog", "digitaliseringsansvarig", "it-ansvarig"}
# A role title matched by a duty's description may give only these roles: never the
# strategist's, which must be granted in Digiplan itself.
TITLE_ROLES = {Role.UNIT_LEADER, Role.COORDINATOR, Role.STAFF}

# E-mail types in preference order (Code_EmailType); any other address is the last resort.
EMAIL_PREFERENCE = ("Skola personal", "Arbete övrigt")

# Ids for nodes that have no external id: stable across exports from the same database.
EXPORT_NAMESPACE = uuid.UUID("6f1d3c2e-8a47-5b0e-9c61-2d4f8e7a1b35")

ORGNR = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ERROR_RECORD = gettext_lazy("Record %(number)s in %(file)s: %(message)s")
ERROR_NOT_JSON = gettext_lazy("%(file)s is not valid JSON: %(reason)s (line %(line)s, "
                              "column %(column)s). Nothing was imported.")
ERROR_CUT_OFF = gettext_lazy("the file ends in the middle of the data; it may have been cut off")
ERROR_BAD_JSON = gettext_lazy("unexpected content")
ERROR_NOT_PAGE = gettext_lazy("%(file)s is not an SS 12000 page from /organisations, /persons or "
                              "/duties: %(reason)s.")
ERROR_NO_DATA = gettext_lazy("it has no “data” list")
ERROR_UNKNOWN_RECORDS = gettext_lazy("its records are neither organisations, persons nor duties")
ERROR_WRONG_KIND = gettext_lazy("The record is not of the same kind as the others on the page "
                                "(%(kind)s).")
ERROR_NOT_OBJECT = gettext_lazy("The record is not a JSON object.")
ERROR_NO_ID = gettext_lazy("The record has no id.")
ERROR_DUPLICATE_ID = gettext_lazy("The id %(id)s also belongs to record %(number)s in %(file)s.")
ERROR_UNKNOWN_ORG_TYPE = gettext_lazy("Unknown organisationType “%(value)s”.")
ERROR_UNKNOWN_SCHOOL_TYPES = gettext_lazy("Unknown schoolTypes: %(values)s.")
ERROR_BAD_DATE = gettext_lazy("%(field)s “%(value)s” is not a date (YYYY-MM-DD).")
ERROR_PARENT_MISSING = gettext_lazy("The parent organisation %(id)s is neither in the files nor "
                                    "in the organisation.")
ERROR_PARENT_CYCLE = gettext_lazy("The parent organisations form a cycle (%(ids)s).")
ERROR_UNDER_UNIT = gettext_lazy("A %(type)s cannot be placed under a school unit (“%(parent)s”).")
ERROR_CODE_TWICE = gettext_lazy("The school unit code %(code)s is also on record %(number)s in "
                                "%(file)s.")
ERROR_ID_ELSEWHERE = gettext_lazy("The id %(id)s is already used by another node of the "
                                  "organisation.")
ERROR_TWO_HUVUDMAN = gettext_lazy("The files hold more than one Huvudman record: one import is "
                                  "for one school organiser.")
ERROR_ORGNR = gettext_lazy("organisationNumber “%(value)s” is not an organisation number "
                           "(10 digits, NNNNNN-NNNN).")
ERROR_OTHER_HUVUDMAN = gettext_lazy("The Huvudman record is %(number)s, but the import was "
                                    "started for %(chosen)s.")
ERROR_NEED_HUVUDMAN = gettext_lazy("The files have no Huvudman record with an organisation "
                                   "number: choose the school organiser to import into.")
ERROR_NO_SUCH_HUVUDMAN = gettext_lazy("There is no school organiser with organisation number "
                                      "%(number)s.")
ERROR_PERSONS_WITHOUT_DUTIES = gettext_lazy("Pages from /persons need the pages from /duties "
                                            "with them: a person's duties say where they work.")
ERROR_DUTIES_WITHOUT_ORGANISATIONS = gettext_lazy(
    "Pages from /duties need the pages from /organisations with them: only they tell which "
    "organisations Digiplan leaves out on purpose.")
ERROR_UNKNOWN_DUTY_ROLE = gettext_lazy("Unknown dutyRole “%(value)s”.")
ERROR_DUTY_NO_PERSON = gettext_lazy("The duty has no person.")
ERROR_DUTY_NO_UNIT = gettext_lazy("The duty has no dutyAt.")
ERROR_DUTY_PERSON_MISSING = gettext_lazy("The duty's person %(id)s is neither in the files nor "
                                         "in Digiplan.")
ERROR_DUTY_UNIT_MISSING = gettext_lazy("The duty's organisation %(id)s is neither in the files "
                                       "nor in the organisation.")
ERROR_NO_EMAIL = gettext_lazy("%(name)s has a duty but no e-mail address; Digiplan signs people "
                              "in by e-mail.")
ERROR_BAD_EMAIL = gettext_lazy("“%(email)s” is not an e-mail address.")
ERROR_EMAIL_TWICE = gettext_lazy("The e-mail address %(email)s also belongs to record "
                                 "%(number)s in %(file)s.")


class RecordError(RowError):
    """A row error that names the record and file instead of a line."""

    def __init__(self, line: int, message: str, where: str):
        super().__init__(line, message)
        self.where = where

    def __str__(self) -> str:
        return self.where


@dataclass(slots=True)
class _Org:
    line: int
    id: str
    ss_type: str
    name: str
    parent_id: str
    code: str
    school_types: list[str] | None
    end_date: datetime.date | None
    organisation_number: str = ""


@dataclass(slots=True)
class _Person:
    line: int
    id: str
    name: str
    email: str  # "" when the record has none
    email_error: str = ""


@dataclass(slots=True)
class _Duty:
    line: int
    id: str
    person_id: str
    org_id: str
    role: str
    description: str


@dataclass
class _Parsed:
    files: list[tuple[int, str]] = field(default_factory=list)  # (first line, name)
    kinds: set[str] = field(default_factory=set)
    orgs: list[_Org] = field(default_factory=list)
    persons: dict[str, _Person] = field(default_factory=dict)
    duties: list[_Duty] = field(default_factory=list)
    ended_duties: int = 0
    bad_org_ids: set[str] = field(default_factory=set)  # records already reported as errors

    def where(self, line: int) -> tuple[str, int]:
        index = bisect.bisect_right([start for start, _name in self.files], line) - 1
        start, name = self.files[index]
        return name, line - start + 1


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
        return {"huvudman_created": self.huvudman_new, "units": units,
                "people": self.people.summary if self.people else {}, "notes": dict(self.notes)}


def normalise_organisation_number(value: str) -> str | None:
    match = ORGNR.match((value or "").strip().replace(" ", ""))
    return f"{match.group(1)}-{match.group(2)}" if match else None


def export_id(huvudman: Huvudman, node: Organisation) -> str:
    """The node's SS 12000 id: its external id, else one derived from it that stays the same."""
    return node.external_id or str(uuid.uuid5(EXPORT_NAMESPACE,
                                              f"{huvudman.organisation_number}/{node.pk}"))


@contextlib.contextmanager
def _no_cyclic_gc():
    """Planning holds a million small objects, none in cycles: Python's cyclic collector would
    walk them all again and again (a fifth of the time of a national import) for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- Reading ------------------------------------------------------------------------------

def _kind(record: dict) -> str | None:
    if "organisationType" in record:
        return ORGANISATIONS
    if "dutyRole" in record or "dutyAt" in record:
        return DUTIES
    if "givenName" in record or "familyName" in record:
        return PERSONS
    return None


def _load(name: str, data: bytes | Path) -> list:
    if isinstance(data, Path):  # read only now, so that one page at a time is in memory
        check_size(data.stat().st_size)
        data = data.read_bytes()
    check_size(len(data))
    try:
        page = json.loads(data)
    except UnicodeDecodeError:
        raise FileRejected(ERROR_NOT_PAGE % {"file": name, "reason": _("it is not UTF-8 text")}
                           ) from None
    except json.JSONDecodeError as exc:
        cut_off = exc.msg.startswith("Unterminated string") or not exc.doc[exc.pos:].strip()
        raise FileRejected(ERROR_NOT_JSON % {
            "file": name, "reason": ERROR_CUT_OFF if cut_off else ERROR_BAD_JSON,
            "line": exc.lineno, "column": exc.colno}) from None
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise FileRejected(ERROR_NOT_PAGE % {"file": name, "reason": ERROR_NO_DATA})
    return page["data"]


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ""


def _ref(record: dict, key: str) -> str:
    value = record.get(key)
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"].strip()
    return ""


def _date(record: dict, key: str, errors: list[str]) -> datetime.date | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str) and DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(ERROR_BAD_DATE % {"field": key, "value": str(value)[:40]})
    return None


def _pick_email(record: dict) -> str:
    emails = [e for e in record.get("emails") or [] if isinstance(e, dict)
              and isinstance(e.get("value"), str) and e["value"].strip()]
    for wanted in EMAIL_PREFERENCE:
        for entry in emails:
            if entry.get("type") == wanted:
                return entry["value"].strip().lower()
    return emails[0]["value"].strip().lower() if emails else ""


def _read_person(line: int, record: dict, errors: ErrorList) -> _Person | None:
    """Only id, name and e-mail leave this function: nothing else of the record is kept."""
    person_id = _text(record, "id")
    if not person_id:
        errors.add(line, ERROR_NO_ID)
        return None
    name = " ".join(p for p in (_text(record, "givenName"), _text(record, "familyName")) if p)
    email = _pick_email(record)
    email_error = ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            email_error, email = str(ERROR_BAD_EMAIL % {"email": email[:80]}), ""
    return _Person(line, person_id[:100], name, email, email_error)


def _read_org(line: int, record: dict, errors: ErrorList) -> _Org | None:
    problems: list[str] = []
    org_id = _text(record, "id")
    if not org_id:
        problems.append(ERROR_NO_ID)
    ss_type = _text(record, "organisationType")
    if ss_type != HUVUDMAN and ss_type not in ORGANISATION_TYPES:
        problems.append(ERROR_UNKNOWN_ORG_TYPE % {"value": ss_type[:40]})
    name, err = fields.text(_text(record, "displayName"), "displayName", required=True)
    problems.append(err)
    code = ""
    if ss_type == "Skolenhet":  # other types have no school unit code in our tree
        code, err = fields.school_unit_code(_text(record, "schoolUnitCode"))
        problems.append(err)
    school_types = None
    if ss_type == "Skolenhet" and "schoolTypes" in record:
        values = record.get("schoolTypes") or []
        values = values if isinstance(values, list) else [values]
        unknown = [str(v)[:20] for v in values if v not in SchoolForm.values]
        if unknown:
            problems.append(ERROR_UNKNOWN_SCHOOL_TYPES % {"values": ", ".join(unknown)})
        school_types = list(dict.fromkeys(v for v in values if v in SchoolForm.values))
    date_problems: list[str] = []
    end_date = _date(record, "endDate", date_problems)
    problems.extend(date_problems)
    number = ""
    if ss_type == HUVUDMAN and record.get("organisationNumber"):
        number = normalise_organisation_number(str(record["organisationNumber"])) or ""
        if not number:
            problems.append(ERROR_ORGNR % {"value": str(record["organisationNumber"])[:40]})
    problems = [str(p) for p in problems if p]
    if problems:
        errors.add(line, " ".join(problems))
        return None
    return _Org(line, org_id[:100], ss_type, name, _ref(record, "parentOrganisation"), code,
                school_types, end_date, number)


def _read_duty(line: int, record: dict, today: datetime.date, parsed: _Parsed,
               errors: ErrorList, embedded: dict[str, _Person]) -> _Duty | None:
    problems: list[str] = []
    end_date = _date(record, "endDate", problems)
    if not problems and end_date is not None and end_date < today:
        parsed.ended_duties += 1
        return None
    duty_id = _text(record, "id")
    if not duty_id:
        problems.append(ERROR_NO_ID)
    role = _text(record, "dutyRole")
    if role not in DUTY_ROLES:
        problems.append(ERROR_UNKNOWN_DUTY_ROLE % {"value": role[:40]})
    person_id = _ref(record, "person")
    if not person_id:
        problems.append(ERROR_DUTY_NO_PERSON)
    org_id = _ref(record, "dutyAt")
    if not org_id:
        problems.append(ERROR_DUTY_NO_UNIT)
    if problems:
        errors.add(line, " ".join(str(p) for p in problems))
        return None
    # /duties?expand=person embeds the person: read it as a person record, and only so.
    person = (record.get("_embedded") or {}).get("person")
    if isinstance(person, dict) and person_id not in embedded:
        found = _read_person(line, person, ErrorList())
        if found is not None:
            embedded[person_id] = found
    return _Duty(line, duty_id[:100], person_id, org_id,
                 role, _text(record, "description"))


def read_pages(files: list[tuple[str, bytes | Path]], errors: ErrorList) -> _Parsed:
    """Reads every page; a file that is not JSON or not a page rejects the whole import."""
    parsed = _Parsed()
    today = timezone.localdate()
    line = 1
    org_lines: dict[str, int] = {}
    embedded: dict[str, _Person] = {}
    for name, data in files:
        records = _load(name, data)
        parsed.files.append((line, name))
        kinds = [k for k in map(_kind, (r for r in records if isinstance(r, dict))) if k]
        if records and not kinds:
            raise FileRejected(ERROR_NOT_PAGE % {"file": name, "reason": ERROR_UNKNOWN_RECORDS})
        page_kind = kinds[0] if kinds else None
        if page_kind:
            parsed.kinds.add(page_kind)
        for record in records:
            if not isinstance(record, dict):
                errors.add(line, ERROR_NOT_OBJECT)
            elif _kind(record) != page_kind:
                errors.add(line, ERROR_WRONG_KIND % {"kind": page_kind})
            elif page_kind == ORGANISATIONS:
                org = _read_org(line, record, errors)
                if org is None:
                    parsed.bad_org_ids.add(_text(record, "id"))
                else:
                    if org.id in org_lines:
                        _duplicate(parsed, errors, line, org.id, org_lines[org.id])
                    else:
                        org_lines[org.id] = line
                        parsed.orgs.append(org)
            elif page_kind == PERSONS:
                person = _read_person(line, record, errors)
                if person is not None:
                    if person.id in parsed.persons:
                        _duplicate(parsed, errors, line, person.id,
                                   parsed.persons[person.id].line)
                    else:
                        parsed.persons[person.id] = person
            else:
                duty = _read_duty(line, record, today, parsed, errors, embedded)
                if duty is not None:
                    parsed.duties.append(duty)
            line += 1
        del records  # the page's full records (with whatever they hold) go now
    for person_id, person in embedded.items():
        parsed.persons.setdefault(person_id, person)
    return parsed


def _duplicate(parsed: _Parsed, errors: ErrorList, line: int, id_: str, first: int) -> None:
    file, number = parsed.where(first)
    errors.add(line, ERROR_DUPLICATE_ID % {"id": id_[:80], "number": number, "file": file})


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


def _place_orgs(parsed: _Parsed, existing: dict[str, Organisation], root: Organisation | None,
                root_ids: set[str], errors: ErrorList, notes: dict[str, int]) -> dict[str, _Placed]:
    """Resolves every organisation record's parent chain: missing parents and cycles are
    errors; records of types we do not import are passed over to the nearest kept ancestor."""
    today = timezone.localdate()
    by_id = {o.id: o for o in parsed.orgs}
    placed: dict[str, _Placed] = {}
    root_place = _Placed(True, OrganisationType.HUVUDMAN, "", OrganisationType.HUVUDMAN,
                         root.name if root else "", True)

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
                cycle = chain[[c.id for c in chain].index(org.id):]
                for member in cycle:
                    errors.add(member.line, ERROR_PARENT_CYCLE % {
                        "ids": " → ".join(c.id[:40] for c in [*cycle, cycle[0]][:6])})
                    placed[member.id] = _Placed(False, None, "", "", "", True, bad=True)
                chain = chain[:len(chain) - len(cycle)]
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
        return _Placed(True, OrganisationType.HUVUDMAN, "", OrganisationType.HUVUDMAN,
                       org.name, True)
    ours = ORGANISATION_TYPES[org.ss_type]
    if ours is None:
        notes["skipped_organisations"] = notes.get("skipped_organisations", 0) + 1
        return _Placed(False, None, above.anchor_ref, above.anchor_type, above.anchor_name,
                       active)
    rank, above_rank = TYPE_RANK[OrganisationType(ours)], TYPE_RANK[OrganisationType(above.anchor_type)]
    if above.anchor_type == OrganisationType.SKOLENHET:
        errors.add(org.line, ERROR_UNDER_UNIT % {"type": OrganisationType(ours).label.lower(),
                                                 "parent": above.anchor_name[:80]})
        return _Placed(False, None, "", "", "", True, bad=True)
    if rank <= above_rank and ours == OrganisationType.FORVALTNING and \
            above_rank < TYPE_RANK[OrganisationType.OMRADE]:
        ours, rank = OrganisationType.OMRADE, TYPE_RANK[OrganisationType.OMRADE]
    if rank <= above_rank:  # an område within an område: its children move up
        notes["merged_organisations"] = notes.get("merged_organisations", 0) + 1
        return _Placed(False, None, above.anchor_ref, above.anchor_type, above.anchor_name,
                       active, merged=True)
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
                errors.add(org.line, ERROR_CODE_TWICE % {"code": org.code, "number": number,
                                                         "file": file})
                continue
            codes[org.code] = org.line
        rows.append(UnitRow(line=org.line, type=place.type, name=org.name,
                            parent_ref=place.parent_ref,
                            # as apply_units does: an ended unit gives its code up
                            school_unit_code=org.code if place.active else "",
                            external_id=org.id,
                            school_forms=org.school_types, active=place.active))
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


def plan_ss12000(files: list[tuple[str, bytes | Path]], huvudman_key: str | None = None,
                 deactivate_missing: bool = False, *, actor=None) -> Ss12000Plan:
    """Reads the pages and plans every change; writes nothing. A file that cannot be read
    raises FileRejected; bad records are collected in plan.errors ("Post 17 i …").
    files: (name, content) pairs; content may be a Path, read when its turn comes."""
    with _no_cyclic_gc():
        return _plan_ss12000(files, huvudman_key, deactivate_missing, actor)


def _plan_ss12000(files, huvudman_key, deactivate_missing, actor) -> Ss12000Plan:
    errors = ErrorList()
    parsed = read_pages(files, errors)
    if PERSONS in parsed.kinds and DUTIES not in parsed.kinds:
        raise FileRejected(str(ERROR_PERSONS_WITHOUT_DUTIES))
    if DUTIES in parsed.kinds and ORGANISATIONS not in parsed.kinds:
        raise FileRejected(str(ERROR_DUTIES_WITHOUT_ORGANISATIONS))
    huvudman, record = _read_huvudman(parsed, huvudman_key, errors)
    plan = Ss12000Plan(huvudman=huvudman, huvudman_new=huvudman.pk is None, errors=errors,
                       deactivate_missing=deactivate_missing, parsed=parsed)
    plan.notes["ended_duties"] = parsed.ended_duties
    if plan.huvudman_new:
        # Plan against the empty tree of a huvudman that exists only for this rolled-back
        # moment; apply_ss12000 creates it for real and plans again.
        with transaction.atomic():
            _plan(plan, huvudman_create(name=huvudman.name,
                                        organisation_number=huvudman.organisation_number),
                  record, actor)
            transaction.set_rollback(True)
    else:
        _plan(plan, huvudman, record, actor)
    for index, error in enumerate(plan.errors.errors):
        file, number = parsed.where(error.line)
        plan.errors.errors[index] = RecordError(error.line, error.message, str(ERROR_RECORD % {
            "number": number, "file": file, "message": error.message}))
    return plan


def _plan(plan: Ss12000Plan, huvudman: Huvudman, record: _Org | None, actor) -> None:
    parsed, errors = plan.parsed, plan.errors
    nodes = list(Organisation.objects.filter(huvudman=huvudman).only(
        "pk", "parent_id", "type", "name", "external_id", "is_active", "school_unit_code",
        "huvudman_id"))
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
            plan.units = plan_units(huvudman, rows, deactivate_missing=plan.deactivate_missing,
                                    errors=errors, aliases=aliases)
    if DUTIES not in parsed.kinds:
        return
    # Which node each kept record will be: an existing one, or a stand-in for a new one.
    targets: dict[str, Organisation] = {}
    leaving: set[int] = set()
    if plan.units is not None:
        for index, row in enumerate(plan.units.adds, start=1):
            stand_in = Organisation(pk=-index, huvudman_id=huvudman.pk, type=row.type,
                                    name=row.name, external_id=row.external_id,
                                    is_active=row.active)
            targets[row.external_id] = plan.placeholders[row.external_id] = stand_in
        line_ids = {o.line: o.id for o in parsed.orgs}
        for line, node in plan.units.matched.items():
            targets[line_ids[line]] = node
        leaving = {n.pk for n in plan.units.deactivations}
    _plan_people(plan, huvudman, root, existing, root_ids, placed, targets, leaving, actor)


def _plan_people(plan, huvudman, root, existing, root_ids, placed, targets, leaving, actor):
    parsed, errors, notes = plan.parsed, plan.errors, plan.notes
    titles = {t.name.lower(): t for t in RoleTitle.objects.filter(huvudman=huvudman)
              if t.role in TITLE_ROLES}
    known = {ext: (name, email) for ext, name, email in Person.objects.filter(
        huvudman=huvudman).exclude(external_id="").values_list("external_id", "name", "email")}
    root_ref = export_id(huvudman, root)
    extra: dict[str, Organisation] = {root_ref: root}
    # person id → (ref, role) → [duty id, line, teaching, title]
    wanted: dict[str, dict[tuple[str, str], list]] = {}
    first_line: dict[str, int] = {}
    ignored = 0
    for duty in sorted(parsed.duties, key=lambda d: d.id):
        ref, active = _duty_target(duty.org_id, parsed.bad_org_ids, root_ref, existing, root_ids, placed,
                                   targets, leaving)
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
        name, err = fields.text(name, "givenName + familyName", required=True)
        if err:
            errors.add(line, err)
            continue
        if email in emails:
            file, number = parsed.where(emails[email])
            errors.add(line, ERROR_EMAIL_TWICE % {"email": email, "number": number, "file": file})
            continue
        emails[email] = line
        rows.append(PersonRow(line=line, name=name, email=email, external_id=person_id,
                              memberships=[MembershipRow(m_line, ref, role, title_name, is_teaching,
                                                         duty_id)
                                           for (ref, role), (duty_id, m_line, is_teaching,
                                                             title_name) in memberships.items()]))
    notes["persons_without_duty"] = skipped
    if errors or plan.units is None:
        return
    plan.people = plan_people(huvudman, rows, actor=actor, deactivate_missing=plan.deactivate_missing,
                              errors=errors, extra_nodes=extra,
                              managed=lambda m: bool(m.external_id))
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
            plan.huvudman = huvudman_create(name=plan.huvudman.name, actor=actor,
                                            organisation_number=plan.huvudman.organisation_number)
            plan.units = plan.people = None  # let the first plan go before making the second
            plan.placeholders, plan.root_external_id = {}, ""
            plan.notes = {"ended_duties": plan.parsed.ended_duties}
            _plan(plan, plan.huvudman, record, actor)
            if plan.errors:
                raise PlanOutdated(str(next(iter(plan.errors))))
        huvudman = plan.huvudman
        if plan.root_external_id:
            root = huvudman_root(huvudman)
            audit_record(actor=actor, huvudman=huvudman, action="organisation.update", obj=root,
                         before={"external_id": root.external_id},
                         after={"external_id": plan.root_external_id})
            Organisation.objects.filter(pk=root.pk).update(external_id=plan.root_external_id)
        if plan.units is not None:
            apply_units(plan.units, actor=actor, source=source)
        if plan.placeholders:
            refs = list(plan.placeholders)
            for start in range(0, len(refs), 2000):
                for ref, pk in Organisation.objects.filter(
                        huvudman=huvudman, external_id__in=refs[start:start + 2000]
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
    nodes = list(Organisation.objects.filter(huvudman=huvudman).order_by("path")
                 .prefetch_related("school_forms"))
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
