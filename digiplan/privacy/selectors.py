"""A person's right of access (DESIGN, "Privacy"): everything stored about them, as one file.

The file is made of the privacy app's own part (the person, their roles, sign-ins, sessions and
the audit trail) and the parts of the apps above, registered in registry.personal_data. Any
other row linked to the person is listed under "other_records": a new model is never left out.

Answers are not part of it: they were never linked to a person (see assessments.models)."""

import datetime
import json
import re
from collections.abc import Iterator
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Person
from digiplan.privacy import mentions
from digiplan.privacy.registry import personal_data

# Links to a person that the file shows in the privacy app's own sections; the registered parts
# name theirs (PersonalData.shown_links).
OWN_SECTIONS = {
    ("organisations.membership", "person"),
    ("audit.auditevent", "actor"),
}


def when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def identity_of(person: Person) -> mentions.Identity:
    return mentions.Identity(
        name=person.name,
        email=person.email,
        external_id=person.external_id,
        principal_name=person.principal_name,
    )


def person_data(person: Person) -> dict[str, Any]:
    """Everything stored about the person, as plain data for a JSON download."""
    data: dict[str, Any] = {
        "format": "digiplan-person-data/2",
        "exported_at": timezone.now().isoformat(),
        "person": {
            "name": person.name,
            "email": person.email,
            "external_id": person.external_id,
            "principal_name": person.principal_name,
            "active": person.is_active,
            "created_at": when(person.created_at),
            "last_login": when(person.last_login),
            "huvudman": person.huvudman.name if person.huvudman is not None else None,
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "title": m.role_label,
                "teaching": m.is_teaching,
                "since": when(m.created_at),
            }
            for m in person.memberships.select_related("organisation", "title")
        ],
        "groups": [group.name for group in person.plan_groups.order_by("name")],
    }
    for part in personal_data:
        if part.export is not None:
            data.update(part.export(person))
    data.update(_sign_in_data(person.email))
    data["sessions"] = [
        {"expires_at": when(s.expire_date)} for s in sessions_of(person) if s.expire_date > timezone.now()
    ]
    data["audit_trail"] = [
        {
            "time": when(e.created_at),
            "action": e.action,
            "object": e.object_label,
            "by_the_person": e.actor_id == person.pk,
        }
        for e in _audit_about(person).order_by("created_at", "pk")
    ]
    data["other_records"] = _other_records(person)
    return data


def _sign_in_data(email: str) -> dict[str, list[dict[str, Any]]]:
    """django-axes' rows about the account name: sign-ins, failed attempts and lockouts."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def rows(model: type[models.Model]) -> models.QuerySet[Any]:
        return model._default_manager.filter(username__iexact=email).order_by("attempt_time", "pk")

    return {
        "sign_ins": [
            {
                "time": when(r.attempt_time),
                "signed_out": when(r.logout_time),
                "address": r.ip_address,
                "browser": r.user_agent,
            }
            for r in rows(AccessLog)
        ],
        "failed_sign_ins": [
            {
                "time": when(r.attempt_time),
                "address": r.ip_address,
                "browser": r.user_agent,
                "locked_out": r.locked_out,
            }
            for r in rows(AccessFailureLog)
        ],
        "sign_in_lockouts": [
            {
                "time": when(r.attempt_time),
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


def _other_records(person: Person) -> list[dict[str, object]]:
    from django.apps import apps

    shown = OWN_SECTIONS | personal_data.shown_links()
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                not isinstance(field, models.Field)  # reverse relations: the other model's fields
                or not (field.many_to_one or field.many_to_many or field.one_to_one)
                or field.auto_created
                or field.related_model is not Person
            ):
                continue
            if (model._meta.label_lower, field.name) in shown:
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


def sessions_of(
    person: Person, also_mentioning: re.Pattern[str] | None = None
) -> Iterator[AbstractBaseSession]:
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
