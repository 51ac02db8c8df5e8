"""People and their memberships: rows → plan → apply. A person is keyed by external id, else by
e-mail; the memberships a file lists for a person replace that person's memberships."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from digiplan.audit.bulk import AuditWriter
from digiplan.audit.services import audit_record
from digiplan.imports.errors import ErrorList
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
    "organisation": ("enhet", "organisation", "unit"),
    "role": ("roll", "role"),
    "teaching": ("undervisande", "teaching"),
}
PEOPLE_REQUIRED = {"name", "email"}


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


def role_lookup(huvudman: Huvudman) -> dict[str, tuple[str, RoleTitle | None]]:
    roles: dict[str, tuple[str, RoleTitle | None]] = {
        name: (role, None) for name, role in cell.ROLE_NAMES.items()
    }
    for title in RoleTitle.objects.filter(huvudman=huvudman):
        roles[title.name.lower()] = (title.role, title)
    return roles


def rows_from_table(data: bytes, filename: str, huvudman: Huvudman, errors: ErrorList) -> list[PersonRow]:
    roles = role_lookup(huvudman)
    people: dict[str, PersonRow] = {}
    for line, cells in read_table(data, filename, PEOPLE_COLUMNS, PEOPLE_REQUIRED):
        problems = []
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
        problems = [p for p in problems if p]
        if problems:
            errors.add(line, " ".join(problems))
            continue
        row = PersonRow(line=line, name=name, email=email, external_id=external_id)
        existing = people.get(row.key)
        if existing is None:
            people[row.key] = existing = row
        elif (existing.name, existing.email) != (name, email):
            errors.add(
                line,
                _("The same person is on line %(line)s with another name or e-mail.")
                % {"line": existing.line},
            )
            continue
        if role:
            membership = MembershipRow(line, org_ref, role, title.name if title else "", teaching)
            if any((m.organisation_ref, m.role) == (org_ref, role) for m in existing.memberships):
                errors.add(line, _("Duplicate: the same person, unit and role are on an earlier line."))
                continue
            existing.memberships.append(membership)
    return list(people.values())


def _find_organisation(nodes_by_ref: dict[str, list[Organisation]], ref: str):
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


def plan_people(
    huvudman: Huvudman,
    rows: list[PersonRow],
    *,
    actor=None,
    deactivate_missing: bool = False,
    errors: ErrorList | None = None,
    extra_nodes: dict[str, Organisation] | None = None,
    managed=None,
) -> PeoplePlan:
    """extra_nodes: units the same import is about to create, by reference (SS 12000).
    managed(membership) -> bool: which of a listed person's memberships the file replaces;
    the others are left alone (default: all of them)."""
    plan = PeoplePlan(huvudman=huvudman, errors=errors if errors is not None else ErrorList())
    nodes_by_ref: dict[str, list[Organisation]] = {ref: [node] for ref, node in (extra_nodes or {}).items()}
    for node in Organisation.objects.filter(huvudman=huvudman).only(
        "pk", "name", "external_id", "school_unit_code", "is_active", "huvudman_id"
    ):
        for ref in (node.external_id, node.school_unit_code, node.name.lower()):
            if ref:
                nodes_by_ref.setdefault(ref, []).append(node)
    titles = {t.name: t for t in RoleTitle.objects.filter(huvudman=huvudman)}

    people = Person.objects.filter(huvudman=huvudman).only(
        "pk", "name", "email", "external_id", "is_active", "huvudman_id"
    )
    by_external = {p.external_id: p for p in people if p.external_id}
    by_email = {p.email.lower(): p for p in people}
    emails = [r.email for r in rows]
    emails_elsewhere: set[str] = set()
    for start in range(0, len(emails), 10000):  # SQLite may allow as few as 32,766 parameters
        emails_elsewhere.update(
            Person.objects.filter(email__in=emails[start : start + 10000])
            .exclude(huvudman=huvudman)
            .values_list("email", flat=True)
        )
    current = {}
    for m in Membership.objects.filter(huvudman=huvudman).only(
        "pk", "person_id", "organisation_id", "role", "title_id", "is_teaching", "external_id"
    ):
        current.setdefault(m.person_id, []).append(m)

    seen_emails: dict[str, int] = {}
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
        if row.email in emails_elsewhere:
            plan.errors.add(row.line, _("The e-mail address cannot be used: it already belongs to someone."))
            continue
        person = by_external.get(row.external_id) if row.external_id else None
        if person is None:
            person = by_email.get(row.email)
            if person is not None and row.external_id and person.external_id not in ("", row.external_id):
                plan.errors.add(
                    row.line, _("The e-mail address belongs to a person with another external id.")
                )
                continue
        elif by_email.get(row.email) not in (None, person):
            plan.errors.add(row.line, _("The e-mail address belongs to another person."))
            continue
        targets = []
        for m in row.memberships:
            node, err = _find_organisation(nodes_by_ref, m.organisation_ref)
            if err:
                plan.errors.add(m.line, err)
                continue
            targets.append((m, node, titles.get(m.title) if m.title else None))
        resolved.append((row, person, targets))

    if plan.errors:
        return plan

    for row, person, targets in resolved:
        wanted = {(node.pk, m.role): (m, node, title) for m, node, title in targets}
        if person is None:
            plan.adds.append(row)
            plan.memberships_add.extend((row, m, node, m.role, title) for m, node, title in targets)
            continue
        plan.matched[row.key] = person
        before = {
            "name": person.name,
            "email": person.email,
            "external_id": person.external_id,
            "is_active": person.is_active,
        }
        after = {
            "name": row.name,
            "email": row.email,
            "external_id": row.external_id or person.external_id,
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
            and (
                have[key].is_teaching != m.is_teaching or have[key].title_id != (title.pk if title else None)
            )
        ]
        # A changed title or teaching flag is a remove and an add: both show in the preview.
        removed.extend(changed_flags)
        added.extend(
            (row, *wanted[(m.organisation_id, m.role)][:2], m.role, wanted[(m.organisation_id, m.role)][2])
            for m in changed_flags
        )
        plan.memberships_add.extend(added)
        plan.memberships_remove.extend(removed)
        if before != after:
            plan.changes.append((row, person, before, after))
        elif not added and not removed:
            plan.unchanged += 1

    if deactivate_missing:
        listed = {p.pk for p in plan.matched.values()}
        actor_pk = getattr(actor, "pk", None)
        for person in people:
            if person.is_active and person.pk not in listed and person.pk != actor_pk:
                plan.deactivations.append(person)
    return plan


@transaction.atomic
def apply_people(plan: PeoplePlan, *, actor, source: str) -> dict[str, int]:
    """Writes the plan. New people, memberships and audit rows stream through bulk_insert, so
    150,000 people take seconds and little memory."""
    assert not plan.errors
    huvudman = plan.huvudman
    audit = AuditWriter(huvudman=huvudman, actor=actor, source=source)

    unusable = make_password(None)  # one unusable hash shared: a reset sets each own password
    bulk_insert(
        Person,
        ["huvudman_id", "name", "email", "external_id", "password"],
        ((huvudman.pk, r.name, r.email, r.external_id, unusable) for r in plan.adds),
    )
    person_pks = {key: person.pk for key, person in plan.matched.items()}
    if plan.adds:
        added = {r.email: r for r in plan.adds}
        for email, pk in (
            Person.objects.filter(huvudman=huvudman).values_list("email", "pk").iterator(chunk_size=10000)
        ):
            row = added.get(email)
            if row is not None:
                person_pks[row.key] = pk
                audit.add(
                    "person.create", "person", pk, row.name, after={"name": row.name, "email": row.email}
                )

    for _row, person, before, after in plan.changes:
        person.name, person.email = after["name"], after["email"]
        person.external_id, person.is_active = after["external_id"], True
        audit.add("person.update", "person", person.pk, person.name, before, after)
    Person.objects.bulk_update(
        [c[1] for c in plan.changes], ["name", "email", "external_id", "is_active"], batch_size=2000
    )
    for person in plan.deactivations:
        person.is_active = False
        audit.add(
            "person.deactivate", "person", person.pk, person.name, {"is_active": True}, {"is_active": False}
        )
    Person.objects.bulk_update(plan.deactivations, ["is_active"], batch_size=2000)

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
    bulk_insert(
        Membership,
        ["huvudman_id", "person_id", "organisation_id", "role", "title_id", "is_teaching", "external_id"],
        (
            (
                huvudman.pk,
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
    if plan.memberships_add:
        added = {
            (person_pks[row.key], node.pk, role): (
                row.name,
                node.name,
                title.name if title else str(Role(role).label),
            )
            for row, _m, node, role, title in plan.memberships_add
        }
        for person_id, organisation_id, role, pk in (
            Membership.objects.filter(huvudman=huvudman)
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
    audit.flush()
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="import.people",
        object_type="import",
        object_label=source,
        extra={"summary": plan.summary},
    )
    return plan.summary
