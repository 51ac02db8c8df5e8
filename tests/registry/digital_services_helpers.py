"""Entries of the register of digital services, made through the services as the app makes them."""

import datetime

from digiplan.registry.digital_models import DigitalService, ServiceStatus
from digiplan.registry.digital_services import service_propose, service_review

TODAY = datetime.date(2026, 12, 3)

# An entry a data protection officer would approve: pupils' data, a legal basis, a signed
# agreement running well past TODAY, a retention rule, data kept in the EU.
VALID = {
    "name": "Lärplattformen",
    "supplier": "Skolsystem AB",
    "purpose": "Uppgifter, inlämningar och omdömen",
    "pupil_school_forms": ["GR"],
    "for_staff": True,
    "for_guardians": True,
    "data_categories": "namn, klass, inlämningar, omdömen",
    "pupil_data": True,
    "legal_basis": "public_task",
    "dpa_signed": True,
    "dpa_expires": datetime.date(2030, 6, 30),
    "retention_rule": "Gallras ett år efter att eleven slutat",
    "data_location": "eu_eea",
}


def make_service(
    world, *, status: str = ServiceStatus.PROPOSED, reasons: str = "", **values
) -> DigitalService:
    """A service of the world's huvudman (or of `huvudman=`), taken through the review to status."""
    huvudman = values.pop("huvudman", world.huvudman)
    strategist = world.strategist if huvudman == world.huvudman else world.other_strategist
    service = service_propose(huvudman=huvudman, actor=strategist, values={**VALID, **values})
    if status == ServiceStatus.PROPOSED:
        return service
    service_review(
        service=service, actor=strategist, status=ServiceStatus.UNDER_REVIEW, reasons="", today=TODAY
    )
    if status != ServiceStatus.UNDER_REVIEW:
        reasons = reasons or ("Endast för GR" if status != ServiceStatus.APPROVED else "")
        service_review(service=service, actor=strategist, status=status, reasons=reasons, today=TODAY)
    service.refresh_from_db()
    return service
