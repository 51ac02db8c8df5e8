"""Audit rows for a bulk write (an import of 150,000 people): the same rows audit_record writes,
inserted a few thousand at a time in the caller's transaction."""

from digiplan.audit.models import AuditEvent
from digiplan.lib.bulk import bulk_insert


class AuditWriter:
    """Collects audit rows for a bulk write and inserts them a few thousand at a time, in the
    caller's transaction. The rows read as those audit_record writes."""

    COLUMNS = [
        "huvudman_id",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "changes",
    ]

    def __init__(self, *, huvudman, actor, source: str, batch: int = 5000):
        self.huvudman_id = huvudman.pk
        self.actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
        self.actor_label = (str(actor) if actor else "system")[:200]
        self.source = source
        self.batch = batch
        self.pending: list[tuple] = []
        self.count = 0

    def add(self, action: str, object_type: str, object_id, label: str, before=None, after=None) -> None:
        self.pending.append(
            (
                self.huvudman_id,
                self.actor_id,
                self.actor_label,
                action,
                object_type,
                str(object_id),
                (label or "")[:200],
                {"before": before or {}, "after": after or {}, "source": self.source},
            )
        )
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.count += bulk_insert(AuditEvent, self.COLUMNS, self.pending)
            self.pending = []
