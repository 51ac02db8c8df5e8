"""The organisation tree, people and their roles, and the audit trail: strategists change what
they manage; everyone reads what their memberships reach."""

from digiplan.organisations.models import Membership, Organisation, Person, RoleTitle
from tests.factories import UnitFactory
from tests.views.matrix import (
    LOGIN,
    OWN_STRATEGIST_ONLY,
    POST_ONLY,
    READS,
    SIGNED_IN_200,
    STRATEGISTS_ONLY,
    UNIT_A_READERS,
    Post,
    Route,
    answers,
    to,
)

UNIT_A_MANAGERS = {**UNIT_A_READERS, "leader_a": 403, "staff": 403}
# The area above the units: its leaders and staff do not reach it.
AREA_MANAGERS = answers(404, anonymous=LOGIN, strategist=200)


def _unit_a(world):
    return {"pk": world.unit_a.pk}


def _staff(world):
    return {"pk": world.staff.pk}


def _closed_unit(world):
    """A unit that has closed: nobody but the strategist reaches it."""
    return {"pk": UnitFactory(parent=world.omrade, name="Gamla skolan", deactivated=True).pk}


def _membership(world):
    return {"pk": world.staff.memberships.get().pk}


def _title(world):
    from digiplan.organisations.services import role_title_save

    return {
        "pk": role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog").pk
    }


def _unit_a_as_edited(world) -> dict:
    """Unit A's own values with a new name: nothing else changes."""
    return {
        "type": "skolenhet",
        "name": "Almskolan F-9",
        "school_unit_code": "11111111",
        "school_forms": ["GR"],
        "pupils": "GR F-3=120",
        "staff_count": "30",
    }


def _strategist_writes(base: dict, redirect: str, audit: str, rows=None, body=lambda w: {}) -> Post:
    """Only our strategist's POST writes; the others get what their GET got."""
    return Post({**base, "strategist": to(redirect)}, body, ("strategist",), (audit,), rows or {})


EXPECTED = {
    "home": Route(get=SIGNED_IN_200, post=READS),
    "organisation_tree": Route(get=SIGNED_IN_200, post=READS),
    "organisation_detail": Route(kwargs=_unit_a, get=UNIT_A_READERS, post=READS),
    "organisation_create": Route(
        kwargs=lambda w: {"parent_pk": w.omrade.pk},
        get=AREA_MANAGERS,
        post=_strategist_writes(
            AREA_MANAGERS,
            "organisation_detail",
            "organisation.create",
            {Organisation: 1},
            lambda w: {"type": "skolenhet", "name": "Granskolan"},
        ),
    ),
    "organisation_edit": Route(
        kwargs=_unit_a,
        get=UNIT_A_MANAGERS,
        post=_strategist_writes(
            UNIT_A_MANAGERS, "organisation_detail", "organisation.update", body=_unit_a_as_edited
        ),
    ),
    "organisation_move": Route(
        kwargs=_unit_a,
        get=UNIT_A_MANAGERS,
        post=_strategist_writes(
            UNIT_A_MANAGERS,
            "organisation_detail",
            "organisation.move",
            body=lambda w: {"new_parent": w.forvaltning.pk},
        ),
    ),
    "organisation_deactivate": Route(
        kwargs=_unit_a,
        get=POST_ONLY,
        post=_strategist_writes(UNIT_A_MANAGERS, "organisation_detail", "organisation.deactivate"),
    ),
    "organisation_reactivate": Route(
        kwargs=_closed_unit,
        get=POST_ONLY,
        post=_strategist_writes(AREA_MANAGERS, "organisation_detail", "organisation.reactivate"),
    ),
    "people_list": Route(get=STRATEGISTS_ONLY, post=READS),
    "person_create": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            {**STRATEGISTS_ONLY, "strategist": to("person_detail"), "other_strategist": to("person_detail")},
            lambda w: {"name": "Nils Nyström", "email": "nils.nystrom@exempel.test"},
            writers=("strategist", "other_strategist"),
            audit=("person.create",),
            rows={Person: 1},
        ),
    ),
    "person_detail": Route(
        kwargs=_staff,
        get=OWN_STRATEGIST_ONLY,
        post=_strategist_writes(  # a role at unit B as well
            OWN_STRATEGIST_ONLY,
            "person_detail",
            "membership.create",
            {Membership: 1},
            lambda w: {"organisation": w.unit_b.pk, "role": "staff"},
        ),
    ),
    "person_edit": Route(
        kwargs=_staff,
        get=OWN_STRATEGIST_ONLY,
        post=_strategist_writes(
            OWN_STRATEGIST_ONLY,
            "person_detail",
            "person.update",
            body=lambda w: {"name": "Per Persson", "email": w.staff.email},
        ),
    ),
    "person_set_active": Route(
        kwargs=_staff,
        get=POST_ONLY,
        post=_strategist_writes(
            OWN_STRATEGIST_ONLY, "person_detail", "person.update", body=lambda w: {"active": "0"}
        ),
    ),
    "membership_delete": Route(
        kwargs=_membership,
        get=POST_ONLY,
        post=_strategist_writes(OWN_STRATEGIST_ONLY, "person_detail", "membership.delete", {Membership: -1}),
    ),
    "role_titles": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            {**STRATEGISTS_ONLY, "strategist": to("role_titles"), "other_strategist": to("role_titles")},
            lambda w: {"role": "coordinator", "name": "IT-pedagog"},
            writers=("strategist", "other_strategist"),
            audit=("role_title.create",),
            rows={RoleTitle: 1},
        ),
    ),
    "role_title_delete": Route(
        kwargs=_title,
        get=POST_ONLY,
        post=_strategist_writes(OWN_STRATEGIST_ONLY, "role_titles", "role_title.delete", {RoleTitle: -1}),
    ),
    "audit_list": Route(get=STRATEGISTS_ONLY, post=READS),
}
