"""A person's right to erasure (DESIGN, "Privacy"), and the audited download of their data.

Erasure keeps the organisation's history (response rates, the audit trail, plans) while removing
the person from it. The privacy app erases the person's row, roles, sign-ins and sessions and
replaces their name in every text column (mentions.py); each app above removes its own links
and reaches what that search cannot read, through its registered part (registry.py)."""

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from digiplan.audit.models import AuditEvent
from digiplan.audit.services import audit_record
from digiplan.organisations.models import Person
from digiplan.privacy import mentions
from digiplan.privacy.registry import personal_data
from digiplan.privacy.selectors import identity_of, person_data, sessions_of

ERASED_NAME = "Raderad person"
REPLACEMENT = mentions.REPLACEMENT
ERROR_ERASE_SELF = _("You cannot erase yourself. Ask another strategist.")
ERROR_CONFIRM = _("Write the person's e-mail address to confirm.")


def person_data_export(*, actor: Person | None, person: Person) -> dict[str, Any]:
    """The person's file, asked for by a strategist (a request under the GDPR right of access):
    the request is audited."""
    with transaction.atomic():
        audit_record(actor=actor, huvudman=person.huvudman, action="person.export_data", obj=person)
    return person_data(person)


def person_erase(*, actor: Person | None, person: Person, confirm_email: str) -> Person:
    """Removes the person's identity and roles, and their name from everything written about
    them. Kept, without them: the fact that someone was asked (response rates stay true),
    activities (without their name), what they wrote (under the erased label) and the audit
    trail (their name replaced). The registered parts do the rest (import previews of the
    huvudman cancelled, sealed comments rewritten, the reports' stored ZIPs deleted)."""
    if actor is not None and getattr(actor, "pk", None) == person.pk:
        raise ValidationError(ERROR_ERASE_SELF)
    if (confirm_email or "").strip().lower() != person.email.lower():
        raise ValidationError({"confirm_email": ERROR_CONFIRM})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        identity = identity_of(person)
        huvudman_id = person.huvudman_id
        label = f"{ERASED_NAME} #{person.pk}"

        counts = {"memberships_removed": person.memberships.count()}
        for part in personal_data:
            if part.unlink is not None:
                counts.update(part.unlink(person=person, label=label))
        person.memberships.all().delete()
        person.plan_groups.clear()  # the groups a plan gives duties to name them no longer
        AuditEvent.objects.filter(actor=person).update(actor_label=label)
        AuditEvent.objects.filter(object_type="person", object_id=str(person.pk)).update(object_label=label)
        counts["sessions_ended"] = _sessions_end(person, identity)
        _forget_sign_in_attempts(person.email)

        person.name, person.email = label, f"raderad-{person.pk}@raderad.invalid"
        person.external_id, person.principal_name = "", ""
        person.is_active, person.last_login = False, None
        person.set_unusable_password()
        person.save()
        rewritten = mentions.mentions_replace(identity=identity, huvudman_id=huvudman_id)
        counts["texts_rewritten"] = sum(rewritten.values())
        for part in personal_data:
            if part.scrub is not None:
                counts.update(part.scrub(huvudman_id=huvudman_id, rewritten=rewritten, identity=identity))
        audit_record(
            actor=actor,
            huvudman=person.huvudman,
            action="person.erase",
            obj=person,
            object_label=label,
            extra=counts,
        )
    return person


def _sessions_end(person: Person, identity: mentions.Identity) -> int:
    """Signs the person out everywhere, and ends any session whose data names them (a message
    waiting to be shown)."""
    ended = [s.pk for s in sessions_of(person, also_mentioning=identity.pattern())]
    if not ended:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    deleted: int = store.get_model_class().objects.filter(pk__in=ended).delete()[0]
    return deleted


def _forget_sign_in_attempts(email: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=email).delete()
