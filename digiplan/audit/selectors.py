"""Reads of the audit trail."""

from datetime import datetime

from django.db.models import QuerySet

from digiplan.audit.models import AuditEvent


def audit_events(
    *,
    huvudman_id: int,
    actor_label: str = "",
    object_type: str = "",
    object_label: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The huvudman's events, newest first (the model's order), narrowed by a word of who did
    it, the kind of object, a word of the object's label and a time span (each when given)."""
    events = AuditEvent.objects.filter(huvudman_id=huvudman_id)
    if actor_label:
        events = events.filter(actor_label__icontains=actor_label)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_label:
        events = events.filter(object_label__icontains=object_label)
    if start:
        events = events.filter(created_at__gte=start)
    if end:
        events = events.filter(created_at__lte=end)
    return events
