"""Units declare the services they use: a service in use that is not approved is a deviation,
and an agreement running out within 90 days is a task for the strategist. The reports will read
these selectors, so they are tested here as a report would use them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digiplan.registry.digital_models import ServiceStatus
from digiplan.registry.digital_selectors import agreement_tasks, deviations_for_huvudman, deviations_for_unit
from digiplan.registry.digital_services import service_review, service_use_declare, service_use_withdraw
from tests.registry.digital_services_helpers import TODAY, make_service

pytestmark = pytest.mark.django_db


def _declare(world, unit, service, persona="strategist"):
    return service_use_declare(unit=unit, service=service, actor=getattr(world, persona))


def test_a_unit_using_a_service_that_is_not_approved_deviates(world):
    approved = make_service(world, name="Godkänd", status=ServiceStatus.APPROVED)
    with_conditions = make_service(world, name="Med villkor", status=ServiceStatus.APPROVED_WITH_CONDITIONS)
    proposed = make_service(world, name="Föreslagen")
    reviewed = make_service(world, name="Granskas", status=ServiceStatus.UNDER_REVIEW)
    rejected = make_service(world, name="Avslagen", status=ServiceStatus.REJECTED)
    for service in (approved, with_conditions, proposed, reviewed, rejected):
        _declare(world, world.unit_a, service, "leader_a")
    _declare(world, world.unit_b, approved)
    names = [use.service.name for use in deviations_for_unit(world.unit_a)]
    assert names == ["Avslagen", "Föreslagen", "Granskas"]
    assert list(deviations_for_unit(world.unit_b)) == []
    assert [(u.unit.name, u.service.name) for u in deviations_for_huvudman(world.huvudman)] == [
        ("Almskolan", "Avslagen"),
        ("Almskolan", "Föreslagen"),
        ("Almskolan", "Granskas"),
    ]


def test_a_deviation_ends_when_the_service_is_approved(world):
    service = make_service(world, status=ServiceStatus.UNDER_REVIEW)
    _declare(world, world.unit_a, service)
    assert deviations_for_unit(world.unit_a).count() == 1
    service_review(
        service=service, actor=world.strategist, status=ServiceStatus.APPROVED, reasons="", today=TODAY
    )
    assert deviations_for_unit(world.unit_a).count() == 0


def test_another_huvudmans_deviations_are_never_counted(world):
    theirs = make_service(world, huvudman=world.other_huvudman)
    _declare(world, world.other_unit, theirs, "other_strategist")
    assert list(deviations_for_huvudman(world.huvudman)) == []
    assert deviations_for_huvudman(world.other_huvudman).count() == 1


def test_a_unit_leader_declares_for_their_own_unit_only(world):
    service = make_service(world)
    with pytest.raises(PermissionDenied):
        _declare(world, world.unit_b, service, "leader_a")
    with pytest.raises(PermissionDenied):
        _declare(world, world.unit_a, service, "staff")
    _declare(world, world.unit_b, service, "leader_b")


def test_nobody_declares_another_huvudmans_service_for_a_unit(world):
    theirs = make_service(world, huvudman=world.other_huvudman)
    with pytest.raises(PermissionDenied):
        _declare(world, world.unit_a, theirs)
    with pytest.raises(PermissionDenied):
        _declare(world, world.unit_a, make_service(world), "other_strategist")


def test_only_a_school_unit_declares_and_only_once(world):
    service = make_service(world)
    with pytest.raises(ValidationError):
        _declare(world, world.omrade, service)
    _declare(world, world.unit_a, service)
    with pytest.raises(ValidationError):
        _declare(world, world.unit_a, service)


def test_a_withdrawn_declaration_is_no_longer_a_deviation(world):
    service = make_service(world)
    _declare(world, world.unit_a, service, "leader_a")
    assert service_use_withdraw(unit=world.unit_a, service=service, actor=world.leader_a) == 1
    assert list(deviations_for_unit(world.unit_a)) == []


def test_agreements_expired_or_expiring_within_90_days_are_tasks_soonest_first(world):
    day = datetime.timedelta(days=1)
    make_service(world, name="Gick ut", dpa_expires=TODAY - day)
    make_service(world, name="Om 90 dagar", dpa_expires=TODAY + 90 * day)
    make_service(world, name="Om 91 dagar", dpa_expires=TODAY + 91 * day)
    make_service(world, name="Utan slutdatum", dpa_expires=None)
    make_service(world, name="Avslagen", dpa_expires=TODAY + day, status=ServiceStatus.REJECTED)
    make_service(world, huvudman=world.other_huvudman, name="Annans", dpa_expires=TODAY)
    tasks = agreement_tasks(world.huvudman, TODAY)
    assert [(t.service.name, t.expired, t.days_left) for t in tasks] == [
        ("Gick ut", True, -1),
        ("Om 90 dagar", False, 90),
    ]


def test_a_closed_units_old_declarations_are_no_deviations(world):
    from digiplan.organisations.models import Organisation

    _declare(world, world.unit_b, make_service(world), "leader_b")
    Organisation.objects.filter(pk=world.unit_b.pk).update(is_active=False)
    assert list(deviations_for_huvudman(world.huvudman)) == []
