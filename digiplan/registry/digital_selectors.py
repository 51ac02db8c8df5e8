"""Reads of the register of digital services for pages and reports: the register itself, who may
see and change it, the public list, the units' deviations and the strategist's agreement tasks.
Every read is bounded by one huvudman."""

import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Count, QuerySet
from django.http import Http404

from digiplan.imports.ss12000_pages import normalise_organisation_number
from digiplan.organisations import access
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person, Role
from digiplan.registry.digital_checks import AGREEMENT_NOTICE
from digiplan.registry.digital_models import (
    APPROVED_STATUSES,
    DECIDED_STATUSES,
    DigitalService,
    ServiceReview,
    ServiceStatus,
    ServiceUse,
)

# Those who keep or propose entries read the whole register; staff read the public page.
REGISTER_ROLES = (Role.STRATEGIST, Role.UNIT_LEADER, Role.COORDINATOR)


def may_read_register(person: Person) -> bool:
    return bool(person.is_authenticated and access.membership_paths(person, REGISTER_ROLES))


def services_of(huvudman: Huvudman) -> QuerySet[DigitalService]:
    """The register, each entry with the number of units that declare it."""
    return DigitalService.objects.filter(huvudman=huvudman).annotate(unit_count=Count("uses"))


def service_for_reader(person: Person, pk: int) -> tuple[DigitalService, bool]:
    """The entry and whether the person decides on it; 404 for anyone who may not read the
    register and for another huvudman's entries, so that their ids reveal nothing."""
    service = DigitalService.objects.filter(pk=pk).select_related("huvudman").first()
    if service is None or service.huvudman_id != person.huvudman_id or not may_read_register(person):
        raise Http404
    return service, access.is_strategist(person)


def review_history(service: DigitalService) -> QuerySet[ServiceReview]:
    return service.reviews.select_related("actor")


def huvudman_by_number(number: str) -> Huvudman:
    """The huvudman of an organisation number written with or without its dash; 404 otherwise."""
    normal = normalise_organisation_number(number)
    huvudman = Huvudman.objects.filter(organisation_number=normal).first() if normal else None
    if huvudman is None:
        raise Http404
    return huvudman


class PublicService(TypedDict):
    name: str
    supplier: str
    purpose: str
    status: str
    decision_text: str
    decided_on: datetime.date | None


PUBLIC_FIELDS = ("name", "supplier", "purpose", "status", "decision_text", "decided_on")


def public_services(huvudman: Huvudman) -> list[PublicService]:
    """What staff and guardians may read: decided services only, and only what the decision
    says. No reviewer, proposer, impact assessment reference or internal note leaves here:
    the public page cannot show what it is never given."""
    rows = (
        DigitalService.objects.filter(huvudman=huvudman, status__in=DECIDED_STATUSES)
        .order_by("name")
        .values_list(*PUBLIC_FIELDS)
    )
    return [
        PublicService(
            name=name,
            supplier=supplier,
            purpose=purpose,
            status=status,
            decision_text=decision_text,
            decided_on=decided_on,
        )
        for name, supplier, purpose, status, decision_text, decided_on in rows
    ]


def _deviations() -> QuerySet[ServiceUse]:
    return (
        # A closed unit uses nothing any more: its old declarations are no deviations.
        ServiceUse.objects.filter(unit__is_active=True)
        .exclude(service__status__in=APPROVED_STATUSES)
        .select_related("unit", "service")
        .order_by("unit__name", "service__name")
    )


def deviations_for_unit(unit: Organisation) -> QuerySet[ServiceUse]:
    """The unit's declared services that are not approved (proposed, under review, rejected)."""
    return _deviations().filter(unit=unit)


def deviations_for_huvudman(huvudman: Huvudman) -> QuerySet[ServiceUse]:
    return _deviations().filter(unit__huvudman=huvudman, service__huvudman=huvudman)


@dataclass(frozen=True)
class AgreementTask:
    service: DigitalService
    expires: datetime.date
    expired: bool
    days_left: int


def agreement_tasks(huvudman: Huvudman, today: datetime.date) -> list[AgreementTask]:
    """Signed data processing agreements that have expired or expire within AGREEMENT_NOTICE,
    soonest first; a rejected service's agreement is nobody's task."""
    services = (
        DigitalService.objects.filter(
            huvudman=huvudman, dpa_signed=True, dpa_expires__lte=today + AGREEMENT_NOTICE
        )
        .exclude(status=ServiceStatus.REJECTED)
        .order_by("dpa_expires", "name")
    )
    return [
        AgreementTask(
            service=service,
            expires=service.dpa_expires,
            expired=service.dpa_expires < today,
            days_left=(service.dpa_expires - today).days,
        )
        for service in services
        if service.dpa_expires is not None
    ]


def unit_for_reader(person: Person, pk: int) -> Organisation:
    """A school unit the person reaches; 404 otherwise (another huvudman's included)."""
    unit = Organisation.objects.filter(pk=pk, type=OrganisationType.SKOLENHET).first()
    if unit is None or not access.can_read(person, unit):
        raise Http404
    return unit


def unit_uses(unit: Organisation) -> QuerySet[ServiceUse]:
    return ServiceUse.objects.filter(unit=unit).select_related("service").order_by("service__name")


def declarable_services(unit: Organisation) -> QuerySet[DigitalService]:
    """The huvudman's services the unit has not declared yet."""
    declared = ServiceUse.objects.filter(unit=unit).values("service_id")
    return (
        DigitalService.objects.filter(huvudman_id=unit.huvudman_id).exclude(pk__in=declared).order_by("name")
    )


def declared_service(unit: Organisation, service_pk: int) -> DigitalService:
    """A service of the unit's huvudman; 404 for another huvudman's."""
    service = DigitalService.objects.filter(pk=service_pk, huvudman_id=unit.huvudman_id).first()
    if service is None:
        raise Http404
    return service
