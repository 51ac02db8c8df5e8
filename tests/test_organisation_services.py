"""Rules the organisation services keep whoever calls them (a page, a command, an import)."""

import pytest
from django.core.exceptions import ValidationError

from digiplan.audit.models import AuditEvent
from digiplan.organisations import services
from digiplan.organisations.models import Membership, Role, RoleTitle


def test_a_strategist_cannot_remove_their_own_last_strategist_role(world):
    membership = world.strategist.memberships.get(role=Role.STRATEGIST)
    with pytest.raises(ValidationError) as error:
        services.membership_delete(actor=world.strategist, membership=membership)
    assert error.value.messages == [str(services.ERROR_OWN_LAST_STRATEGIST_ROLE)]
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action="membership.delete").exists()


def test_a_strategist_with_another_strategist_role_may_remove_one(world):
    first = world.strategist.memberships.get(role=Role.STRATEGIST)
    services.membership_create(
        actor=world.strategist, person=world.strategist, organisation=world.unit_a, role=Role.STRATEGIST
    )
    services.membership_delete(actor=world.strategist, membership=first)
    assert not Membership.objects.filter(pk=first.pk).exists()


def test_a_role_title_that_differs_only_in_case_is_refused(world):
    services.role_title_save(
        actor=world.strategist, huvudman=world.huvudman, role=Role.COORDINATOR, name="IT-pedagog"
    )
    with pytest.raises(ValidationError) as error:
        services.role_title_save(
            actor=world.strategist, huvudman=world.huvudman, role=Role.COORDINATOR, name=" it-pedagog "
        )
    assert error.value.message_dict == {"name": [str(services.ERROR_TITLE_EXISTS)]}
    assert RoleTitle.objects.filter(huvudman=world.huvudman).count() == 1


def test_a_role_title_keeps_its_own_name_when_saved_again(world):
    title = services.role_title_save(
        actor=world.strategist, huvudman=world.huvudman, role=Role.COORDINATOR, name="IT-pedagog"
    )
    services.role_title_save(
        actor=world.strategist, huvudman=world.huvudman, role=Role.STAFF, name="it-pedagog", title=title
    )
    title.refresh_from_db()
    assert (title.role, title.name) == (Role.STAFF, "it-pedagog")
