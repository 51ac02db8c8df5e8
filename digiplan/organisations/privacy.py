"""A person's right to their data (DESIGN, "Privacy"): everything stored about them, as one
file, and erasure that keeps the organisation's history (response rates, the audit trail, plans)
while removing the person from it.

Answers are not part of either: they were never linked to a person (see assessments.models)."""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.assessments.models import Draft, LeaderRating, Participation
from digiplan.audit.models import AuditEvent
from digiplan.audit.services import audit_record
from digiplan.organisations.models import Person
from digiplan.plans.models import Activity, CalendarFeed, ProgressNote

ERASED_NAME = "Raderad person"
ERROR_ERASE_SELF = _("You cannot erase yourself. Ask another strategist.")
ERROR_CONFIRM = _("Write the person's e-mail address to confirm.")


def _when(value) -> str | None:
    return value.isoformat() if value else None


def person_data(person: Person) -> dict:
    """Everything stored about the person, as plain data for a JSON download."""
    return {
        "format": "digiplan-person-data/1",
        "exported_at": timezone.now().isoformat(),
        "person": {"name": person.name, "email": person.email, "external_id": person.external_id,
                   "active": person.is_active, "created_at": _when(person.created_at),
                   "last_login": _when(person.last_login),
                   "huvudman": person.huvudman.name if person.huvudman_id else None},
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role, "title": m.role_label,
             "teaching": m.is_teaching, "since": _when(m.created_at)}
            for m in person.memberships.select_related("organisation", "title")],
        # Whether the person was asked and has answered; what they answered is not linked to
        # them anywhere, so it cannot be part of this file.
        "self_assessments": [
            {"campaign": str(p.campaign), "unit": p.unit.name, "answered": p.answered,
             "invited_at": _when(p.invited_at), "reminded_at": _when(p.reminded_at)}
            for p in Participation.objects.filter(person=person).select_related("campaign",
                                                                                "unit")],
        "leader_ratings_submitted": [
            {"campaign": str(r.campaign), "unit": r.unit.name, "submitted_at": _when(
                r.submitted_at)}
            for r in LeaderRating.objects.filter(submitted_by=person).select_related("campaign",
                                                                                     "unit")],
        "activities": [
            {"title": a.title, "plan": a.plan.title, "unit": a.plan.organisation.name,
             "responsible": a.owner_id == person.pk, "due": _when(a.due_on), "status": a.status}
            for a in Activity.objects.filter(Q(owner=person) | Q(participants=person))
            .distinct().select_related("plan__organisation")],
        "progress_notes": [
            {"activity": n.activity.title, "text": n.text, "written_at": _when(n.created_at)}
            for n in ProgressNote.objects.filter(author=person).select_related("activity")],
        "calendar_address": CalendarFeed.objects.filter(person=person).exists(),
        "audit_trail": [
            {"time": _when(e.created_at), "action": e.action, "object": e.object_label,
             "by_the_person": e.actor_id == person.pk}
            for e in AuditEvent.objects.filter(Q(actor=person) | Q(object_type="person",
                                                                   object_id=str(person.pk)))
            .order_by("created_at", "pk")],
    }


def _scrub(value, secrets: list[str], replacement: str):
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, replacement)
        return value
    if isinstance(value, list):
        return [_scrub(v, secrets, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets, replacement) for k, v in value.items()}
    return value


def person_erase(*, actor, person: Person, confirm_email: str) -> Person:
    """Removes the person's identity and roles. Kept, without them: the fact that someone was
    asked (response rates stay true), activities (without their name), and the audit trail
    (their name and e-mail replaced)."""
    if actor is not None and getattr(actor, "pk", None) == person.pk:
        raise ValidationError(ERROR_ERASE_SELF)
    if (confirm_email or "").strip().lower() != person.email.lower():
        raise ValidationError({"confirm_email": ERROR_CONFIRM})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        secrets = [s for s in {person.name, person.email, person.external_id} if s]
        secrets.sort(key=len, reverse=True)  # the e-mail may contain the name: longest first
        label = f"{ERASED_NAME} #{person.pk}"

        Draft.objects.filter(token_hash__in=Participation.objects.filter(person=person)
                             .values("token_hash")).delete()
        LeaderRating.objects.filter(submitted_by=person).update(submitted_by=None)
        ProgressNote.objects.filter(author=person).update(author=None, author_name=label)
        Activity.objects.filter(owner=person).update(owner=None)
        Activity.participants.through.objects.filter(person=person).delete()
        CalendarFeed.objects.filter(person=person).delete()
        memberships = person.memberships.count()
        person.memberships.all().delete()

        mentions = AuditEvent.objects.annotate(text=Cast("changes", TextField())).filter(
            Q(actor=person) | Q(object_type="person", object_id=str(person.pk))
            | Q(actor_label__in=secrets) | Q(object_label__in=secrets)
            | _any_contains("text", secrets) | _any_contains("object_label", secrets))
        for event in mentions:
            event.actor_label = _scrub(event.actor_label, secrets, label)
            event.object_label = _scrub(event.object_label, secrets, label)
            event.changes = _scrub(event.changes, secrets, label)
            event.save(update_fields=["actor_label", "object_label", "changes"])

        _forget_sign_in_attempts(person.email)
        person.name, person.email = label, f"raderad-{person.pk}@raderad.invalid"
        person.external_id, person.is_active, person.last_login = "", False, None
        person.set_unusable_password()
        person.save()
        audit_record(actor=actor, huvudman=person.huvudman, action="person.erase", obj=person,
                     object_label=label, extra={"memberships_removed": memberships})
    return person


def _any_contains(field: str, secrets: list[str]) -> Q:
    query = Q(pk__in=[])
    for secret in secrets:
        # JSON text escapes non-ASCII characters: look for the escaped form as well.
        for form in {secret, json.dumps(secret)[1:-1]}:
            query |= Q(**{f"{field}__contains": form})
    return query


def _forget_sign_in_attempts(email: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=email).delete()
