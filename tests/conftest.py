"""The personas every view test runs through: a strategist, the leaders of unit A and unit B,
a staff member of unit A, an anonymous visitor, and a strategist of another huvudman."""

from dataclasses import dataclass

import pytest
from django.test import Client

from digiplan.organisations import services
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person, Role

PASSWORD = "rätt-häst-batteri-häftklammer"


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
    person = services.person_create(actor=None, huvudman=huvudman, name=name, email=email)
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    services.membership_create(actor=None, person=person, organisation=node, role=role, **extra)
    return person


def build_world() -> World:
    huvudman = services.huvudman_create(name="Sjöviks kommun", organisation_number="212000-1234")
    root = services.huvudman_root(huvudman)
    forvaltning = services.organisation_create(
        actor=None, parent=root, type=OrganisationType.FORVALTNING, name="Utbildningsförvaltningen"
    )
    omrade = services.organisation_create(
        actor=None, parent=forvaltning, type=OrganisationType.OMRADE, name="Område Norr"
    )
    unit_a = services.organisation_create(
        actor=None,
        parent=omrade,
        type=OrganisationType.SKOLENHET,
        name="Almskolan",
        school_unit_code="11111111",
        school_forms=["GR"],
        pupil_counts={("GR", "F-3"): 120},
        staff_count=30,
    )
    unit_b = services.organisation_create(
        actor=None,
        parent=omrade,
        type=OrganisationType.SKOLENHET,
        name="Björkskolan",
        school_unit_code="22222222",
        school_forms=["GR", "FTH"],
    )
    other = services.huvudman_create(name="Friskolan Exempel AB", organisation_number="556000-0002")
    other_root = services.huvudman_root(other)
    other_unit = services.organisation_create(
        actor=None,
        parent=other_root,
        type=OrganisationType.SKOLENHET,
        name="Ekskolan",
        school_unit_code="33333333",
    )
    return World(
        huvudman=huvudman,
        root=root,
        forvaltning=forvaltning,
        omrade=omrade,
        unit_a=unit_a,
        unit_b=unit_b,
        strategist=_person(huvudman, "Sara Strateg", "strateg@sjovik.test", root, Role.STRATEGIST),
        leader_a=_person(huvudman, "Anna Rektor", "rektor.a@sjovik.test", unit_a, Role.UNIT_LEADER),
        leader_b=_person(huvudman, "Bo Rektor", "rektor.b@sjovik.test", unit_b, Role.UNIT_LEADER),
        staff=_person(huvudman, "Per Personal", "personal@sjovik.test", unit_a, Role.STAFF, is_teaching=True),
        other_huvudman=other,
        other_root=other_root,
        other_unit=other_unit,
        other_strategist=_person(other, "Olle Annan", "strateg@friskolan.test", other_root, Role.STRATEGIST),
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
