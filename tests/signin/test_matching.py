"""Matching an identity provider's answer to a person: never a guess, never across huvudmän.
Each test is an answer an identity provider could send, and what it must (not) reach."""

import pytest

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Membership, Person, Role
from digiplan.privacy.services import person_erase
from digiplan.signin.models import ExternalIdentity, SignInPolicy
from digiplan.signin.services import Claims, Outcome, huvudman_for_email, match_person

pytestmark = pytest.mark.django_db

IDP_A = "https://idp.sjovik.test/saml"


def claims(**values) -> Claims:
    return Claims(**{"issuer": IDP_A, "subject": "subject-1", **values})


def test_a_verified_address_matches_the_person_and_the_link_is_remembered(world):
    match = match_person(
        huvudman=world.huvudman, claims=claims(email="Personal@Sjovik.test", email_verified=True)
    )

    assert (match.outcome, match.person, match.via) == (Outcome.MATCHED, world.staff, "email")
    # Next time the subject alone finds them, even if the address at the IdP has changed.
    again = match_person(huvudman=world.huvudman, claims=claims(email="new@sjovik.test", email_verified=True))
    assert (again.person, again.via) == (world.staff, "link")


def test_an_address_the_provider_has_not_verified_matches_nobody(world):
    match = match_person(huvudman=world.huvudman, claims=claims(email="personal@sjovik.test"))

    assert match.outcome == Outcome.UNKNOWN and match.person is None
    assert not ExternalIdentity.objects.exists()


def test_the_principal_name_or_the_ss12000_id_matches_before_the_address(world):
    world.leader_a.principal_name = "anna.rektor@sjovik.test"
    world.leader_a.save()
    world.leader_b.external_id = "c0ffee-ss12000-id"
    world.leader_b.save()

    by_principal = match_person(
        huvudman=world.huvudman,
        claims=claims(
            principal_name="ANNA.REKTOR@sjovik.test", email="personal@sjovik.test", email_verified=True
        ),
    )
    by_id = match_person(
        huvudman=world.huvudman, claims=claims(subject="s-2", external_id="c0ffee-ss12000-id")
    )

    assert (by_principal.person, by_principal.via) == (world.leader_a, "principal_name")
    assert (by_id.person, by_id.via) == (world.leader_b, "external_id")


def test_a_provider_of_one_huvudman_never_reaches_a_person_of_another(world):
    """Whatever attributes A's identity provider sends, B's strategist is out of reach."""
    b = world.other_strategist
    b.principal_name, b.external_id = "olle@friskolan.test", "b-id"
    b.save()
    ExternalIdentity.objects.create(huvudman=world.other_huvudman, person=b, issuer=IDP_A, subject="olle")
    SignInPolicy.objects.create(huvudman=world.huvudman, create_unknown_people=True)

    for attack in (
        claims(email=b.email, email_verified=True, school_unit_codes=("11111111",)),
        claims(principal_name="olle@friskolan.test"),
        claims(external_id="b-id"),
        claims(subject="olle"),
    ):
        match = match_person(huvudman=world.huvudman, claims=attack)
        assert match.person != b
        assert match.outcome == Outcome.UNKNOWN

    assert Person.objects.filter(email__iexact=b.email).count() == 1


def test_an_unknown_person_is_created_as_staff_of_their_unit_only_when_the_huvudman_allows(world):
    answer = claims(
        email="ny.larare@sjovik.test",
        email_verified=True,
        given_name="Nora",
        surname="Ny",
        principal_name="nora@sjovik.test",
        school_unit_codes=("11111111",),
    )
    assert match_person(huvudman=world.huvudman, claims=answer).outcome == Outcome.UNKNOWN
    assert not Person.objects.filter(email="ny.larare@sjovik.test").exists()

    SignInPolicy.objects.create(huvudman=world.huvudman, create_unknown_people=True)
    match = match_person(huvudman=world.huvudman, claims=answer)

    assert match.outcome == Outcome.CREATED
    person = match.person
    assert (person.name, person.huvudman, person.principal_name) == (
        "Nora Ny",
        world.huvudman,
        "nora@sjovik.test",
    )
    assert list(person.memberships.values_list("organisation", "role")) == [(world.unit_a.pk, Role.STAFF)]
    assert not person.has_usable_password()


@pytest.mark.parametrize(
    "attack",
    [
        {"school_unit_codes": ("33333333",)},  # a unit of the other huvudman
        {"school_unit_codes": ()},
        {"email_verified": False},
    ],
)
def test_nobody_is_created_for_another_huvudmans_unit_or_an_unverified_address(world, attack):
    SignInPolicy.objects.create(huvudman=world.huvudman, create_unknown_people=True)
    answer = claims(
        **{"email": "x@sjovik.test", "email_verified": True, "school_unit_codes": ("11111111",), **attack}
    )

    assert match_person(huvudman=world.huvudman, claims=answer).outcome == Outcome.UNKNOWN
    assert not Person.objects.filter(email="x@sjovik.test").exists()


def test_a_closed_account_does_not_sign_in(world):
    world.staff.is_active = False
    world.staff.save()

    match = match_person(huvudman=world.huvudman, claims=claims(email=world.staff.email, email_verified=True))

    assert (match.outcome, match.person) == (Outcome.INACTIVE, None)


def test_attributes_give_a_staff_membership_only_when_turned_on_and_never_a_higher_role(world):
    answer = claims(
        email=world.leader_b.email,
        email_verified=True,
        affiliations=("faculty@sjovik.test", "strategist@sjovik.test"),
        school_unit_codes=("11111111",),
    )
    match_person(huvudman=world.huvudman, claims=answer)
    assert not Membership.objects.filter(person=world.leader_b, organisation=world.unit_a).exists()

    SignInPolicy.objects.create(huvudman=world.huvudman, roles_from_attributes=True)
    match_person(huvudman=world.huvudman, claims=answer)

    roles = set(Membership.objects.filter(person=world.leader_b).values_list("organisation", "role"))
    assert roles == {(world.unit_b.pk, Role.UNIT_LEADER), (world.unit_a.pk, Role.STAFF)}


def test_the_huvudman_is_found_from_the_domain_of_an_address(world):
    SignInPolicy.objects.create(huvudman=world.huvudman, email_domains="sjovik.test\nskola.sjovik.test")

    assert huvudman_for_email("Anna@Skola.Sjovik.test") == world.huvudman
    assert huvudman_for_email("olle@friskolan.test") is None
    assert huvudman_for_email("no-at-sign") is None


def test_an_erased_person_cannot_be_found_again_by_their_school_identity(world):
    world.staff.principal_name = "per.personal@sjovik.test"
    world.staff.save()
    first = match_person(huvudman=world.huvudman, claims=claims(principal_name="per.personal@sjovik.test"))
    assert first.person == world.staff
    AuditEvent.objects.create(
        huvudman=world.huvudman, action="note", object_label="per.personal@sjovik.test was here"
    )

    person_erase(actor=world.strategist, person=world.staff, confirm_email=world.staff.email)

    world.staff.refresh_from_db()
    assert world.staff.principal_name == ""
    assert not ExternalIdentity.objects.filter(person=world.staff).exists()
    for answer in (claims(principal_name="per.personal@sjovik.test"), claims()):
        assert match_person(huvudman=world.huvudman, claims=answer).outcome == Outcome.UNKNOWN
    assert not AuditEvent.objects.filter(object_label__icontains="per.personal@sjovik.test").exists()
