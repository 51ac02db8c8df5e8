"""People and their memberships: rows → plan → apply. A person is keyed by external id, else by
e-mail; the memberships a file lists for a person replace that person's memberships. A person's
principal name (eduPersonPrincipalName, what sign-in matches a school identity by) belongs to one
person of the huvudman: a file that gives it to two, or to someone other than its holder, is refused."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.audit.bulk import AuditWriter
from digiplan.audit.services import audit_record
from digiplan.imports.errors import ERROR_PLAN_HAS_ERRORS, ErrorList
from digiplan.lib.bulk import bulk_insert
from digiplan.lib.spreadsheet.reading import read_table
from digiplan.organisations import cells as cell
from digiplan.organisations.models import (
    Huvudman,
    Membership,
    Organisation,
    Person,
    Role,
    RoleTitle,
)

PEOPLE_COLUMNS = {
    "name": ("namn", "name"),
    "email": ("e-post", "epost", "e-postadress", "email", "e-mail"),
    "external_id": ("externt id", "external id", "id"),
    "principal_name": (
        "eppn",
        "edupersonprincipalname",
        "användarnamn (eppn)",
        "principal name",
        "principal_name",
    ),
    "organisation": ("enhet", "organisation", "unit"),
    "role": ("roll", "role"),
    "teaching": ("undervisande", "teaching"),
}
PEOPLE_REQUIRED = {"name", "email"}
PRINCIPAL_NAME_MAX = 254  # Person.principal_name.max_length
PRINCIPAL_NAME_LABEL = "eduPersonPrincipalName"

ERROR_PRINCIPAL_NAME_TWICE = gettext_lazy(
    "The user name (eppn) %(name)s is also on line %(line)s for another person."
)
ERROR_PRINCIPAL_NAME_TAKEN = gettext_lazy(
    "The user name (eppn) %(name)s already belongs to another person in the organisation."
)
ERROR_PRINCIPAL_NAME_DIFFERS = gettext_lazy(
    "The same person is on line %(line)s with another user name (eppn)."
)


@dataclass
class MembershipRow:
    line: int
    organisation_ref: str
    role: str
    title: str = ""  # the huvudman's own title, when the file used one
    is_teaching: bool = False
    external_id: str = ""


@dataclass
class PersonRow:
    line: int
    name: str
    email: str
    external_id: str = ""
    memberships: list[MembershipRow] = field(default_factory=list)
    principal_name: str = ""  # lower-cased; "" leaves the person's as it is

    @property
    def key(self) -> str:
        return f"id:{self.external_id}" if self.external_id else f"e:{self.email}"


@dataclass
class PeoplePlan:
    huvudman: Huvudman
    adds: list[PersonRow] = field(default_factory=list)
    changes: list[tuple[PersonRow, Person, dict, dict]] = field(default_factory=list)
    deactivations: list[Person] = field(default_factory=list)
    memberships_add: list[tuple[PersonRow, MembershipRow, Organisation, str, RoleTitle | None]] = field(
        default_factory=list
    )
    memberships_remove: list[Membership] = field(default_factory=list)
    matched: dict[str, Person] = field(default_factory=dict)
    unchanged: int = 0
    errors: ErrorList = field(default_factory=ErrorList)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "add": len(self.adds),
            "change": len(self.changes),
            "deactivate": len(self.deactivations),
            "memberships_add": len(self.memberships_add),
            "memberships_remove": len(self.memberships_remove),
            "unchanged": self.unchanged,
        }


def principal_name_cell(value: str) -> tuple[str, str | None]:
    """An eduPersonPrincipalName as kept: trimmed and lower-cased, as sign-in compares it."""
    value, error = cell.text(value, PRINCIPAL_NAME_LABEL, max_length=PRINCIPAL_NAME_MAX)
    return value.lower(), error


def role_lookup(huvudman: Huvudman) -> dict[str, tuple[str, RoleTitle | None]]:
    roles: dict[str, tuple[str, RoleTitle | None]] = {
        name: (role, None) for name, role in cell.ROLE_NAMES.items()
    }
    for title in RoleTitle.objects.filter(huvudman=huvudman):
        roles[title.name.lower()] = (title.role, title)
    return roles


def rows_from_table(data: bytes, filename: str, huvudman: Huvudman, errors: ErrorList) -> list[PersonRow]:
    """One PersonRow per person in the file, with the memberships of all its lines; each bad
    line into errors."""
    roles = role_lookup(huvudman)
    people: dict[str, PersonRow] = {}
    for line, cells in read_table(data, filename, PEOPLE_COLUMNS, PEOPLE_REQUIRED):
        row, problems = _person_cells(line, cells)
        membership, membership_problems = _membership_cells(line, cells, roles)
        reported = [p for p in problems + membership_problems if p]
        if reported:
            errors.add(line, " ".join(reported))
            continue
        existing = people.setdefault(row.key, row)
        error = None if existing is row else _merge_same_person(existing, row)
        if error:
            errors.add(line, error)
            continue
        if membership is not None:
            if any(
                (m.organisation_ref, m.role) == (membership.organisation_ref, membership.role)
                for m in existing.memberships
            ):
                errors.add(line, _("Duplicate: the same person, unit and role are on an earlier line."))
                continue
            existing.memberships.append(membership)
    return list(people.values())


def _person_cells(line: int, cells: dict[str, str]) -> tuple[PersonRow, list[str | None]]:
    """The person a line names, and the problems of its cells (None: a cell without any)."""
    problems: list[str | None] = []
    if "__extra__" in cells:
        problems.append(_("the row has more cells than the header."))
    name, err = cell.text(cells.get("name", ""), _("Name"), required=True)
    problems.append(err)
    email, err = cell.text(cells.get("email", ""), _("E-mail"), required=True, max_length=254)
    problems.append(err)
    if email:
        email = email.lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(email)s” is not an e-mail address.") % {"email": email[:80]})
    external_id, err = cell.text(cells.get("external_id", ""), _("External id"), max_length=100)
    problems.append(err)
    principal_name, err = principal_name_cell(cells.get("principal_name", ""))
    problems.append(err)
    row = PersonRow(line=line, name=name, email=email, external_id=external_id, principal_name=principal_name)
    return row, problems


def _membership_cells(
    line: int, cells: dict[str, str], roles: dict[str, tuple[str, RoleTitle | None]]
) -> tuple[MembershipRow | None, list[str | None]]:
    """The membership a line gives (None: the line gives none), and the problems of its cells."""
    problems: list[str | None] = []
    org_ref, err = cell.text(cells.get("organisation", ""), _("Unit"))
    problems.append(err)
    role_name = (cells.get("role") or "").strip()
    role = title = None
    if role_name:
        role, title = roles.get(role_name.lower(), (None, None))
        if role is None:
            problems.append(
                _(
                    "Unknown role “%(role)s”; use strateg, enhetsledare, samordnare, "
                    "personal, läsare or one of the organisation's role titles."
                )
                % {"role": role_name[:40]}
            )
    if bool(org_ref) != bool(role_name):
        problems.append(_("Give both a unit and a role, or neither."))
    teaching, err = cell.yes_no(cells.get("teaching", ""), _("Teaching"), False)
    problems.append(err)
    if not role:
        return None, problems
    return MembershipRow(line, org_ref, role, title.name if title else "", teaching), problems


def _merge_same_person(first: PersonRow, later: PersonRow) -> str | None:
    """Folds a later line about the same person into the first; the error when they disagree.
    A principal name may be given on any one of the person's lines."""
    if (first.name, first.email) != (later.name, later.email):
        return _("The same person is on line %(line)s with another name or e-mail.") % {"line": first.line}
    if later.principal_name and first.principal_name not in ("", later.principal_name):
        return str(ERROR_PRINCIPAL_NAME_DIFFERS % {"line": first.line})
    first.principal_name = first.principal_name or later.principal_name
    return None


type _Target = tuple[MembershipRow, Organisation, RoleTitle | None]


def _find_organisation(
    nodes_by_ref: dict[str, list[Organisation]], ref: str
) -> tuple[Organisation | None, str | None]:
    found = nodes_by_ref.get(ref) or nodes_by_ref.get(ref.lower()) or []
    unique = list({n.pk: n for n in found}.values())
    if len(unique) > 1:
        return None, _("“%(ref)s” matches more than one unit; use its external id or school unit code.") % {
            "ref": ref[:80]
        }
    if not unique:
        return None, _("The unit “%(ref)s” does not exist in the organisation.") % {"ref": ref[:80]}
    if not unique[0].is_active:
        return None, _("The unit “%(ref)s” is deactivated.") % {"ref": ref[:80]}
    return unique[0], None


@dataclass
class _Known:
    """What the database holds that the file's rows are matched against."""

    nodes_by_ref: dict[str, list[Organisation]]
    titles: dict[str, RoleTitle]
    people: list[Person]
    by_external: dict[str, Person]
    by_email: dict[str, Person]
    by_principal_name: dict[str, Person]
    emails_elsewhere: set[str]
    memberships: dict[int, list[Membership]]


def _known(huvudman: Huvudman, rows: list[PersonRow], extra_nodes: dict[str, Organisation]) -> _Known:
    nodes_by_ref: dict[str, list[Organisation]] = {ref: [node] for ref, node in extra_nodes.items()}
    for node in Organisation.objects.filter(huvudman=huvudman).only(
        "pk", "name", "external_id", "school_unit_code", "is_active", "huvudman_id"
    ):
        for ref in (node.external_id, node.school_unit_code, node.name.lower()):
            if ref:
                nodes_by_ref.setdefault(ref, []).append(node)
    people = list(
        Person.objects.filter(huvudman=huvudman).only(
            "pk", "name", "email", "external_id", "principal_name", "is_active", "huvudman_id"
        )
    )
    emails = [r.email for r in rows]
    emails_elsewhere: set[str] = set()
    for start in range(0, len(emails), 10000):  # SQLite may allow as few as 32,766 parameters
        emails_elsewhere.update(
            Person.objects.filter(email__in=emails[start : start + 10000])
            .exclude(huvudman=huvudman)
            .values_list("email", flat=True)
        )
    memberships: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(huvudman=huvudman).only(
        "pk", "person_id", "organisation_id", "role", "title_id", "is_teaching", "external_id"
    ):
        memberships.setdefault(m.person_id, []).append(m)
    return _Known(
        nodes_by_ref=nodes_by_ref,
        titles={t.name: t for t in RoleTitle.objects.filter(huvudman=huvudman)},
        people=people,
        by_external={p.external_id: p for p in people if p.external_id},
        by_email={p.email.lower(): p for p in people},
        by_principal_name={p.principal_name.lower(): p for p in people if p.principal_name},
        emails_elsewhere=emails_elsewhere,
        memberships=memberships,
    )


def plan_people(
    huvudman: Huvudman,
    rows: list[PersonRow],
    *,
    actor: Person | None = None,
    deactivate_missing: bool = False,
    errors: ErrorList | None = None,
    extra_nodes: dict[str, Organisation] | None = None,
    managed: Callable[[Membership], bool] | None = None,
) -> PeoplePlan:
    """extra_nodes: units the same import is about to create, by reference (SS 12000).
    managed(membership) -> bool: which of a listed person's memberships the file replaces;
    the others are left alone (default: all of them).

    The steps: read what the database holds → match each row to a person and its memberships
    to units → compare each person with the database. Any error stops before the comparison."""
    plan = PeoplePlan(huvudman=huvudman, errors=errors if errors is not None else ErrorList())
    known = _known(huvudman, rows, extra_nodes or {})
    resolved = _match_rows(plan, rows, known)
    if plan.errors:
        return plan
    for row, person, targets in resolved:
        _compare(plan, row, person, targets, known.memberships, managed)
    if deactivate_missing:
        listed = {p.pk for p in plan.matched.values()}
        actor_pk = getattr(actor, "pk", None)
        for person in known.people:
            if person.is_active and person.pk not in listed and person.pk != actor_pk:
                plan.deactivations.append(person)
    return plan


def _match_person(row: PersonRow, known: _Known) -> tuple[Person | None, str | None]:
    """The person a row is about (None: a new one), or the error that stops the row."""
    person = known.by_external.get(row.external_id) if row.external_id else None
    if person is None:
        person = known.by_email.get(row.email)
        if person is not None and row.external_id and person.external_id not in ("", row.external_id):
            return None, _("The e-mail address belongs to a person with another external id.")
    elif known.by_email.get(row.email) not in (None, person):
        return None, _("The e-mail address belongs to another person.")
    return person, None


def _principal_name_error(
    row: PersonRow, person: Person | None, known: _Known, seen: dict[str, int]
) -> str | None:
    """Why the row's principal name cannot be the person's: an earlier row has it, or another
    person of the huvudman does (one person's only, as the database also insists)."""
    if not row.principal_name:
        return None
    if row.principal_name in seen:
        return str(
            ERROR_PRINCIPAL_NAME_TWICE % {"name": row.principal_name, "line": seen[row.principal_name]}
        )
    seen[row.principal_name] = row.line
    holder = known.by_principal_name.get(row.principal_name)
    if holder is not None and holder != person:
        return str(ERROR_PRINCIPAL_NAME_TAKEN % {"name": row.principal_name})
    return None


def _match_rows(
    plan: PeoplePlan, rows: list[PersonRow], known: _Known
) -> list[tuple[PersonRow, Person | None, list[_Target]]]:
    """Each row with its person (None: new) and the units of its memberships; errors into plan."""
    seen_emails: dict[str, int] = {}
    seen_principal_names: dict[str, int] = {}
    resolved = []
    for row in rows:
        if row.email in seen_emails:
            plan.errors.add(
                row.line,
                _("The e-mail address is also on line %(line)s for another person.")
                % {"line": seen_emails[row.email]},
            )
            continue
        seen_emails[row.email] = row.line
        if row.email in known.emails_elsewhere:
            plan.errors.add(row.line, _("The e-mail address cannot be used: it already belongs to someone."))
            continue
        person, error = _match_person(row, known)
        error = error or _principal_name_error(row, person, known, seen_principal_names)
        if error:
            plan.errors.add(row.line, error)
            continue
        targets: list[_Target] = []
        for m in row.memberships:
            node, err = _find_organisation(known.nodes_by_ref, m.organisation_ref)
            if err or node is None:
                plan.errors.add(m.line, err or "")
                continue
            targets.append((m, node, known.titles.get(m.title) if m.title else None))
        resolved.append((row, person, targets))
    return resolved


def _compare(
    plan: PeoplePlan,
    row: PersonRow,
    person: Person | None,
    targets: list[_Target],
    current: dict[int, list[Membership]],
    managed: Callable[[Membership], bool] | None,
) -> None:
    """A new person with their memberships, or the changes to a known person's."""
    wanted = {(node.pk, m.role): (m, node, title) for m, node, title in targets}
    if person is None:
        plan.adds.append(row)
        plan.memberships_add.extend((row, m, node, m.role, title) for m, node, title in targets)
        return
    plan.matched[row.key] = person
    before = {
        "name": person.name,
        "email": person.email,
        "external_id": person.external_id,
        "principal_name": person.principal_name,
        "is_active": person.is_active,
    }
    after = {
        "name": row.name,
        "email": row.email,
        "external_id": row.external_id or person.external_id,
        "principal_name": row.principal_name or person.principal_name,
        "is_active": True,
    }
    have = {(m.organisation_id, m.role): m for m in current.get(person.pk, [])}
    added = [
        (row, m, node, role, title)
        for (pk, role), (m, node, title) in wanted.items()
        if (pk, role) not in have
    ]
    removed = [m for key, m in have.items() if key not in wanted and (managed is None or managed(m))]
    changed_flags = [
        have[key]
        for key, (m, node, title) in wanted.items()
        if key in have
        and (have[key].is_teaching != m.is_teaching or have[key].title_id != (title.pk if title else None))
    ]
    # A changed title or teaching flag is a remove and an add: both show in the preview.
    removed.extend(changed_flags)
    for held in changed_flags:
        m, node, title = wanted[(held.organisation_id, held.role)]
        added.append((row, m, node, held.role, title))
    plan.memberships_add.extend(added)
    plan.memberships_remove.extend(removed)
    if before != after:
        plan.changes.append((row, person, before, after))
    elif not added and not removed:
        plan.unchanged += 1


@transaction.atomic
def apply_people(plan: PeoplePlan, *, actor: Person | None, source: str) -> dict[str, int]:
    """Writes the plan. New people, memberships and audit rows stream through bulk_insert, so
    150,000 people take seconds and little memory."""
    if plan.errors:
        raise ValueError(ERROR_PLAN_HAS_ERRORS)
    audit = AuditWriter(huvudman=plan.huvudman, actor=actor, source=source)
    person_pks = _insert_people(plan, audit)
    _update_people(plan, audit)
    _remove_memberships(plan, audit)
    _insert_memberships(plan, audit, person_pks)
    audit.flush()
    audit_record(
        actor=actor,
        huvudman=plan.huvudman,
        action="import.people",
        object_type="import",
        object_label=source,
        extra={"summary": plan.summary},
    )
    return plan.summary


def _insert_people(plan: PeoplePlan, audit: AuditWriter) -> dict[str, int]:
    """Inserts the new people: every listed person's key → primary key."""
    unusable = make_password(None)  # one unusable hash shared: a reset sets each own password
    bulk_insert(
        Person,
        ["huvudman_id", "name", "email", "external_id", "principal_name", "password"],
        ((plan.huvudman.pk, r.name, r.email, r.external_id, r.principal_name, unusable) for r in plan.adds),
    )
    person_pks = {key: person.pk for key, person in plan.matched.items()}
    if plan.adds:
        added = {r.email: r for r in plan.adds}
        for email, pk in (
            Person.objects.filter(huvudman=plan.huvudman)
            .values_list("email", "pk")
            .iterator(chunk_size=10000)
        ):
            row = added.get(email)
            if row is not None:
                person_pks[row.key] = pk
                audit.add(
                    "person.create", "person", pk, row.name, after={"name": row.name, "email": row.email}
                )
    return person_pks


def _update_people(plan: PeoplePlan, audit: AuditWriter) -> None:
    """The changed people, then those that go inactive."""
    for _row, person, before, after in plan.changes:
        person.name, person.email = after["name"], after["email"]
        person.external_id, person.principal_name = after["external_id"], after["principal_name"]
        person.is_active = True
        audit.add("person.update", "person", person.pk, person.name, before, after)
    Person.objects.bulk_update(
        [c[1] for c in plan.changes],
        ["name", "email", "external_id", "principal_name", "is_active"],
        batch_size=2000,
    )
    for person in plan.deactivations:
        person.is_active = False
        audit.add(
            "person.deactivate", "person", person.pk, person.name, {"is_active": True}, {"is_active": False}
        )
    Person.objects.bulk_update(plan.deactivations, ["is_active"], batch_size=2000)


def _remove_memberships(plan: PeoplePlan, audit: AuditWriter) -> None:
    # Names, not ids, as the UI's own membership rows have them: the trail must stay readable
    # after people and units change. Looked up in two queries, not one per row.
    person_names = dict(
        Person.objects.filter(pk__in={m.person_id for m in plan.memberships_remove}).values_list("pk", "name")
    )
    node_names = dict(
        Organisation.objects.filter(pk__in={m.organisation_id for m in plan.memberships_remove}).values_list(
            "pk", "name"
        )
    )
    for m in plan.memberships_remove:
        names = (
            person_names.get(m.person_id, ""),
            str(Role(m.role).label),
            node_names.get(m.organisation_id, ""),
        )
        audit.add(
            "membership.delete",
            "membership",
            m.pk,
            " – ".join(names),
            {"person": names[0], "organisation": names[2], "role": names[1]},
        )
    removed = [m.pk for m in plan.memberships_remove]
    for start in range(0, len(removed), 10000):
        Membership.objects.filter(pk__in=removed[start : start + 10000]).delete()


def _insert_memberships(plan: PeoplePlan, audit: AuditWriter, person_pks: dict[str, int]) -> None:
    bulk_insert(
        Membership,
        ["huvudman_id", "person_id", "organisation_id", "role", "title_id", "is_teaching", "external_id"],
        (
            (
                plan.huvudman.pk,
                person_pks[row.key],
                node.pk,
                role,
                title.pk if title else None,
                m.is_teaching,
                m.external_id,
            )
            for row, m, node, role, title in plan.memberships_add
        ),
    )
    if not plan.memberships_add:
        return
    # (person, unit, role) → the names the audit row shows: person, unit, role or title
    added = {
        (person_pks[row.key], node.pk, role): (
            row.name,
            node.name,
            title.name if title else str(Role(role).label),
        )
        for row, _m, node, role, title in plan.memberships_add
    }
    for person_id, organisation_id, role, pk in (
        Membership.objects.filter(huvudman=plan.huvudman)
        .values_list("person_id", "organisation_id", "role", "pk")
        .iterator(chunk_size=10000)
    ):
        names = added.get((person_id, organisation_id, role))
        if names is not None:
            audit.add(
                "membership.create",
                "membership",
                pk,
                f"{names[0]} – {names[2]} – {names[1]}",
                after={"person": names[0], "organisation": names[1], "role": names[2]},
            )
