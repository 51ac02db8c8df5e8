"""The setup checklist: each step ticks as the huvudman's own data appear, and only its own
(another huvudman's units, framework, sign-in or campaign never tick it)."""

import pytest
from django.utils import translation

from digiplan.onboarding import services
from digiplan.onboarding.checklist import setup_checklist
from digiplan.onboarding.selectors import first_strategist
from digiplan.organisations.models import Huvudman, OrganisationType, Role
from digiplan.organisations.services import huvudman_root, membership_create, person_update
from digiplan.signin.models import OidcProvider, SamlIdentityProvider
from tests.factories import CampaignFactory, FrameworkVersionFactory, OrganisationFactory, PersonFactory

STEPS = ["organisation", "framework", "sign_in", "leaders", "campaign"]


@pytest.fixture
def new(db) -> Huvudman:
    """A huvudman just created, with its first strategist and nothing else."""
    return services.huvudman_onboard(
        actor=None, name="Nya kommun", organisation_number="212000-5678", strategist_email="nina@nya.test"
    ).huvudman


def ticked(huvudman: Huvudman) -> set[str]:
    return {step.key for step in setup_checklist(huvudman).steps if step.done}


def step(huvudman: Huvudman, key: str):
    # In Swedish whatever language an earlier test left active: the details are UI text.
    with translation.override("sv"):
        return next(s for s in setup_checklist(huvudman).steps if s.key == key)


def strategist_of(huvudman: Huvudman):
    return first_strategist(huvudman)


def unit_of(huvudman: Huvudman, **fields):
    return OrganisationFactory(parent=huvudman_root(huvudman), **fields)


def test_a_new_huvudman_has_five_steps_none_done(new):
    checklist = setup_checklist(new)
    assert [s.key for s in checklist.steps] == STEPS
    assert (checklist.done, checklist.total, checklist.complete) == (0, 5, False)


def test_a_school_unit_ticks_the_organisation(new):
    unit_of(new)
    assert ticked(new) == {"organisation"}


def test_an_inactive_unit_or_a_node_that_is_no_unit_does_not(new):
    unit_of(new, deactivated=True)
    unit_of(new, type=OrganisationType.FORVALTNING, name="Förvaltningen")
    assert ticked(new) == set()


def test_a_published_framework_of_its_own_ticks_the_framework(new):
    FrameworkVersionFactory(huvudman=new, publish=False)
    assert "framework" not in ticked(new)  # a draft is not in use
    FrameworkVersionFactory(huvudman=new)
    assert ticked(new) == {"framework"}


def test_a_built_in_framework_chosen_for_a_campaign_ticks_the_framework(new):
    unit = unit_of(new)
    CampaignFactory(
        huvudman=new,
        actor=strategist_of(new),
        units=[unit],
        framework_version=FrameworkVersionFactory(huvudman=None),
    )
    assert "framework" in ticked(new)
    assert "campaign" not in ticked(new)  # not opened yet


def test_an_enabled_identity_provider_ticks_the_sign_in(new):
    saml = SamlIdentityProvider.objects.create(huvudman=new, enabled=False)
    OidcProvider.objects.create(huvudman=new, enabled=False, issuer="https://idp.test", client_id="x")
    assert "sign_in" not in ticked(new)
    saml.enabled = True
    saml.save()
    assert ticked(new) == {"sign_in"}


def test_openid_connect_alone_ticks_the_sign_in(new):
    OidcProvider.objects.create(huvudman=new, enabled=True, issuer="https://idp.test", client_id="x")
    assert ticked(new) == {"sign_in"}


def test_the_leaders_tick_when_every_unit_has_one_and_the_missing_are_counted(new):
    assert step(new, "leaders").detail == "Importera eller lägg till skolenheterna först."
    first, second = unit_of(new), unit_of(new)
    assert not step(new, "leaders").done
    assert step(new, "leaders").detail == "2 skolenheter saknar enhetsledare."
    PersonFactory(huvudman=new, organisation=first, role=Role.UNIT_LEADER)
    assert step(new, "leaders").detail == "1 skolenhet saknar enhetsledare."
    PersonFactory(huvudman=new, organisation=second, role=Role.UNIT_LEADER)
    assert step(new, "leaders").done
    assert ticked(new) == {"organisation", "leaders"}


def test_a_leader_of_an_area_leads_the_units_below_it(new):
    area = OrganisationFactory(
        parent=huvudman_root(new), type=OrganisationType.OMRADE, name="Rektorsområde 1"
    )
    OrganisationFactory(parent=area)
    OrganisationFactory(parent=area)
    PersonFactory(huvudman=new, organisation=area, role=Role.UNIT_LEADER)
    assert step(new, "leaders").done


def test_a_leader_of_one_unit_does_not_lead_a_unit_whose_path_merely_begins_alike(new):
    # Paths end in "/": /1/2/ is no prefix of /1/23/, however the ids run.
    units = [unit_of(new) for _ in range(12)]
    PersonFactory(huvudman=new, organisation=units[0], role=Role.UNIT_LEADER)
    assert step(new, "leaders").detail == "11 skolenheter saknar enhetsledare."


def test_a_deactivated_leader_or_another_role_does_not_count(new):
    unit = unit_of(new)
    staff = PersonFactory(huvudman=new, organisation=unit, role=Role.STAFF)
    leader = PersonFactory(huvudman=new, organisation=unit, role=Role.UNIT_LEADER)
    person_update(actor=None, person=leader, is_active=False)
    assert not step(new, "leaders").done
    membership_create(actor=None, person=staff, organisation=unit, role=Role.COORDINATOR)
    assert not step(new, "leaders").done


def test_an_opened_campaign_ticks_the_campaign(new):
    unit = unit_of(new)
    CampaignFactory(huvudman=new, actor=strategist_of(new), units=[unit], opened=True)
    assert {"campaign", "framework"} <= ticked(new)


def test_every_step_done_makes_the_checklist_complete(new):
    unit = unit_of(new)
    PersonFactory(huvudman=new, organisation=unit, role=Role.UNIT_LEADER)
    OidcProvider.objects.create(huvudman=new, enabled=True, issuer="https://idp.test", client_id="x")
    CampaignFactory(huvudman=new, actor=strategist_of(new), units=[unit], opened=True)
    checklist = setup_checklist(new)
    assert (checklist.done, checklist.complete) == (5, True)


def test_another_huvudmans_data_never_tick_this_ones_steps(new, world):
    other = world.other_huvudman
    unit = world.other_unit
    PersonFactory(huvudman=other, organisation=unit, role=Role.UNIT_LEADER)
    FrameworkVersionFactory(huvudman=other)
    SamlIdentityProvider.objects.create(huvudman=other, enabled=True)
    OidcProvider.objects.create(huvudman=other, enabled=True, issuer="https://idp.test", client_id="x")
    CampaignFactory(huvudman=other, actor=world.other_strategist, units=[unit], opened=True)
    assert ticked(other) == set(STEPS)
    assert ticked(new) == set()


def test_a_leader_of_another_huvudman_leads_none_of_this_ones_units(new, world):
    unit_of(new)
    PersonFactory(huvudman=world.other_huvudman, organisation=world.other_unit, role=Role.UNIT_LEADER)
    assert not step(new, "leaders").done
