"""A huvudman that leaves: every row it owns deleted in one transaction, and what the shared
tables hold of it (its people's sessions, sign-in records, drafts, queued tasks, the operator's
audit rows that name it).

Which rows a huvudman owns is not listed here, so that the next model is not forgotten: each
model's way to its huvudman is found by privacy.mentions.tenant_path, the same walk person
erasure uses, and tests/privacy checks that every model has one or is knowingly shared. Rows
are deleted children first (a row before the rows its way to the huvudman runs through), with
the foreign keys checked at commit (Django declares them deferred on PostgreSQL and SQLite).
Afterwards every foreign key that points at a deleted row is followed: SET_NULL is applied,
CASCADE deletes, anything else (a row of another huvudman that needs this one's) stops the
whole deletion, rolled back.

What is kept is one audit row of no huvudman (action huvudman.delete) with the huvudman's id
("#12") and the number of rows deleted per table, and one log line with the same: neither the
name, the organisation number nor anything of its people. The cache is cleared after the commit
(cached public PDFs and pages may show the huvudman)."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext as _

from digiplan.assessments.models import Draft, Participation
from digiplan.audit.models import AuditEvent
from digiplan.audit.services import audit_record
from digiplan.comparison.models import ComparisonConsent
from digiplan.comparison.services import comparison_build
from digiplan.organisations.models import Huvudman, Person
from digiplan.privacy.mentions import tenant_path
from digiplan.reports.models import PublicReport
from digiplan.reports.privacy import _forget_public_pdfs

logger = logging.getLogger("digiplan.operations")

# Tasks whose arguments name an object of one huvudman: (task path, model, argument).
TASK_ARGUMENTS = {
    "digiplan.assessments.tasks.send_invitations": ("assessments.campaign", "campaign_id", 0),
    "digiplan.assessments.tasks.send_reminders": ("assessments.campaign", "campaign_id", 0),
    "digiplan.accounts.tasks.send_password_reset": ("organisations.person", "person_id", 0),
    "digiplan.onboarding.tasks.send_invitation": ("organisations.person", "person_id", 0),
    "digiplan.reports.tasks.build_report_archive": ("reports.reportarchive", "archive_id", 0),
}


class DeletionRefused(Exception):
    """Rows of another huvudman need this one's; nothing was deleted."""


def owned_models() -> list[tuple[type[models.Model], str]]:
    """(model, lookup to its huvudman) of every table a huvudman owns rows in, in an order
    where each model comes before every model its lookup runs through."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        path = tenant_path(model)
        if path is not None:
            found[model] = path[0]
    through: dict[type[models.Model], set[type[models.Model]]] = {}
    for model, lookup in found.items():
        steps: set[type[models.Model]] = set()
        current: Any = model
        for name in lookup.split("__")[:-1]:
            current = current._meta.get_field(name).related_model
            steps.add(current)
        through[model] = steps
    ordered: list[tuple[type[models.Model], str]] = []
    placed: set[type[models.Model]] = set()
    while len(ordered) < len(found):
        # A model goes once no model not yet placed runs through it.
        ready = [
            m
            for m in found
            if m not in placed and not any(m in through[o] for o in found if o not in placed and o is not m)
        ]
        if not ready:
            raise RuntimeError(f"the ways to the huvudman form a cycle: {set(found) - placed}")
        for model in sorted(ready, key=lambda m: m._meta.label_lower):
            ordered.append((model, found[model]))
            placed.add(model)
    return ordered


def huvudman_delete(*, huvudman: Huvudman, actor: Person | None = None) -> Counter:
    """Deletes the huvudman and everything it owns; returns the rows deleted per table."""
    with transaction.atomic():
        huvudman = Huvudman.objects.select_for_update().get(pk=huvudman.pk)
        people = list(Person.objects.filter(huvudman=huvudman).values_list("pk", "email"))
        needles = [huvudman.name, huvudman.organisation_number, *(email for _pk, email in people)]
        shared_in_comparison = ComparisonConsent.objects.filter(huvudman=huvudman).exists()
        tokens = list(PublicReport.objects.filter(huvudman=huvudman).values_list("token", flat=True))
        deleted: Counter = Counter()
        deleted.update(_shared_rows(huvudman, people, needles))
        for model, lookup in owned_models():
            count = model._base_manager.filter(**{lookup: huvudman.pk})._raw_delete(model._base_manager.db)
            if count:
                deleted[model._meta.db_table] += count
        deleted.update(_follow_references(set(deleted)))
        if shared_in_comparison:
            comparison_build()  # its figures were made with this huvudman's
        audit_record(
            actor=actor,
            huvudman=None,
            action="huvudman.delete",
            object_type="huvudman",
            object_label=f"#{huvudman.pk}",
            extra={"rows_deleted": dict(sorted(deleted.items()))},
        )
        transaction.on_commit(lambda: _forget_public_pdfs(tokens))
        # Pages and figures kept in the cache may show it: a rare event, so all of it goes.
        transaction.on_commit(cache.clear)
    # WARNING: seen at the default log level; an operator wants to see every deletion.
    logger.warning(
        "huvudman.delete id=%s rows=%s tables=%s",
        huvudman.pk,
        sum(deleted.values()),
        json.dumps(dict(deleted)),
    )
    return deleted


def _shared_rows(huvudman: Huvudman, people: list[tuple[int, str]], needles: list[str]) -> Counter:
    """What the tables of no huvudman hold of this one, deleted while its rows still exist.
    Subqueries, not lists: a large huvudman has tens of thousands of people."""
    deleted: Counter = Counter()
    ids = {pk for pk, _email in people}
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    deleted["assessments_draft"] = Draft.objects.filter(
        token_hash__in=Participation.objects.filter(campaign__huvudman=huvudman).values("token_hash")
    ).delete()[0]
    deleted["django_session"] = _sessions_delete(ids, pattern)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    emails = Person.objects.filter(huvudman=huvudman).values("email")
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        deleted[model._meta.db_table] = model.objects.filter(username__in=emails).delete()[0]
    deleted.update(_tasks_delete(huvudman))
    # The operator's rows of no huvudman that name it or its people (its creation, say): few,
    # so read in Python, with the JSON as text.
    events = AuditEvent.objects.filter(huvudman__isnull=True)
    naming = [event.pk for event in events.iterator() if pattern.search(_event_text(event))]
    deleted["audit_auditevent"] = events.filter(pk__in=naming).delete()[0] if naming else 0
    return +deleted


def _event_text(event: AuditEvent) -> str:
    texts = [event.actor_label, event.object_type, event.object_id, event.object_label]
    return " ".join([*texts, json.dumps(event.changes, ensure_ascii=False, default=str)])


def _sessions_delete(ids: set[int], pattern: re.Pattern[str]) -> int:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    model = store.get_model_class()
    doomed = []
    for session in model.objects.iterator():
        data = store().decode(session.session_data)
        user = data.get("_auth_user_id")
        if (user is not None and str(user).isdigit() and int(user) in ids) or pattern.search(
            json.dumps(data, ensure_ascii=False, default=str)
        ):
            doomed.append(session.pk)
    return model.objects.filter(pk__in=doomed).delete()[0] if doomed else 0


def _tasks_delete(huvudman: Huvudman) -> Counter:
    """Queued and finished tasks whose arguments name one of the huvudman's objects."""
    if not apps.is_installed("django_tasks_db"):
        return Counter()
    from django_tasks_db.models import DBTaskResult

    owners = {}
    for label in {label for label, _name, _index in TASK_ARGUMENTS.values()}:
        model: Any = apps.get_model(label)
        owners[label] = set(
            model._base_manager.filter(**{tenant_path(model)[0]: huvudman.pk}).values_list("pk", flat=True)  # type: ignore[index]
        )
    doomed = []
    for task in DBTaskResult.objects.filter(task_path__in=TASK_ARGUMENTS).only(
        "pk", "task_path", "args_kwargs"
    ):
        label, name, index = TASK_ARGUMENTS[task.task_path]
        arguments = task.args_kwargs or {}
        args, kwargs = arguments.get("args", []), arguments.get("kwargs", {})
        value = kwargs.get(name, args[index] if len(args) > index else None)
        if value in owners[label]:
            doomed.append(task.pk)
    count = DBTaskResult.objects.filter(pk__in=doomed).delete()[0] if doomed else 0
    return Counter({DBTaskResult._meta.db_table: count})


def _follow_references(tables: set[str]) -> Counter:
    """Every foreign key to a table rows went from, followed until nothing points at a row
    that is gone. Raises DeletionRefused when a row that must not change needs one."""
    changed: Counter = Counter()
    pending = set(tables)
    models_by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    while pending:
        targets = {models_by_table[t] for t in pending if t in models_by_table}
        pending = set()
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model if field.many_to_one or field.one_to_one else None
                if target not in targets:
                    continue
                remote = target._base_manager.values(field.target_field.attname)  # type: ignore[attr-defined]
                dangling = model._base_manager.filter(**{f"{field.attname}__isnull": False}).exclude(
                    **{f"{field.attname}__in": remote}
                )
                if not dangling.exists():
                    continue
                on_delete = field.remote_field.on_delete  # type: ignore[union-attr]
                if on_delete is models.SET_NULL:
                    dangling.update(**{field.attname: None})
                elif on_delete is models.CASCADE:
                    changed[model._meta.db_table] += dangling._raw_delete(model._base_manager.db)
                    pending.add(model._meta.db_table)
                else:
                    raise DeletionRefused(
                        _("%(count)s rows of %(table)s, which this huvudman does not own, need its rows.")
                        % {"count": dangling.count(), "table": model._meta.db_table}
                    )
    return changed
