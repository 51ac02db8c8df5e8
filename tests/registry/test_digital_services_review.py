"""The review of a service: proposed → under review → approved, approved with conditions or
rejected; who may take each step, and the history and audit trail each step leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Role
from digiplan.registry import digital_services as services
from digiplan.registry.digital_models import ServiceStatus
from digiplan.registry.digital_services import service_propose, service_review
from tests.factories import PersonFactory
from tests.registry.digital_services_helpers import TODAY, VALID, make_service

pytestmark = pytest.mark.django_db


def _review(service, actor, status, reasons=""):
    return service_review(service=service, actor=actor, status=status, reasons=reasons, today=TODAY)


def test_a_decision_leaves_a_history_with_who_when_and_why_and_an_audit_row_each(world):
    service = make_service(world)
    _review(service, world.strategist, ServiceStatus.UNDER_REVIEW)
    _review(service, world.strategist, ServiceStatus.APPROVED_WITH_CONDITIONS, "Endast utan elevers bilder")
    history = list(service.reviews.order_by("created_at", "pk").values_list("status", "reasons", "actor"))
    assert history == [
        (ServiceStatus.PROPOSED, "", world.strategist.pk),
        (ServiceStatus.UNDER_REVIEW, "", world.strategist.pk),
        (ServiceStatus.APPROVED_WITH_CONDITIONS, "Endast utan elevers bilder", world.strategist.pk),
    ]
    service.refresh_from_db()
    assert (service.status, service.decision_text, service.decided_on) == (
        ServiceStatus.APPROVED_WITH_CONDITIONS, "Endast utan elevers bilder", TODAY
    )  # fmt: skip
    actions = list(
        AuditEvent.objects.filter(object_type="digitalservice", object_id=str(service.pk))
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [
        ("digital_service.proposed", world.strategist.pk),
        ("digital_service.under_review", world.strategist.pk),
        ("digital_service.approved_with_conditions", world.strategist.pk),
    ]


@pytest.mark.parametrize("persona", ["leader_a", "staff", "other_strategist"])
def test_nobody_but_a_strategist_of_the_huvudman_decides(world, persona):
    service = make_service(world, status=ServiceStatus.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        _review(service, getattr(world, persona), ServiceStatus.APPROVED)
    service.refresh_from_db()
    assert service.status == ServiceStatus.UNDER_REVIEW


def test_a_coordinator_decides_nothing_either(world):
    coordinator = PersonFactory(organisation=world.unit_a, role=Role.COORDINATOR)
    service = make_service(world, status=ServiceStatus.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        _review(service, coordinator, ServiceStatus.REJECTED, "Nej")


def test_a_proposal_cannot_be_approved_before_it_has_been_reviewed(world):
    service = make_service(world)
    with pytest.raises(ValidationError):
        _review(service, world.strategist, ServiceStatus.APPROVED)
    service.refresh_from_db()
    assert service.status == ServiceStatus.PROPOSED


def test_a_rejection_needs_reasons_and_conditions_need_writing(world):
    service = make_service(world, status=ServiceStatus.UNDER_REVIEW)
    with pytest.raises(ValidationError) as refused:
        _review(service, world.strategist, ServiceStatus.REJECTED, "  ")
    assert refused.value.message_dict == {"reasons": [str(services.ERROR_REASONS_MISSING)]}
    with pytest.raises(ValidationError) as refused:
        _review(service, world.strategist, ServiceStatus.APPROVED_WITH_CONDITIONS, "")
    assert refused.value.message_dict == {"reasons": [str(services.ERROR_CONDITIONS_MISSING)]}


def test_a_decided_service_can_be_taken_back_under_review(world):
    service = make_service(world, status=ServiceStatus.REJECTED, reasons="Data i USA")
    _review(service, world.strategist, ServiceStatus.UNDER_REVIEW)
    service.refresh_from_db()
    assert service.status == ServiceStatus.UNDER_REVIEW


@pytest.mark.parametrize("persona", ["leader_a", "strategist"])
def test_a_unit_leader_or_a_strategist_may_propose(world, persona):
    service = service_propose(huvudman=world.huvudman, actor=getattr(world, persona), values=VALID)
    assert service.status == ServiceStatus.PROPOSED and service.proposed_by == getattr(world, persona)


def test_a_coordinator_may_propose(world):
    coordinator = PersonFactory(organisation=world.unit_a, role=Role.COORDINATOR)
    assert service_propose(huvudman=world.huvudman, actor=coordinator, values=VALID).pk


@pytest.mark.parametrize("persona", ["staff", "other_strategist"])
def test_staff_and_another_huvudmans_strategist_may_not_propose(world, persona):
    with pytest.raises(PermissionDenied):
        service_propose(huvudman=world.huvudman, actor=getattr(world, persona), values=VALID)


def test_only_a_strategist_changes_an_entry(world):
    service = make_service(world)
    with pytest.raises(PermissionDenied):
        services.service_update(service=service, actor=world.leader_a, values={"supplier": "Annan AB"})
    services.service_update(service=service, actor=world.strategist, values={"supplier": "Annan AB"})
    event = AuditEvent.objects.get(action="digital_service.changed")
    assert event.changes["after"] == {"supplier": "Annan AB"}


def test_two_strategists_editing_at_once_never_overwrite_each_other(world):
    service = make_service(world)
    seen = service.updated_at
    services.service_update(
        service=service, actor=world.strategist, values={"supplier": "Först AB"}, seen=seen
    )
    with pytest.raises(ValidationError) as refused:
        services.service_update(
            service=service, actor=world.strategist, values={"purpose": "Sist"}, seen=seen
        )
    assert refused.value.messages == [str(services.ERROR_CHANGED_SINCE)]
    service.refresh_from_db()
    assert (service.supplier, service.purpose) == ("Först AB", VALID["purpose"])
