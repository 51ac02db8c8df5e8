"""Writes to the organisation tree, people and memberships. Each runs in one transaction
together with its audit row."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, ProtectedError, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.organisations.models import (
    TYPE_RANK,
    Group,
    Huvudman,
    Membership,
    Organisation,
    OrganisationType,
    Person,
    PupilCount,
    Role,
    RoleTitle,
    UnitSchoolForm,
    normalise_organisation_number,
)

ERROR_MOVE_INTO_OWN_SUBTREE = _("A node cannot be moved under itself or one of its descendants.")
ERROR_TYPE_ORDER = _("A %(child)s cannot be placed under a %(parent)s.")
ERROR_ROOT_IMMUTABLE = _("The school organiser itself cannot be moved or deactivated.")
ERROR_PARENT_INACTIVE = _("The new parent is deactivated.")
ERROR_OTHER_HUVUDMAN = _("The node belongs to another school organiser.")
ERROR_HAS_ACTIVE_CHILDREN = _("Deactivate or move the nodes below it first.")
ERROR_CODE_TAKEN = _("Another active unit already has school unit code %(code)s.")
ERROR_CODE_ONLY_UNITS = _("Only school units have a school unit code.")
ERROR_EMAIL_TAKEN = _("This e-mail address cannot be used: it already belongs to someone.")
ERROR_MEMBERSHIP_EXISTS = _("The person already has this role at this node.")
ERROR_OWN_LAST_STRATEGIST_ROLE = _("You cannot remove your own last strategist role.")
ERROR_TITLE_EXISTS = _("This title already exists.")

NODE_FIELDS = ("name", "short_name", "type", "school_unit_code", "external_id", "staff_count", "is_active")


def _snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def node_snapshot(node: Organisation) -> dict[str, Any]:
    data = _snapshot(node, NODE_FIELDS)
    data["parent"] = node.parent_id
    if node.pk:
        data["school_forms"] = sorted(node.school_forms.values_list("school_form", flat=True))
        data["pupil_counts"] = sorted(
            f"{c.school_form}:{c.grade_band}:{c.pupils}" for c in node.pupil_counts.all()
        )
    return data


def _check_placement(node: Organisation, parent: Organisation | None) -> None:
    if parent is None:
        if node.type != OrganisationType.HUVUDMAN:
            raise ValidationError(_("Every node except the school organiser needs a parent."))
        return
    if parent.huvudman_id != node.huvudman_id:
        raise ValidationError(ERROR_OTHER_HUVUDMAN)
    if TYPE_RANK[OrganisationType(node.type)] <= TYPE_RANK[OrganisationType(parent.type)]:
        raise ValidationError(
            ERROR_TYPE_ORDER
            % {"child": node.get_type_display().lower(), "parent": parent.get_type_display().lower()}
        )
    if node.is_active and not parent.is_active:
        raise ValidationError(ERROR_PARENT_INACTIVE)


def _check_code(node: Organisation) -> None:
    if not node.school_unit_code:
        return
    if not node.is_unit:
        raise ValidationError({"school_unit_code": ERROR_CODE_ONLY_UNITS})
    taken = Organisation.objects.filter(school_unit_code=node.school_unit_code, is_active=True).exclude(
        pk=node.pk
    )
    if node.is_active and taken.exists():
        raise ValidationError({"school_unit_code": ERROR_CODE_TAKEN % {"code": node.school_unit_code}})


def _set_forms_and_counts(
    node: Organisation,
    school_forms: list[str] | None,
    pupil_counts: dict[tuple[str, str], int] | None,
) -> None:
    if school_forms is not None:
        node.school_forms.exclude(school_form__in=school_forms).delete()
        existing = set(node.school_forms.values_list("school_form", flat=True))
        UnitSchoolForm.objects.bulk_create(
            UnitSchoolForm(organisation=node, school_form=f)
            for f in dict.fromkeys(school_forms)
            if f not in existing
        )
    if pupil_counts is not None:
        node.pupil_counts.all().delete()
        PupilCount.objects.bulk_create(
            PupilCount(organisation=node, school_form=f, grade_band=band, pupils=n)
            for (f, band), n in pupil_counts.items()
        )


def huvudman_create(*, name: str, organisation_number: str, actor: Person | None = None) -> Huvudman:
    # Written with or without its dash, stored with it: a lookup by either form then finds it.
    organisation_number = normalise_organisation_number(organisation_number) or organisation_number
    with transaction.atomic():
        huvudman = Huvudman(name=name, organisation_number=organisation_number)
        huvudman.full_clean()
        huvudman.save()
        root = Organisation(huvudman=huvudman, type=OrganisationType.HUVUDMAN, name=name)
        root.full_clean(exclude=["path"])
        root.path = "/"
        root.save()
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="huvudman.create",
            obj=huvudman,
            after={"name": name, "organisation_number": organisation_number},
        )
    return huvudman


def huvudman_root(huvudman: Huvudman) -> Organisation:
    return Organisation.objects.get(huvudman=huvudman, parent__isnull=True)


def organisation_create(
    *,
    actor: Person | None,
    parent: Organisation,
    type: str,
    name: str,
    short_name: str = "",
    school_unit_code: str = "",
    external_id: str = "",
    staff_count: int | None = None,
    school_forms: list[str] | None = None,
    pupil_counts: dict[tuple[str, str], int] | None = None,
    audit: bool = True,
) -> Organisation:
    with transaction.atomic():
        node = Organisation(
            huvudman_id=parent.huvudman_id,
            parent=parent,
            type=type,
            name=name,
            short_name=short_name,
            school_unit_code=school_unit_code,
            external_id=external_id,
            staff_count=staff_count,
        )
        node.full_clean(exclude=["path"], validate_constraints=False)
        _check_placement(node, parent)
        _check_code(node)
        node.path = parent.path
        node.save()
        node.path = f"{parent.path}{node.pk}/"
        node.save(update_fields=["path"])
        _set_forms_and_counts(node, school_forms, pupil_counts)
        if audit:
            audit_record(
                actor=actor,
                huvudman=node.huvudman,
                action="organisation.create",
                obj=node,
                after=node_snapshot(node),
            )
    return node


def organisation_update(
    *,
    actor: Person | None,
    node: Organisation,
    school_forms: list[str] | None = None,
    pupil_counts: dict[tuple[str, str], int] | None = None,
    **fields: str | int | None,
) -> Organisation:
    with transaction.atomic():
        node = Organisation.objects.select_for_update().get(pk=node.pk)
        before = node_snapshot(node)
        for field, value in fields.items():
            if field not in NODE_FIELDS or field == "is_active":
                raise ValueError(f"organisation_update cannot set {field}")
            setattr(node, field, value)
        if "type" in fields:
            _check_placement(node, node.parent)
            if node.children.exclude(
                type__in=[t for t, rank in TYPE_RANK.items() if rank > TYPE_RANK[OrganisationType(node.type)]]
            ).exists():
                raise ValidationError(_("The nodes below it cannot stay under this type."))
        node.full_clean(exclude=["path"], validate_constraints=False)
        _check_code(node)
        node.save()
        _set_forms_and_counts(node, school_forms, pupil_counts)
        after = node_snapshot(node)
        if before != after:
            audit_record(
                actor=actor,
                huvudman=node.huvudman,
                action="organisation.update",
                obj=node,
                before=before,
                after=after,
            )
    return node


def organisation_move(*, actor: Person | None, node: Organisation, new_parent: Organisation) -> Organisation:
    with transaction.atomic():
        node = Organisation.objects.select_for_update().get(pk=node.pk)
        new_parent = Organisation.objects.get(pk=new_parent.pk)
        if node.parent_id is None:
            raise ValidationError(ERROR_ROOT_IMMUTABLE)
        if new_parent.path.startswith(node.path):
            raise ValidationError(ERROR_MOVE_INTO_OWN_SUBTREE)
        _check_placement(node, new_parent)
        old_parent_id, old_path = node.parent_id, node.path
        new_path = f"{new_parent.path}{node.pk}/"
        # One UPDATE rewrites the whole subtree's paths, however large it is.
        Organisation.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
        )
        # update() skips auto_now: the moved node's modified time is set by hand.
        Organisation.objects.filter(pk=node.pk).update(parent=new_parent, updated_at=timezone.now())
        node.refresh_from_db()
        audit_record(
            actor=actor,
            huvudman=node.huvudman,
            action="organisation.move",
            obj=node,
            before={"parent": old_parent_id},
            after={"parent": new_parent.pk},
        )
    return node


def organisation_deactivate(*, actor: Person | None, node: Organisation) -> Organisation:
    """Deactivated nodes keep their history; they leave pickers and new campaigns."""
    with transaction.atomic():
        node = Organisation.objects.select_for_update().get(pk=node.pk)
        if node.parent_id is None:
            raise ValidationError(ERROR_ROOT_IMMUTABLE)
        if node.children.filter(is_active=True).exists():
            raise ValidationError(ERROR_HAS_ACTIVE_CHILDREN)
        if not node.is_active:
            return node
        node.is_active = False
        node.deactivated_at = timezone.now()
        node.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        audit_record(
            actor=actor,
            huvudman=node.huvudman,
            action="organisation.deactivate",
            obj=node,
            before={"is_active": True},
            after={"is_active": False},
        )
    return node


def organisation_reactivate(*, actor: Person | None, node: Organisation) -> Organisation:
    with transaction.atomic():
        node = Organisation.objects.select_for_update().get(pk=node.pk)
        if node.is_active:
            return node
        if node.parent and not node.parent.is_active:
            raise ValidationError(ERROR_PARENT_INACTIVE)
        node.is_active = True
        _check_code(node)
        node.deactivated_at = None
        node.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        audit_record(
            actor=actor,
            huvudman=node.huvudman,
            action="organisation.reactivate",
            obj=node,
            before={"is_active": False},
            after={"is_active": True},
        )
    return node


PERSON_FIELDS = ("name", "email", "external_id", "is_active")


def _check_email(email: str, exclude_pk: int | None = None) -> None:
    holders = Person.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        holders = holders.exclude(pk=exclude_pk)
    if holders.exists():
        raise ValidationError({"email": ERROR_EMAIL_TAKEN})


def person_create(
    *,
    actor: Person | None,
    huvudman: Huvudman,
    name: str,
    email: str,
    external_id: str = "",
    audit: bool = True,
) -> Person:
    with transaction.atomic():
        email = email.strip().lower()
        person = Person(huvudman=huvudman, name=name, email=email, external_id=external_id)
        person.set_unusable_password()  # the person sets one through "Glömt lösenord"
        person.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
        _check_email(email)
        person.save()
        if audit:
            audit_record(
                actor=actor,
                huvudman=huvudman,
                action="person.create",
                obj=person,
                after=_snapshot(person, PERSON_FIELDS),
            )
    return person


def person_update(*, actor: Person | None, person: Person, **fields: str | bool) -> Person:
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = _snapshot(person, PERSON_FIELDS)
        for field, value in fields.items():
            if field not in PERSON_FIELDS:
                raise ValueError(f"person_update cannot set {field}")
            setattr(person, field, str(value).strip().lower() if field == "email" else value)
        person.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
        _check_email(person.email, exclude_pk=person.pk)
        person.save()
        after = _snapshot(person, PERSON_FIELDS)
        if before != after:
            audit_record(
                actor=actor,
                huvudman=person.huvudman,
                action="person.update",
                obj=person,
                before=before,
                after=after,
            )
    return person


def _membership_summary(membership: Membership) -> dict[str, object]:
    """Names, not ids: the trail must stay readable after people and units change."""
    return {
        "person": membership.person.name,
        "organisation": membership.organisation.name,
        "role": membership.role_label,
        "teaching": membership.is_teaching,
    }


def membership_create(
    *,
    actor: Person | None,
    person: Person,
    organisation: Organisation,
    role: str,
    title: RoleTitle | None = None,
    is_teaching: bool = False,
    external_id: str = "",
    audit: bool = True,
) -> Membership:
    with transaction.atomic():
        if organisation.huvudman_id != person.huvudman_id or (
            title is not None and title.huvudman_id != person.huvudman_id
        ):
            raise ValidationError(ERROR_OTHER_HUVUDMAN)
        if title is not None and title.role != role:
            raise ValidationError(_("The title belongs to another role."))
        if Membership.objects.filter(person=person, organisation=organisation, role=role).exists():
            raise ValidationError(ERROR_MEMBERSHIP_EXISTS)
        membership = Membership(
            huvudman_id=person.huvudman_id,
            person=person,
            organisation=organisation,
            role=role,
            title=title,
            is_teaching=is_teaching,
            external_id=external_id,
        )
        membership.full_clean(validate_constraints=False)
        membership.save()
        if audit:
            audit_record(
                actor=actor,
                huvudman=person.huvudman,
                action="membership.create",
                obj=membership,
                object_label=f"{person.name} – {organisation.name}",
                after=_membership_summary(membership),
            )
    return membership


def membership_delete(*, actor: Person | None, membership: Membership) -> None:
    """ValidationError when a strategist would remove their own last strategist role: nobody
    would be left to give it back."""
    with transaction.atomic():
        if (
            actor is not None
            and membership.person_id == actor.pk
            and membership.role == Role.STRATEGIST
            and not Membership.objects.filter(person=actor, role=Role.STRATEGIST)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ValidationError(ERROR_OWN_LAST_STRATEGIST_ROLE)
        audit_record(
            actor=actor,
            huvudman=membership.huvudman,
            action="membership.delete",
            obj=membership,
            object_label=f"{membership.person.name} – {membership.organisation.name}",
            before=_membership_summary(membership),
        )
        membership.delete()


def role_title_save(
    *, actor: Person | None, huvudman: Huvudman, role: str, name: str, title: RoleTitle | None = None
) -> RoleTitle:
    with transaction.atomic():
        same_name = RoleTitle.objects.filter(huvudman=huvudman, name__iexact=name.strip())
        if title is not None:
            same_name = same_name.exclude(pk=title.pk)
        if same_name.exists():
            raise ValidationError({"name": ERROR_TITLE_EXISTS})
        before = _snapshot(title, ("role", "name")) if title else None
        title = title or RoleTitle(huvudman=huvudman)
        title.role, title.name = role, name.strip()
        title.full_clean()
        title.save()
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="role_title.update" if before else "role_title.create",
            obj=title,
            before=before,
            after=_snapshot(title, ("role", "name")),
        )
    return title


def role_title_delete(*, actor: Person | None, title: RoleTitle) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            huvudman=title.huvudman,
            action="role_title.delete",
            obj=title,
            before={"role": title.role, "name": title.name},
        )
        title.delete()


ERROR_GROUP_EXISTS = _("A group with this name already exists.")
ERROR_GROUP_IN_USE = _("The group has duties in a framework. Change those first.")
ERROR_GROUP_OTHER_HUVUDMAN = _("A member or title belongs to another school organiser.")


def group_save(
    *,
    actor: Person | None,
    huvudman: Huvudman,
    name: str,
    members: Iterable[Person] = (),
    titles: Iterable[RoleTitle] = (),
    group: Group | None = None,
) -> Group:
    """A group the huvudman's plans give duties to: its named members and the titles whose
    holders belong to it, all of the same huvudman."""
    members, titles = list(members), list(titles)
    with transaction.atomic():
        same_name = Group.objects.filter(huvudman=huvudman, name__iexact=name.strip())
        if group is not None:
            same_name = same_name.exclude(pk=group.pk)
        if same_name.exists():
            raise ValidationError({"name": ERROR_GROUP_EXISTS})
        owners = {p.huvudman_id for p in members} | {t.huvudman_id for t in titles}
        if owners - {huvudman.pk}:
            raise ValidationError(ERROR_GROUP_OTHER_HUVUDMAN)
        before = _group_snapshot(group) if group else None
        group = group or Group(huvudman=huvudman)
        group.name = name.strip()
        group.full_clean()
        group.save()
        group.members.set(members)
        group.titles.set(titles)
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="group.update" if before else "group.create",
            obj=group,
            before=before,
            after=_group_snapshot(group),
        )
    return group


def _group_snapshot(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "members": sorted(group.members.values_list("pk", flat=True)),
        "titles": sorted(group.titles.values_list("name", flat=True)),
    }


def group_delete(*, actor: Person | None, group: Group) -> None:
    """Removes a group no framework gives a duty to."""
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                huvudman=group.huvudman,
                action="group.delete",
                obj=group,
                before=_group_snapshot(group),
            )
            group.delete()
    except ProtectedError:
        raise ValidationError(ERROR_GROUP_IN_USE) from None
