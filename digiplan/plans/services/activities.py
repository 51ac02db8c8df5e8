"""Activities: made, edited, noted on, followed up, and copied from the library."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.organisations.models import Person, RoleTitle
from digiplan.plans.models import (
    NOTE_MAX,
    Activity,
    ActivityStatus,
    Goal,
    LibraryActivity,
    Plan,
    PlanStatus,
    ProgressNote,
)
from digiplan.plans.services.checks import (
    ERROR_GOAL,
    ERROR_LIBRARY,
    ERROR_NOT_PUBLISHED,
    ERROR_NOTE_EMPTY,
    ERROR_NOTE_LONG,
    _check_dates,
    _check_people,
    _check_role,
    _clean_text,
    _editable_plan,
    _fields,
    _locked,
)

# ---- Activities ------------------------------------------------------------------------------

ACTIVITY_FIELDS = ("title", "description", "role_title", "owner", "starts_on", "due_on", "status", "goal")


def _activity_values(
    plan: Plan,
    *,
    title: str,
    description: str,
    goal: Goal | None,
    role_title: RoleTitle | None,
    owner: Person | None,
    participants: Iterable[Person] | None,
    starts_on: datetime.date | None,
    due_on: datetime.date | None,
) -> dict[str, Any]:
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"goal": ERROR_GOAL})
    _check_role(plan, role_title)
    _check_people(plan, [owner], "owner")
    _check_people(plan, participants or [], "participants")
    _check_dates(starts_on, due_on)
    return {
        "title": _clean_text(title, "title", required=True, max_length=200),
        "description": _clean_text(description, "description"),
        "goal": goal,
        "role_title": role_title,
        "owner": owner,
        "starts_on": starts_on,
        "due_on": due_on,
    }


def activity_create(
    *,
    actor: Person | None,
    plan: Plan,
    title: str,
    description: str = "",
    goal: Goal | None = None,
    role_title: RoleTitle | None = None,
    owner: Person | None = None,
    participants: Iterable[Person] = (),
    starts_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    status: str = ActivityStatus.PLANNED,
    library_activity: LibraryActivity | None = None,
) -> Activity:
    with transaction.atomic():
        plan = _editable_plan(plan)
        values = _activity_values(
            plan,
            title=title,
            description=description,
            goal=goal,
            role_title=role_title,
            owner=owner,
            participants=participants,
            starts_on=starts_on,
            due_on=due_on,
        )
        activity = Activity(plan=plan, status=status, library_activity=library_activity, **values)
        _save(activity, participants, actor=actor, action="activity.create", before=None)
    return activity


def _save(
    activity: Activity,
    participants: Iterable[Person],
    *,
    actor: Person | None,
    action: str,
    before: dict[str, str] | None,
) -> None:
    """Checks and saves the activity with its participants and its audit row."""
    activity.full_clean(exclude=["plan", "goal", "owner", "role_title"], validate_constraints=False)
    activity.save()
    activity.participants.set(participants or [])
    audit_record(
        actor=actor,
        huvudman=activity.plan.huvudman,
        action=action,
        obj=activity,
        before=before,
        after=_fields(activity, ACTIVITY_FIELDS),
    )


def activity_update(
    *,
    actor: Person | None,
    activity: Activity,
    revision: int | None,
    title: str,
    description: str = "",
    goal: Goal | None = None,
    role_title: RoleTitle | None = None,
    owner: Person | None = None,
    participants: Iterable[Person] = (),
    starts_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    status: str | None = None,
) -> Activity:
    with transaction.atomic():
        plan = _editable_plan(activity.plan)
        activity = _locked(Activity, activity, revision)
        before = _fields(activity, ACTIVITY_FIELDS)
        values = _activity_values(
            plan,
            title=title,
            description=description,
            goal=goal,
            role_title=role_title,
            owner=owner,
            participants=participants,
            starts_on=starts_on,
            due_on=due_on,
        )
        for name, value in values.items():
            setattr(activity, name, value)
        if status is not None:
            activity.status = status
        _save(activity, participants, actor=actor, action="activity.update", before=before)
    return activity


def activity_progress(
    *,
    actor: Person | None,
    activity: Activity,
    status: str | None = None,
    note: str = "",
    revision: int | None = None,
) -> Activity:
    """A status change and/or a progress note, as the owner or a participant records them.
    The note keeps its history; the status the activity now has goes with it."""
    with transaction.atomic():
        plan = _editable_plan(activity.plan)
        activity = _locked(Activity, activity, revision)
        note = (note or "").strip()
        if len(note) > NOTE_MAX:
            raise ValidationError({"note": ERROR_NOTE_LONG % {"max": NOTE_MAX}})
        if status is None and not note:
            raise ValidationError({"note": ERROR_NOTE_EMPTY})
        if status is not None and status not in ActivityStatus.values:
            raise ValidationError({"status": _("Choose a status.")})
        before = activity.status
        if status is not None:
            activity.status = status
        activity.save(update_fields=["status", "revision", "updated_at"])
        ProgressNote.objects.create(
            activity=activity,
            author=actor if getattr(actor, "pk", None) else None,
            author_name=str(actor)[:200],
            text=note,
            status=activity.status if activity.status != before else "",
        )
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="activity.progress",
            obj=activity,
            before={"status": before},
            after={"status": activity.status},
            extra={"note": note[:200]},
        )
    return activity


def activity_follow_up(
    *, actor: Person | None, activity: Activity, done: bool, note: str = "", revision: int | None = None
) -> Activity:
    """Spring follow-up of one activity: done or not, with a note. Not done leaves an open
    activity open (it may be carried into next year's plan); a cancelled one stays cancelled."""
    with transaction.atomic():
        plan = _editable_plan(activity.plan)
        if plan.status != PlanStatus.PUBLISHED:
            raise ValidationError(ERROR_NOT_PUBLISHED)
        activity = _locked(Activity, activity, revision)
        before = _fields(activity, ("status", "follow_up_note"))
        if done:
            activity.status = ActivityStatus.DONE
        elif activity.status == ActivityStatus.DONE:
            activity.status = ActivityStatus.ONGOING
        activity.follow_up_note = _clean_text(note, "follow_up_note", max_length=NOTE_MAX)
        activity.save()
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="activity.follow_up",
            obj=activity,
            before=before,
            after=_fields(activity, ("status", "follow_up_note")),
        )
    return activity


def activity_delete(*, actor: Person | None, activity: Activity) -> None:
    with transaction.atomic():
        plan = _editable_plan(activity.plan)
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="activity.delete",
            obj=activity,
            before={"title": activity.title},
        )
        activity.delete()


def activity_from_library(
    *,
    actor: Person | None,
    plan: Plan,
    library_activity: LibraryActivity,
    goal: Goal | None = None,
    owner: Person | None = None,
    starts_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
) -> Activity:
    """A copy of an example activity in the plan: the unit then edits its own copy."""
    if library_activity.huvudman_id != plan.huvudman_id or not library_activity.is_published:
        raise ValidationError(ERROR_LIBRARY)
    role = library_activity.role_title
    return activity_create(
        actor=actor,
        plan=plan,
        title=library_activity.title,
        description=library_activity.description,
        goal=goal,
        role_title=role,
        owner=owner,
        starts_on=starts_on,
        due_on=due_on,
        library_activity=library_activity,
    )
