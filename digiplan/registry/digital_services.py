"""Writes to the register of digital services: entries, their review and the units' declarations.
Each runs in one transaction together with its audit row, and checks who may do it itself, so
that no caller (a view, a command, a future API) can skip the rule."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.organisations import access
from digiplan.organisations.models import Huvudman, Organisation, Person, Role
from digiplan.registry.digital_checks import approval_blockers, field_errors
from digiplan.registry.digital_models import (
    DECIDED_STATUSES,
    ERROR_NAME_TAKEN,
    DigitalService,
    ServiceReview,
    ServiceStatus,
    ServiceUse,
    name_key,
)

# What a register entry says; everything else (status, decision) only the review changes.
SERVICE_FIELDS = (
    "name",
    "supplier",
    "purpose",
    "pupil_school_forms",
    "for_staff",
    "for_guardians",
    "data_categories",
    "pupil_data",
    "sensitive_data",
    "legal_basis",
    "dpa_signed",
    "dpa_expires",
    "dpia_done",
    "dpia_date",
    "dpia_reference",
    "data_location",
    "third_country",
    "transfer_basis",
    "retention_rule",
    "integrates_ss12000",
    "integrates_sign_in",
    "other_integrations",
)

# Which review step may follow which: a decision comes only after a review has started, and a
# decided service can be taken back under review (a new agreement, a changed supplier).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ServiceStatus.PROPOSED: (ServiceStatus.UNDER_REVIEW, ServiceStatus.REJECTED),
    ServiceStatus.UNDER_REVIEW: DECIDED_STATUSES,
    ServiceStatus.APPROVED: (ServiceStatus.UNDER_REVIEW,),
    ServiceStatus.APPROVED_WITH_CONDITIONS: (ServiceStatus.UNDER_REVIEW,),
    ServiceStatus.REJECTED: (ServiceStatus.UNDER_REVIEW,),
}
PROPOSER_ROLES = (Role.STRATEGIST, Role.UNIT_LEADER, Role.COORDINATOR)

ERROR_NOT_STRATEGIST = _("Only a strategist of the school organiser decides on a service.")
ERROR_MAY_NOT_PROPOSE = _("Only a strategist, a unit leader or a coordinator may propose a service.")
ERROR_MAY_NOT_DECLARE = _("Only the unit's leader or a strategist may declare what the unit uses.")
ERROR_TRANSITION = _("A service that is “%(current)s” cannot become “%(new)s”.")
ERROR_REASONS_MISSING = _("Give the reasons for the decision.")
ERROR_CONDITIONS_MISSING = _("Write the conditions of the approval.")
ERROR_NOT_A_UNIT = _("Only a school unit declares the services it uses.")
ERROR_CHANGED_SINCE = _(
    "Someone else changed the service while you were editing it. Nothing was saved: look at the "
    "service as it is now and make your change again."
)
ERROR_ALREADY_DECLARED = _("The unit has already declared this service.")

# One audit action per review step, each with its label in audit/labels.py.
REVIEW_ACTIONS: dict[str, str] = {
    ServiceStatus.PROPOSED: "digital_service.proposed",
    ServiceStatus.UNDER_REVIEW: "digital_service.under_review",
    ServiceStatus.APPROVED: "digital_service.approved",
    ServiceStatus.APPROVED_WITH_CONDITIONS: "digital_service.approved_with_conditions",
    ServiceStatus.REJECTED: "digital_service.rejected",
}


def service_snapshot(service: DigitalService) -> dict[str, Any]:
    values = {name: getattr(service, name) for name in SERVICE_FIELDS}
    for name in ("dpa_expires", "dpia_date"):
        values[name] = values[name].isoformat() if values[name] else None
    values["status"] = service.status
    return values


def _require_strategist_of(actor: Person, huvudman_id: int) -> None:
    if not (access.is_strategist(actor) and actor.huvudman_id == huvudman_id):
        raise PermissionDenied(ERROR_NOT_STRATEGIST)


def may_propose(person: Person, huvudman_id: int) -> bool:
    return person.huvudman_id == huvudman_id and bool(access.membership_paths(person, PROPOSER_ROLES))


def may_declare(person: Person, unit: Organisation) -> bool:
    if not person.is_authenticated or unit.huvudman_id != person.huvudman_id:
        return False
    roles = (Role.STRATEGIST, Role.UNIT_LEADER)
    return any(unit.path.startswith(path) for path in access.membership_paths(person, roles))


def validate_service(service: DigitalService) -> None:
    """Model validation and the data protection checks together, so that a form shows both."""
    errors: dict[str, list[str]] = {}
    try:
        service.full_clean(exclude=["huvudman", "proposed_by", "name_key"], validate_constraints=False)
    except ValidationError as invalid:
        for field, messages in invalid.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    for field, messages in field_errors(service).items():
        errors.setdefault(field, []).extend(messages)
    service.name_key = name_key(service.name)
    others = DigitalService.objects.filter(huvudman_id=service.huvudman_id, name_key=service.name_key)
    if others.exclude(pk=service.pk).exists():
        errors.setdefault("name", []).append(str(ERROR_NAME_TAKEN))
    if errors:
        raise ValidationError(errors)


def _apply(service: DigitalService, values: dict[str, Any]) -> None:
    for name in SERVICE_FIELDS:
        if name in values:
            setattr(service, name, values[name])


@transaction.atomic
def service_propose(*, huvudman: Huvudman, actor: Person, values: dict[str, Any]) -> DigitalService:
    """A new entry, proposed for review. ValidationError (by field) when it cannot be saved."""
    if not may_propose(actor, huvudman.pk):
        raise PermissionDenied(ERROR_MAY_NOT_PROPOSE)
    service = DigitalService(huvudman=huvudman, proposed_by=actor)
    _apply(service, values)
    validate_service(service)
    service.save()
    ServiceReview.objects.create(service=service, status=ServiceStatus.PROPOSED, actor=actor)
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="digital_service.proposed",
        obj=service,
        after=service_snapshot(service),
    )
    return service


@transaction.atomic
def service_update(
    *, service: DigitalService, actor: Person, values: dict[str, Any], seen: datetime.datetime | None = None
) -> DigitalService:
    """Changes what the entry says (the strategist's task); the status stays as it is. seen: when
    the entry was last changed as the editor saw it; if it has changed since, nothing is saved,
    so that two strategists editing at once never silently overwrite each other."""
    _require_strategist_of(actor, service.huvudman_id)
    service = DigitalService.objects.select_for_update().get(pk=service.pk)
    if seen is not None and service.updated_at != seen:
        raise ValidationError(ERROR_CHANGED_SINCE)
    before = service_snapshot(service)
    _apply(service, values)
    validate_service(service)
    service.save()
    audit_record(
        actor=actor,
        huvudman=service.huvudman,
        action="digital_service.changed",
        obj=service,
        before=before,
        after=service_snapshot(service),
    )
    return service


def _check_decision(service: DigitalService, status: str, reasons: str, today: datetime.date) -> None:
    if status not in TRANSITIONS.get(service.status, ()):
        labels = dict(ServiceStatus.choices)
        raise ValidationError(
            ERROR_TRANSITION % {"current": labels.get(service.status, ""), "new": labels.get(status, status)}
        )
    if status == ServiceStatus.APPROVED_WITH_CONDITIONS and not reasons.strip():
        raise ValidationError({"reasons": [str(ERROR_CONDITIONS_MISSING)]})
    if status in DECIDED_STATUSES and not reasons.strip() and status != ServiceStatus.APPROVED:
        raise ValidationError({"reasons": [str(ERROR_REASONS_MISSING)]})
    if status in (ServiceStatus.APPROVED, ServiceStatus.APPROVED_WITH_CONDITIONS):
        blockers = approval_blockers(service, today)
        if blockers:
            raise ValidationError(blockers)


@transaction.atomic
def service_review(
    *, service: DigitalService, actor: Person, status: str, reasons: str, today: datetime.date
) -> ServiceReview:
    """One step of the review, with its reasons. Only a strategist of the huvudman takes it; an
    approval waits until nothing blocks it (digital_checks.approval_blockers)."""
    _require_strategist_of(actor, service.huvudman_id)
    service = DigitalService.objects.select_for_update().get(pk=service.pk)
    _check_decision(service, status, reasons, today)
    before = service.status
    service.status = status
    if status in DECIDED_STATUSES:
        service.decision_text = reasons.strip()
        service.decided_on = today
    service.save(update_fields=["status", "decision_text", "decided_on", "updated_at"])
    review = ServiceReview.objects.create(
        service=service, status=status, reasons=reasons.strip(), actor=actor
    )
    audit_record(
        actor=actor,
        huvudman=service.huvudman,
        action=REVIEW_ACTIONS[status],
        obj=service,
        before={"status": before},
        after={"status": status},
        extra={"reasons": reasons.strip()},
    )
    return review


@transaction.atomic
def service_use_declare(*, unit: Organisation, service: DigitalService, actor: Person) -> ServiceUse:
    """The unit uses the service, approved or not: an unapproved one is a deviation to see."""
    if not unit.is_unit:
        raise ValidationError(ERROR_NOT_A_UNIT)
    _require_declarer(actor, unit, service)
    if ServiceUse.objects.filter(unit=unit, service=service).exists():
        raise ValidationError(ERROR_ALREADY_DECLARED)
    use = ServiceUse.objects.create(unit=unit, service=service, declared_by=actor)
    _audit_use(actor, unit, service, "digital_service.declared")
    return use


@transaction.atomic
def service_use_withdraw(*, unit: Organisation, service: DigitalService, actor: Person) -> int:
    """The unit no longer uses the service; 0 when it had not declared it."""
    _require_declarer(actor, unit, service)
    deleted = ServiceUse.objects.filter(unit=unit, service=service).delete()[0]
    if deleted:
        _audit_use(actor, unit, service, "digital_service.withdrawn")
    return deleted


def _require_declarer(actor: Person, unit: Organisation, service: DigitalService) -> None:
    if not may_declare(actor, unit) or service.huvudman_id != unit.huvudman_id:
        raise PermissionDenied(ERROR_MAY_NOT_DECLARE)


def _audit_use(actor: Person, unit: Organisation, service: DigitalService, action: str) -> None:
    audit_record(
        actor=actor,
        huvudman=service.huvudman,
        action=action,
        obj=service,
        extra={"unit": unit.name, "unit_id": unit.pk},
    )


@transaction.atomic
def services_import(
    *,
    huvudman: Huvudman,
    actor: Person | None,
    adds: list[dict[str, Any]],
    changes: list[tuple[DigitalService, dict[str, Any]]],
    source: str,
) -> dict[str, int]:
    """Writes a checked import plan (digital_exchange.plan_import) whole or not at all: each entry
    is validated again, and one that no longer passes (changed since the plan) undoes them all.
    New entries come in as proposed: an import never approves anything. actor None is a command
    run by the operator."""
    if actor is not None:
        _require_strategist_of(actor, huvudman.pk)
    for values in adds:
        service = DigitalService(huvudman=huvudman, proposed_by=actor)
        _apply(service, values)
        validate_service(service)
        service.save()
        ServiceReview.objects.create(service=service, status=ServiceStatus.PROPOSED, actor=actor)
    for planned, values in changes:
        service = DigitalService.objects.select_for_update().get(pk=planned.pk, huvudman=huvudman)
        _apply(service, values)
        validate_service(service)
        service.save()
    counts = {"added": len(adds), "changed": len(changes)}
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="digital_service.imported",
        object_type="digitalservice",
        object_label=source,
        extra={
            **counts,
            "names": sorted(str(v.get("name", "")) for v in adds) + [s.name for s, _ in changes],
        },
    )
    return counts
