"""The personas every view test runs through: a strategist, the leaders of unit A and unit B,
a staff member of unit A, an anonymous visitor, and a strategist of another huvudman."""

from dataclasses import dataclass

import pytest
from django.test import Client

from digiplan.organisations import services
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person, Role
from tests.ci_skips import (  # noqa: F401  (hooks)
    pytest_collection_modifyitems,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
from tests.factories import PASSWORD, HuvudmanFactory, OrganisationFactory, PersonFactory

__all__ = ["PASSWORD", "PERSONAS", "World", "build_world"]


@dataclass
class World:
    huvudman: Huvudman
    root: Organisation
    forvaltning: Organisation
    omrade: Organisation
    unit_a: Organisation
    unit_b: Organisation
    strategist: Person
    leader_a: Person
    leader_b: Person
    staff: Person
    other_huvudman: Huvudman
    other_root: Organisation
    other_unit: Organisation
    other_strategist: Person


def _person(huvudman, name, email, node, role, **extra) -> Person:
    """A person with one role (older tests call this; new ones use PersonFactory)."""
    assert node.huvudman_id == huvudman.pk
    return PersonFactory(name=name, email=email, organisation=node, role=role, **extra)


def build_world() -> World:
    huvudman = HuvudmanFactory(name="Sjöviks kommun", organisation_number="212000-1234")
    root = services.huvudman_root(huvudman)
    forvaltning = OrganisationFactory(
        parent=root, type=OrganisationType.FORVALTNING, name="Utbildningsförvaltningen"
    )
    omrade = OrganisationFactory(parent=forvaltning, type=OrganisationType.OMRADE, name="Område Norr")
    unit_a = OrganisationFactory(
        parent=omrade,
        name="Almskolan",
        school_unit_code="11111111",
        school_forms=["GR"],
        pupil_counts={("GR", "F-3"): 120},
        staff_count=30,
    )
    unit_b = OrganisationFactory(
        parent=omrade, name="Björkskolan", school_unit_code="22222222", school_forms=["GR", "FTH"]
    )
    other = HuvudmanFactory(name="Friskolan Exempel AB", organisation_number="556000-0002")
    other_root = services.huvudman_root(other)
    other_unit = OrganisationFactory(
        parent=other_root, name="Ekskolan", school_unit_code="33333333", school_forms=None
    )
    return World(
        huvudman=huvudman,
        root=root,
        forvaltning=forvaltning,
        omrade=omrade,
        unit_a=unit_a,
        unit_b=unit_b,
        strategist=PersonFactory(
            name="Sara Strateg", email="strateg@sjovik.test", organisation=root, role=Role.STRATEGIST
        ),
        leader_a=PersonFactory(
            name="Anna Rektor", email="rektor.a@sjovik.test", organisation=unit_a, role=Role.UNIT_LEADER
        ),
        leader_b=PersonFactory(
            name="Bo Rektor", email="rektor.b@sjovik.test", organisation=unit_b, role=Role.UNIT_LEADER
        ),
        staff=PersonFactory(
            name="Per Personal",
            email="personal@sjovik.test",
            organisation=unit_a,
            role=Role.STAFF,
            is_teaching=True,
        ),
        other_huvudman=other,
        other_root=other_root,
        other_unit=other_unit,
        other_strategist=PersonFactory(
            name="Olle Annan", email="strateg@friskolan.test", organisation=other_root, role=Role.STRATEGIST
        ),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher takes a third of a second per password on purpose; tests need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


PERSONAS = ("anonymous", "strategist", "leader_a", "leader_b", "staff", "other_strategist")


@pytest.fixture
def client_for(world):
    """client_for("leader_a") is a test client signed in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        return client

    return make
