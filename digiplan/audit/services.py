"""Every write service calls audit_record inside its own transaction."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Model

from digiplan.audit.models import AuditEvent

SYSTEM_ACTOR = "system"
ERROR_OUTSIDE_TRANSACTION = "audit_record must run inside the write's transaction"


class AuditOutsideTransactionError(RuntimeError):
    """A write and its audit row are saved together or not at all: outside the write's
    transaction.atomic() one could be saved without the other. An exception, not an `assert`,
    so that `python -O` keeps the check."""


def _label(value: object) -> str:
    return str(value)[:200]


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    huvudman: Model | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransactionError(ERROR_OUTSIDE_TRANSACTION)
    changes: dict[str, Any] = {}
    if before is not None or after is not None:
        before, after = before or {}, after or {}
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        changes = {
            "before": {k: before.get(k) for k in sorted(changed) if k in before},
            "after": {k: after.get(k) for k in sorted(changed) if k in after},
        }
    if extra:
        changes.update(extra)
    # The event's foreign keys name organisations' models as strings ("organisations.Huvudman",
    # AUTH_USER_MODEL): audit, below every app, imports none of them, so mypy sees plain models.
    return AuditEvent.objects.create(  # type: ignore[misc]
        huvudman=huvudman,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=_label(actor) if actor is not None else SYSTEM_ACTOR,
        action=action,
        object_type=object_type or (obj._meta.model_name or "" if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=_label(object_label or (obj if obj is not None else "")),
        changes=changes,
    )
