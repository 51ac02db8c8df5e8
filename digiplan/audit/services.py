"""Every write service calls audit_record inside its own transaction."""

from typing import Any

from django.db import transaction

from digiplan.audit.models import AuditEvent

SYSTEM_ACTOR = "system"


def _label(value: Any) -> str:
    return str(value)[:200]


def audit_record(
    *,
    actor,
    huvudman,
    action: str,
    obj=None,
    object_type: str = "",
    object_label: str = "",
    before: dict | None = None,
    after: dict | None = None,
    extra: dict | None = None,
) -> AuditEvent:
    assert transaction.get_connection().in_atomic_block, "audit rows go in the write's transaction"
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
    return AuditEvent.objects.create(
        huvudman=huvudman,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=_label(actor) if actor is not None else SYSTEM_ACTOR,
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=_label(object_label or (obj if obj is not None else "")),
        changes=changes,
    )
