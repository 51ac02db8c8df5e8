"""Reading SS 12000 pages: the records, their checks and the errors they give (see ss12000.py)."""

import bisect
import contextlib
import datetime
import gc
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy

from digiplan.imports.errors import ErrorList, FileRejected, RowError
from digiplan.imports.people import principal_name_cell
from digiplan.lib import uploads
from digiplan.organisations import cells as cell
from digiplan.organisations.models import (
    Huvudman,
    Organisation,
    OrganisationType,
    Role,
    SchoolForm,
    normalise_organisation_number,
)

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
MUNICIPALITY_CODE = re.compile(r"^\d{4}\Z")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ERROR_RECORD = gettext_lazy("Record %(number)s in %(file)s: %(message)s")
ERROR_NOT_JSON = gettext_lazy(
    "%(file)s is not valid JSON: %(reason)s (line %(line)s, column %(column)s). Nothing was imported."
)
ERROR_IN_FILE = "%(file)s: %(message)s"
ERROR_NOT_JSON_AT_ALL = gettext_lazy("%(file)s is not valid JSON. Nothing was imported.")
ERROR_CUT_OFF = gettext_lazy("the file ends in the middle of the data; it may have been cut off")
ERROR_BAD_JSON = gettext_lazy("unexpected content")
ERROR_NOT_PAGE = gettext_lazy(
    "%(file)s is not an SS 12000 page from /organisations, /persons or /duties: %(reason)s."
)
ERROR_NO_DATA = gettext_lazy("it has no “data” list")
ERROR_UNKNOWN_RECORDS = gettext_lazy("its records are neither organisations, persons nor duties")
ERROR_WRONG_KIND = gettext_lazy("The record is not of the same kind as the others on the page (%(kind)s).")
ERROR_NOT_OBJECT = gettext_lazy("The record is not a JSON object.")
ERROR_NO_ID = gettext_lazy("The record has no id.")
ERROR_DUPLICATE_ID = gettext_lazy("The id %(id)s also belongs to record %(number)s in %(file)s.")
ERROR_UNKNOWN_ORG_TYPE = gettext_lazy("Unknown organisationType “%(value)s”.")
ERROR_UNKNOWN_SCHOOL_TYPES = gettext_lazy("Unknown schoolTypes: %(values)s.")
ERROR_MUNICIPALITY_CODE = gettext_lazy("municipalityCode “%(value)s” is not a municipality code (4 digits).")
ERROR_BAD_DATE = gettext_lazy("%(field)s “%(value)s” is not a date (YYYY-MM-DD).")
ERROR_PARENT_MISSING = gettext_lazy(
    "The parent organisation %(id)s is neither in the files nor in the organisation."
)
ERROR_PARENT_CYCLE = gettext_lazy("The parent organisations form a cycle (%(ids)s).")
ERROR_UNDER_UNIT = gettext_lazy("A %(type)s cannot be placed under a school unit (“%(parent)s”).")
ERROR_CODE_TWICE = gettext_lazy("The school unit code %(code)s is also on record %(number)s in %(file)s.")
ERROR_ID_ELSEWHERE = gettext_lazy("The id %(id)s is already used by another node of the organisation.")
ERROR_TWO_HUVUDMAN = gettext_lazy(
    "The files hold more than one Huvudman record: one import is for one school organiser."
)
ERROR_ORGNR = gettext_lazy(
    "organisationNumber “%(value)s” is not an organisation number (10 digits, NNNNNN-NNNN)."
)
ERROR_OTHER_HUVUDMAN = gettext_lazy(
    "The Huvudman record is %(number)s, but the import was started for %(chosen)s."
)
ERROR_NEED_HUVUDMAN = gettext_lazy(
    "The files have no Huvudman record with an organisation "
    "number: choose the school organiser to import into."
)
ERROR_NO_SUCH_HUVUDMAN = gettext_lazy("There is no school organiser with organisation number %(number)s.")
ERROR_PERSONS_WITHOUT_DUTIES = gettext_lazy(
    "Pages from /persons need the pages from /duties with them: a person's duties say where they work."
)
ERROR_DUTIES_WITHOUT_ORGANISATIONS = gettext_lazy(
    "Pages from /duties need the pages from /organisations with them: only they tell which "
    "organisations Digiplan leaves out on purpose."
)
ERROR_UNKNOWN_DUTY_ROLE = gettext_lazy("Unknown dutyRole “%(value)s”.")
ERROR_DUTY_NO_PERSON = gettext_lazy("The duty has no person.")
ERROR_DUTY_NO_UNIT = gettext_lazy("The duty has no dutyAt.")
ERROR_DUTY_PERSON_MISSING = gettext_lazy("The duty's person %(id)s is neither in the files nor in Digiplan.")
ERROR_DUTY_UNIT_MISSING = gettext_lazy(
    "The duty's organisation %(id)s is neither in the files nor in the organisation."
)
ERROR_NO_EMAIL = gettext_lazy(
    "%(name)s has a duty but no e-mail address; Digiplan signs people in by e-mail."
)
ERROR_BAD_EMAIL = gettext_lazy("“%(email)s” is not an e-mail address.")
ERROR_EMAIL_TWICE = gettext_lazy(
    "The e-mail address %(email)s also belongs to record %(number)s in %(file)s."
)
ERROR_PRINCIPAL_NAME_TWICE = gettext_lazy(
    "The user name (eppn) %(name)s also belongs to record %(number)s in %(file)s."
)


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
    municipality_code: str = ""


@dataclass(slots=True)
class _Person:
    line: int
    id: str
    name: str
    email: str  # "" when the record has none
    email_error: str = ""
    principal_name: str = ""  # the first eduPersonPrincipalNames, lower-cased; "" when none
    principal_name_error: str = ""  # reported only if the person is imported (not for pupils)


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


def export_id(huvudman: Huvudman, node: Organisation) -> str:
    """The node's SS 12000 id: its external id, else one derived from it that stays the same."""
    return node.external_id or str(uuid.uuid5(EXPORT_NAMESPACE, f"{huvudman.organisation_number}/{node.pk}"))


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
    try:
        if isinstance(data, Path):  # read only now, so that one page at a time is in memory
            data = uploads.read_path(data)
        uploads.check_size(len(data))
        uploads.check_not_empty(data)
        text = uploads.decode_utf8(data)
        uploads.check_json_text(text)
    except uploads.UploadRejected as rejected:
        raise FileRejected(ERROR_IN_FILE % {"file": name, "message": rejected.message}) from None
    except OSError as exc:
        raise FileRejected(ERROR_IN_FILE % {"file": name, "message": exc.strerror or exc}) from None
    try:
        page = json.loads(text)
    except json.JSONDecodeError as exc:
        cut_off = exc.msg.startswith("Unterminated string") or not exc.doc[exc.pos :].strip()
        raise FileRejected(
            ERROR_NOT_JSON
            % {
                "file": name,
                "reason": ERROR_CUT_OFF if cut_off else ERROR_BAD_JSON,
                "line": exc.lineno,
                "column": exc.colno,
            }
        ) from None
    except (ValueError, RecursionError):  # numbers too long to convert, and the like
        raise FileRejected(ERROR_NOT_JSON_AT_ALL % {"file": name}) from None
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
    listed = record.get("emails")
    emails = (
        [e for e in listed if isinstance(e, dict) and isinstance(e.get("value"), str) and e["value"].strip()]
        if isinstance(listed, list)
        else []
    )
    for wanted in EMAIL_PREFERENCE:
        for entry in emails:
            if entry.get("type") == wanted:
                return entry["value"].strip().lower()
    return emails[0]["value"].strip().lower() if emails else ""


def _pick_principal_name(record: dict) -> tuple[str, str]:
    """(the first of the record's eduPersonPrincipalNames as kept, the error that refuses it)."""
    listed = record.get("eduPersonPrincipalNames")
    listed = [listed] if isinstance(listed, str) else listed if isinstance(listed, list) else []
    first = next((v for v in listed if isinstance(v, str) and v.strip()), "")
    value, error = principal_name_cell(first)
    return value, error or ""


def _read_person(line: int, record: dict, errors: ErrorList) -> _Person | None:
    """Only id, name, e-mail and principal name leave this function: nothing else of the record
    is kept."""
    person_id = _text(record, "id")
    if not person_id:
        errors.add(line, str(ERROR_NO_ID))
        return None
    name = " ".join(p for p in (_text(record, "givenName"), _text(record, "familyName")) if p)
    email = _pick_email(record)
    email_error = ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            email_error, email = str(ERROR_BAD_EMAIL % {"email": email[:80]}), ""
    principal_name, principal_name_error = _pick_principal_name(record)
    return _Person(line, person_id[:100], name, email, email_error, principal_name, principal_name_error)


def principal_name_of(
    parsed: _Parsed, errors: ErrorList, person: _Person | None, line: int, seen: dict[str, int]
) -> str | None:
    """The principal name of a person the import writes ("": none given, the stored one stays);
    None, with the error, when it is refused or an earlier record has it. seen: name → line."""
    if person is None or not (person.principal_name or person.principal_name_error):
        return ""
    if person.principal_name_error:
        errors.add(line, person.principal_name_error)
        return None
    if person.principal_name in seen:
        file, number = parsed.where(seen[person.principal_name])
        errors.add(
            line, ERROR_PRINCIPAL_NAME_TWICE % {"name": person.principal_name, "number": number, "file": file}
        )
        return None
    seen[person.principal_name] = line
    return person.principal_name


def _read_org(line: int, record: dict, errors: ErrorList) -> _Org | None:
    problems: list[str | None] = []
    org_id = _text(record, "id")
    if not org_id:
        problems.append(str(ERROR_NO_ID))
    ss_type = _text(record, "organisationType")
    if ss_type != HUVUDMAN and ss_type not in ORGANISATION_TYPES:
        problems.append(ERROR_UNKNOWN_ORG_TYPE % {"value": ss_type[:40]})
    name, err = cell.text(_text(record, "displayName"), "displayName", required=True)
    problems.append(err)
    code = ""
    if ss_type == "Skolenhet":  # other types have no school unit code in our tree
        code, err = cell.school_unit_code(_text(record, "schoolUnitCode"))
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
    municipality = _text(record, "municipalityCode")
    if municipality and not MUNICIPALITY_CODE.match(municipality):
        problems.append(ERROR_MUNICIPALITY_CODE % {"value": municipality[:20]})
    reported = [p for p in problems if p]
    if reported:
        errors.add(line, " ".join(reported))
        return None
    return _Org(
        line,
        org_id[:100],
        ss_type,
        name,
        _ref(record, "parentOrganisation"),
        code,
        school_types,
        end_date,
        number,
        municipality,
    )


def _read_duty(
    line: int,
    record: dict,
    today: datetime.date,
    parsed: _Parsed,
    errors: ErrorList,
    embedded: dict[str, _Person],
) -> _Duty | None:
    problems: list[str] = []
    end_date = _date(record, "endDate", problems)
    if not problems and end_date is not None and end_date < today:
        parsed.ended_duties += 1
        return None
    duty_id = _text(record, "id")
    if not duty_id:
        problems.append(str(ERROR_NO_ID))
    role = _text(record, "dutyRole")
    if role not in DUTY_ROLES:
        problems.append(ERROR_UNKNOWN_DUTY_ROLE % {"value": role[:40]})
    person_id = _ref(record, "person")
    if not person_id:
        problems.append(str(ERROR_DUTY_NO_PERSON))
    org_id = _ref(record, "dutyAt")
    if not org_id:
        problems.append(str(ERROR_DUTY_NO_UNIT))
    if problems:
        errors.add(line, " ".join(str(p) for p in problems))
        return None
    # /duties?expand=person embeds the person: read it as a person record, and only so.
    embedded_records = record.get("_embedded")
    person = embedded_records.get("person") if isinstance(embedded_records, dict) else None
    if isinstance(person, dict) and person_id not in embedded:
        found = _read_person(line, person, ErrorList())
        if found is not None:
            embedded[person_id] = found
    return _Duty(line, duty_id[:100], person_id, org_id, role, _text(record, "description"))


def read_pages(files: Sequence[tuple[str, bytes | Path]], errors: ErrorList) -> _Parsed:
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
                errors.add(line, str(ERROR_NOT_OBJECT))
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
                        _duplicate(parsed, errors, line, person.id, parsed.persons[person.id].line)
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


# --- Keeping read pages between requests -----------------------------------------------------


def parsed_minimised(parsed: _Parsed, *, known_person_ids: set[str], descriptions: set[str]) -> dict:
    """What a preview keeps of read pages, as JSON: the fields the import writes or matches
    on, for the records it can use. Left out: persons no duty in the files names and Digiplan
    does not know (a /persons page lists every pupil too), and duty descriptions that give
    no role (they are free text). descriptions: the lower-cased ones that do."""
    wanted = {d.person_id for d in parsed.duties} | known_person_ids
    return {
        "files": [list(f) for f in parsed.files],
        "kinds": sorted(parsed.kinds),
        "orgs": [
            [
                o.line,
                o.id,
                o.ss_type,
                o.name,
                o.parent_id,
                o.code,
                o.school_types,
                o.end_date.isoformat() if o.end_date else None,
                o.organisation_number,
                o.municipality_code,
            ]
            for o in parsed.orgs
        ],
        "persons": [
            [p.line, p.id, p.name, p.email, p.email_error, p.principal_name, p.principal_name_error]
            for p in parsed.persons.values()
            if p.id in wanted
        ],
        "duties": [
            [
                d.line,
                d.id,
                d.person_id,
                d.org_id,
                d.role,
                d.description.lower() if d.description.lower() in descriptions else "",
            ]
            for d in parsed.duties
        ],
        "ended_duties": parsed.ended_duties,
        "bad_org_ids": sorted(parsed.bad_org_ids),
    }


def parsed_from_stored(data: dict) -> _Parsed:
    return _Parsed(
        files=[(line, name) for line, name in data["files"]],
        kinds=set(data["kinds"]),
        orgs=[
            _Org(
                line,
                id_,
                ss_type,
                name,
                parent,
                code,
                forms,
                datetime.date.fromisoformat(end) if end else None,
                number,
                *municipality,  # absent from a preview stored before it was kept
            )
            for line, id_, ss_type, name, parent, code, forms, end, number, *municipality in data["orgs"]
        ],
        persons={p[1]: _Person(*p) for p in data["persons"]},
        duties=[_Duty(*d) for d in data["duties"]],
        ended_duties=data["ended_duties"],
        bad_org_ids=set(data["bad_org_ids"]),
    )
