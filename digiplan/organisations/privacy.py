"""A person's right to their data (DESIGN, "Privacy"): everything stored about them, as one
file, and erasure that keeps the organisation's history (response rates, the audit trail, plans)
while removing the person from it.

Answers are not part of either: they were never linked to a person (see assessments.models)."""

import json
from collections.abc import Callable, Iterator
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.assessments.models import Draft, LeaderRating, Participation
from digiplan.audit.models import AuditEvent
from digiplan.audit.services import audit_record
from digiplan.organisations import mentions
from digiplan.organisations.models import PendingImport, Person
from digiplan.plans.models import Activity, CalendarFeed, ProgressNote

ERASED_NAME = "Raderad person"
REPLACEMENT = mentions.REPLACEMENT
ERROR_ERASE_SELF = _("You cannot erase yourself. Ask another strategist.")
ERROR_CONFIRM = _("Write the person's e-mail address to confirm.")

# Links to a person that the file shows in their own section; any other (a campaign or plan
# they created, an archive they asked for…) is listed under "other_records".
_OWN_SECTIONS = {
    ("organisations.membership", "person"),
    ("assessments.participation", "person"),
    ("assessments.leaderrating", "submitted_by"),
    ("plans.activity", "owner"),
    ("plans.activity", "participants"),
    ("plans.progressnote", "author"),
    ("plans.calendarfeed", "person"),
    ("audit.auditevent", "actor"),
}


# Parts of erasure kept by apps above this one, which this app does not import: each registers
# its step from its AppConfig.ready(). A step runs inside the erasure's transaction, after the
# person's name has been replaced everywhere the database can read (rewritten: rows changed per
# model; identity: what to look for, mentions.Identity), and returns counts for the audit event.
ErasureStep = Callable[..., dict]
_ERASURE_STEPS: list[ErasureStep] = []


def erasure_step(step: ErasureStep) -> ErasureStep:
    if step not in _ERASURE_STEPS:
        _ERASURE_STEPS.append(step)
    return step


def _when(value) -> str | None:
    return value.isoformat() if value else None


def identity_of(person: Person) -> mentions.Identity:
    return mentions.Identity(name=person.name, email=person.email, external_id=person.external_id)


def person_data(person: Person) -> dict:
    """Everything stored about the person, as plain data for a JSON download."""
    return {
        "format": "digiplan-person-data/2",
        "exported_at": timezone.now().isoformat(),
        "person": {
            "name": person.name,
            "email": person.email,
            "external_id": person.external_id,
            "active": person.is_active,
            "created_at": _when(person.created_at),
            "last_login": _when(person.last_login),
            "huvudman": person.huvudman.name if person.huvudman_id else None,
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "title": m.role_label,
                "teaching": m.is_teaching,
                "since": _when(m.created_at),
            }
            for m in person.memberships.select_related("organisation", "title")
        ],
        # Whether the person was asked and has answered; what they answered is not linked to
        # them anywhere, so it cannot be part of this file.
        "self_assessments": [
            {
                "campaign": str(p.campaign),
                "unit": p.unit.name,
                "answered": p.answered,
                "invited_at": _when(p.invited_at),
                "reminded_at": _when(p.reminded_at),
            }
            for p in Participation.objects.filter(person=person).select_related("campaign", "unit")
        ],
        "leader_ratings_submitted": [
            {"campaign": str(r.campaign), "unit": r.unit.name, "submitted_at": _when(r.submitted_at)}
            for r in LeaderRating.objects.filter(submitted_by=person).select_related("campaign", "unit")
        ],
        "activities": [
            {
                "title": a.title,
                "plan": a.plan.title,
                "unit": a.plan.organisation.name,
                "responsible": a.owner_id == person.pk,
                "due": _when(a.due_on),
                "status": a.status,
            }
            for a in Activity.objects.filter(Q(owner=person) | Q(participants=person))
            .distinct()
            .select_related("plan__organisation")
        ],
        "progress_notes": [
            {"activity": n.activity.title, "text": n.text, "written_at": _when(n.created_at)}
            for n in ProgressNote.objects.filter(author=person).select_related("activity")
        ],
        "calendar_address": CalendarFeed.objects.filter(person=person).exists(),
        **_sign_in_data(person.email),
        "sessions": [
            {"expires_at": _when(s.expire_date)} for s in _sessions(person) if s.expire_date > timezone.now()
        ],
        "audit_trail": [
            {
                "time": _when(e.created_at),
                "action": e.action,
                "object": e.object_label,
                "by_the_person": e.actor_id == person.pk,
            }
            for e in _audit_about(person).order_by("created_at", "pk")
        ],
        "other_records": _other_records(person),
    }


def _sign_in_data(email: str) -> dict:
    """django-axes' rows about the account name: sign-ins, failed attempts and lockouts."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def rows(model):
        return model.objects.filter(username__iexact=email).order_by("attempt_time", "pk")

    return {
        "sign_ins": [
            {
                "time": _when(r.attempt_time),
                "signed_out": _when(r.logout_time),
                "address": r.ip_address,
                "browser": r.user_agent,
            }
            for r in rows(AccessLog)
        ],
        "failed_sign_ins": [
            {
                "time": _when(r.attempt_time),
                "address": r.ip_address,
                "browser": r.user_agent,
                "locked_out": r.locked_out,
            }
            for r in rows(AccessFailureLog)
        ],
        "sign_in_lockouts": [
            {
                "time": _when(r.attempt_time),
                "address": r.ip_address,
                "browser": r.user_agent,
                "failures": r.failures_since_start,
                "locked": r.failures_since_start >= settings.AXES_FAILURE_LIMIT,
                "page": r.path_info,
            }
            for r in rows(AccessAttempt)
        ],
    }


def _audit_about(person: Person) -> models.QuerySet[AuditEvent]:
    """Events the person did, events on the person or their roles, and events whose label names
    them (a role they no longer have)."""
    labels = Q(pk__in=[])
    for needle in identity_of(person).needles():
        labels |= Q(object_label__icontains=needle)
    memberships = [str(pk) for pk in person.memberships.values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(actor=person)
        | Q(object_type="person", object_id=str(person.pk))
        | Q(object_type="membership", object_id__in=memberships)
        | (Q(huvudman_id=person.huvudman_id) & labels)
    )


def _other_records(person: Person) -> list[dict]:
    from django.apps import apps

    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                not (field.many_to_one or field.many_to_many or field.one_to_one)
                or field.auto_created
                or field.related_model is not Person
            ):
                continue
            if (model._meta.label_lower, field.name) in _OWN_SECTIONS:
                continue
            for row in model._default_manager.filter(**{field.name: person}).order_by("pk"):
                found.append(
                    {
                        "type": str(model._meta.verbose_name),
                        "id": row.pk,
                        "link": str(field.verbose_name),
                        "record": str(row),
                    }
                )
    return found


# ---- Sessions ---------------------------------------------------------------------------------


def _sessions(person: Person, also_mentioning=None) -> Iterator:
    """The person's sessions and, given a pattern, any that mention them. The table keys a
    session by a random key only, so each is decoded; it holds the sessions of the last
    SESSION_IDLE_MINUTES, a small table."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):  # sessions kept outside the database
        return
    for session in store.get_model_class().objects.iterator():
        data = store().decode(session.session_data)
        if str(data.get("_auth_user_id")) == str(person.pk) or (
            also_mentioning is not None
            and also_mentioning.search(json.dumps(data, ensure_ascii=False, default=str))
        ):
            yield session


def _sessions_end(person: Person, identity: mentions.Identity) -> int:
    """Signs the person out everywhere, and ends any session whose data names them (a message
    waiting to be shown)."""
    ended = [s.pk for s in _sessions(person, also_mentioning=identity.pattern())]
    if not ended:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store.get_model_class().objects.filter(pk__in=ended).delete()[0]


# ---- Erasure ----------------------------------------------------------------------------------


def person_erase(*, actor, person: Person, confirm_email: str) -> Person:
    """Removes the person's identity and roles, and their name from everything written about
    them. Kept, without them: the fact that someone was asked (response rates stay true),
    activities (without their name), what they wrote (under the erased label) and the audit
    trail (their name replaced). Import previews of the huvudman are cancelled, since the people
    they would write may include the person; the registered steps do the rest (the reports'
    stored ZIPs)."""
    if actor is not None and getattr(actor, "pk", None) == person.pk:
        raise ValidationError(ERROR_ERASE_SELF)
    if (confirm_email or "").strip().lower() != person.email.lower():
        raise ValidationError({"confirm_email": ERROR_CONFIRM})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        identity = identity_of(person)
        huvudman_id = person.huvudman_id
        label = f"{ERASED_NAME} #{person.pk}"

        Draft.objects.filter(
            token_hash__in=Participation.objects.filter(person=person).values("token_hash")
        ).delete()
        LeaderRating.objects.filter(submitted_by=person).update(submitted_by=None)
        ProgressNote.objects.filter(author=person).update(author=None, author_name=label)
        Activity.objects.filter(owner=person).update(owner=None)
        Activity.participants.through.objects.filter(person=person).delete()
        CalendarFeed.objects.filter(person=person).delete()
        memberships = person.memberships.count()
        person.memberships.all().delete()
        AuditEvent.objects.filter(actor=person).update(actor_label=label)
        AuditEvent.objects.filter(object_type="person", object_id=str(person.pk)).update(object_label=label)
        previews = PendingImport.objects.filter(huvudman_id=huvudman_id).delete()[0]
        sessions = _sessions_end(person, identity)
        _forget_sign_in_attempts(person.email)

        person.name, person.email = label, f"raderad-{person.pk}@raderad.invalid"
        person.external_id, person.is_active, person.last_login = "", False, None
        person.set_unusable_password()
        person.save()
        rewritten = mentions.mentions_replace(identity=identity, huvudman_id=huvudman_id)
        counts = {
            "memberships_removed": memberships,
            "import_previews_cancelled": previews,
            "sessions_ended": sessions,
            "texts_rewritten": sum(rewritten.values()),
        }
        for step in _ERASURE_STEPS:
            counts.update(step(huvudman_id=huvudman_id, rewritten=rewritten, identity=identity))
        audit_record(
            actor=actor,
            huvudman=person.huvudman,
            action="person.erase",
            obj=person,
            object_label=label,
            extra=counts,
        )
    return person


def _forget_sign_in_attempts(email: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=email).delete()
