"""Writes to plans and the activity library. Each runs in one transaction with its audit row.

Edits name the revision they started from; a save over someone else's newer save raises
PlanConflict, which carries the version now stored so that the page can show both."""

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.frameworks.models import Item
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person, RoleTitle
from digiplan.plans.access import eligible_people
from digiplan.plans.models import (
    NOTE_MAX,
    TEXT_MAX,
    Activity,
    ActivityStatus,
    CalendarFeed,
    DismissedSuggestion,
    Goal,
    GoalOrigin,
    GoalOutcome,
    LibraryActivity,
    Plan,
    PlanStatus,
    ProgressNote,
)

ERROR_PLAN_EXISTS = _("%(node)s already has a plan for %(year)s.")
ERROR_NODE = _("A plan belongs to an active school unit or to the administration itself.")
ERROR_FOLLOWED_UP = _("The plan has been followed up and can no longer be changed.")
ERROR_NOT_DRAFT = _("Only a draft can be published.")
ERROR_NOT_PUBLISHED = _("Only a published plan can be followed up.")
ERROR_EMPTY_PLAN = _("Add at least one goal before publishing the plan.")
ERROR_OUTCOMES_MISSING = _("Record an outcome for every goal before finishing the follow-up: %(goals)s.")
ERROR_DUE_BEFORE_START = _("The due date cannot come before the start date.")
ERROR_PERSON = _("%(name)s does not work at this unit and cannot be named in its plan.")
ERROR_ROLE = _("Choose one of your organisation's role titles.")
ERROR_ITEM = _("Choose items from your organisation's frameworks or the built-in ones.")
ERROR_GOAL = _("Choose one of this plan's goals.")
ERROR_NOTE_EMPTY = _("Write a note.")
ERROR_NOTE_LONG = _("The note is longer than %(max)s characters.")
ERROR_TEXT_LONG = _("The text is longer than %(max)s characters. Shorten it and save again.")
ERROR_CARRY = _("Only unfinished activities of the unit's earlier plans can be carried forward.")
ERROR_LIBRARY = _("This example activity is not published in your organisation's library.")
ERROR_TITLE = _("Write a title.")


class PlanConflict(ValidationError):
    """Someone else saved after the form was opened. `current` is what is stored now."""

    def __init__(self, current: Model) -> None:
        super().__init__(
            _(
                "Someone else saved this after you opened it. Nothing has been "
                "overwritten: compare the two versions below, then save again."
            ),
            code="stale",
        )
        self.current = current


def _locked[M: (Plan, Goal, Activity, LibraryActivity)](model: type[M], obj: M, revision: int | None) -> M:
    fresh = model.objects.select_for_update().get(pk=obj.pk)
    if revision is not None and int(revision) != fresh.revision:
        raise PlanConflict(fresh)
    fresh.revision += 1
    return fresh


def _editable_plan(plan: Plan) -> Plan:
    plan = Plan.objects.select_for_update().select_related("organisation", "huvudman").get(pk=plan.pk)
    if plan.status == PlanStatus.FOLLOWED_UP:
        raise ValidationError(ERROR_FOLLOWED_UP, code="followed_up")
    return plan


def _fields(obj: Model, names: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = (
            value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else "")
        )
    return out


def _clean_text(value: str, field: str, *, required: bool = False, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: ERROR_TITLE})
    if len(value) > max_length:
        raise ValidationError({field: ERROR_TEXT_LONG % {"max": max_length}})
    return value


def _check_items(huvudman: Huvudman, items: Iterable[Item] | None) -> list[Item]:
    items = list(items or [])
    for item in items:
        owner = item.version.framework.huvudman_id
        if owner not in (None, huvudman.pk):
            raise ValidationError({"items": ERROR_ITEM})
    return items


def _check_people(plan: Plan, people: Iterable[Person | None], field: str) -> list[Person]:
    named = [p for p in people if p is not None]
    allowed = set(eligible_people(plan).filter(pk__in=[p.pk for p in named]).values_list("pk", flat=True))
    for person in named:
        if person.pk not in allowed:
            raise ValidationError({field: ERROR_PERSON % {"name": person.name}})
    return named


def _check_role(plan: Plan, role_title: RoleTitle | None) -> None:
    if role_title is not None and role_title.huvudman_id != plan.huvudman_id:
        raise ValidationError({"role_title": ERROR_ROLE})


def _check_dates(starts_on: datetime.date | None, due_on: datetime.date | None) -> None:
    if starts_on and due_on and due_on < starts_on:
        raise ValidationError({"due_on": ERROR_DUE_BEFORE_START})


# ---- Plans -----------------------------------------------------------------------------------


def plan_create(
    *,
    actor: Person | None,
    organisation: Organisation,
    school_year: str,
    title: str = "",
    introduction: str = "",
    follow_up_due: datetime.date | None = None,
    carry: Iterable[Activity] = (),
) -> Plan:
    """A new draft plan. `carry` are unfinished activities of the node's earlier plans, copied
    in with their goals; the earlier plan keeps its own."""
    with transaction.atomic():
        if not organisation.is_active or organisation.type == OrganisationType.OMRADE:
            raise ValidationError({"organisation": ERROR_NODE})
        if Plan.objects.filter(organisation=organisation, school_year=school_year).exists():
            raise ValidationError(
                {"school_year": ERROR_PLAN_EXISTS % {"node": organisation.name, "year": school_year}}
            )
        previous = (
            Plan.objects.filter(organisation=organisation, school_year__lt=school_year)
            .order_by("-school_year")
            .first()
        )
        if not title:
            title = (
                _("Digitalisation plan %(year)s")
                if organisation.type == OrganisationType.SKOLENHET
                else _("Central digitalisation plan %(year)s")
            ) % {"year": school_year}
        plan = Plan(
            huvudman=organisation.huvudman,
            organisation=organisation,
            school_year=school_year,
            title=title.strip()[:200],
            introduction=_clean_text(introduction, "introduction"),
            follow_up_due=follow_up_due,
            previous=previous,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        plan.full_clean(validate_constraints=False)
        plan.save()
        carried = _carry_forward(plan, list(carry))
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="plan.create",
            obj=plan,
            after={"organisation": organisation.name, "school_year": school_year, "carried": len(carried)},
        )
    return plan


def _carry_forward(plan: Plan, activities: list[Activity]) -> list[Activity]:
    copies: list[Activity] = []
    goals: dict[int, Goal] = {}
    for old in activities:
        if (
            old.plan.organisation_id != plan.organisation_id
            or old.plan.school_year >= plan.school_year
            or old.status not in (ActivityStatus.PLANNED, ActivityStatus.ONGOING)
        ):
            raise ValidationError({"carry": ERROR_CARRY})
        goal = None
        if old.goal_id:
            goal = goals.get(old.goal_id)
            if goal is None:
                old_goal = cast(Goal, old.goal)  # goal_id is set
                goal = Goal.objects.create(
                    plan=plan,
                    title=old_goal.title,
                    description=old_goal.description,
                    baseline=old_goal.baseline,
                    baseline_text=old_goal.baseline_text,
                    target=old_goal.target,
                    target_text=old_goal.target_text,
                    origin=GoalOrigin.CARRIED,
                    order=len(goals),
                )
                goal.items.set(old_goal.items.all())
                goals[old.goal_id] = goal
        copy = Activity.objects.create(
            plan=plan,
            goal=goal,
            title=old.title,
            description=old.description,
            role_title=old.role_title,
            owner=old.owner,
            starts_on=old.starts_on,
            due_on=old.due_on,
            status=old.status,
            library_activity=old.library_activity,
            carried_from=old,
        )
        copy.participants.set(old.participants.all())
        copies.append(copy)
    return copies


def plan_update(
    *,
    actor: Person | None,
    plan: Plan,
    revision: int | None,
    title: str,
    introduction: str = "",
    follow_up_due: datetime.date | None = None,
) -> Plan:
    with transaction.atomic():
        _editable_plan(plan)
        plan = _locked(Plan, plan, revision)
        before = _fields(plan, ("title", "introduction", "follow_up_due"))
        plan.title = _clean_text(title, "title", required=True, max_length=200)
        plan.introduction = _clean_text(introduction, "introduction")
        plan.follow_up_due = follow_up_due
        plan.full_clean(validate_constraints=False)
        plan.save()
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="plan.update",
            obj=plan,
            before=before,
            after=_fields(plan, before),
        )
    return plan


def plan_publish(*, actor: Person | None, plan: Plan) -> Plan:
    with transaction.atomic():
        plan = _editable_plan(plan)
        if plan.status != PlanStatus.DRAFT:
            raise ValidationError(ERROR_NOT_DRAFT)
        if not plan.goals.exists():
            raise ValidationError(ERROR_EMPTY_PLAN)
        plan.status, plan.published_at = PlanStatus.PUBLISHED, timezone.now()
        plan.revision += 1
        plan.save(update_fields=["status", "published_at", "revision"])
        audit_record(actor=actor, huvudman=plan.huvudman, action="plan.publish", obj=plan)
    return plan


def plan_follow_up(*, actor: Person | None, plan: Plan, summary: str, revision: int | None = None) -> Plan:
    """Finishes the spring follow-up: every goal needs its outcome; the plan is then frozen."""
    with transaction.atomic():
        plan = _editable_plan(plan)
        if plan.status != PlanStatus.PUBLISHED:
            raise ValidationError(ERROR_NOT_PUBLISHED)
        if revision is not None and int(revision) != plan.revision:
            raise PlanConflict(plan)
        missing = [g.title for g in plan.goals.filter(outcome="")]
        if missing:
            raise ValidationError(ERROR_OUTCOMES_MISSING % {"goals": ", ".join(missing)})
        plan.summary = _clean_text(summary, "summary", max_length=10_000)
        plan.status, plan.followed_up_at = PlanStatus.FOLLOWED_UP, timezone.now()
        plan.revision += 1
        plan.save()
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="plan.follow_up",
            obj=plan,
            after={"summary": plan.summary[:200]},
        )
    return plan


# ---- Goals -----------------------------------------------------------------------------------

GOAL_FIELDS = ("title", "description", "baseline", "baseline_text", "target", "target_text")


def goal_create(
    *,
    actor: Person | None,
    plan: Plan,
    title: str,
    description: str = "",
    items: Iterable[Item] = (),
    baseline: Decimal | float | None = None,
    baseline_text: str = "",
    target: Decimal | float | None = None,
    target_text: str = "",
    origin: str = GoalOrigin.OWN,
) -> Goal:
    with transaction.atomic():
        plan = _editable_plan(plan)
        items = _check_items(plan.huvudman, items)
        order = (plan.goals.aggregate(m=Max("order"))["m"] or 0) + 1
        goal = Goal(
            plan=plan,
            title=_clean_text(title, "title", required=True, max_length=200),
            description=_clean_text(description, "description"),
            baseline=baseline,
            baseline_text=baseline_text[:200],
            target=target,
            target_text=(target_text or "").strip()[:200],
            origin=origin,
            order=order,
        )
        goal.full_clean(exclude=["plan"])
        goal.save()
        goal.items.set(items)
        if origin == GoalOrigin.SUGGESTED:
            DismissedSuggestion.objects.filter(plan=plan, item__in=items).delete()
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="goal.create",
            obj=goal,
            after={
                "plan": plan.title,
                "title": goal.title,
                "origin": origin,
                "items": ", ".join(i.code for i in items),
            },
        )
    return goal


def goal_update(
    *,
    actor: Person | None,
    goal: Goal,
    revision: int | None,
    title: str,
    description: str = "",
    items: Iterable[Item] | None = None,
    baseline: Decimal | float | None = None,
    baseline_text: str = "",
    target: Decimal | float | None = None,
    target_text: str = "",
) -> Goal:
    with transaction.atomic():
        plan = _editable_plan(goal.plan)
        goal = _locked(Goal, goal, revision)
        before = _fields(goal, GOAL_FIELDS)
        goal.title = _clean_text(title, "title", required=True, max_length=200)
        goal.description = _clean_text(description, "description")
        goal.baseline, goal.baseline_text = baseline, (baseline_text or "").strip()[:200]
        goal.target, goal.target_text = target, (target_text or "").strip()[:200]
        goal.full_clean(exclude=["plan"])
        goal.save()
        if items is not None:
            goal.items.set(_check_items(plan.huvudman, items))
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="goal.update",
            obj=goal,
            before=before,
            after=_fields(goal, GOAL_FIELDS),
        )
    return goal


def goal_delete(*, actor: Person | None, goal: Goal) -> None:
    with transaction.atomic():
        plan = _editable_plan(goal.plan)
        audit_record(
            actor=actor, huvudman=plan.huvudman, action="goal.delete", obj=goal, before={"title": goal.title}
        )
        goal.delete()


def goal_follow_up(
    *, actor: Person | None, goal: Goal, revision: int | None, outcome: str, reflection: str = ""
) -> Goal:
    with transaction.atomic():
        plan = _editable_plan(goal.plan)
        if plan.status != PlanStatus.PUBLISHED:
            raise ValidationError(ERROR_NOT_PUBLISHED)
        goal = _locked(Goal, goal, revision)
        if outcome not in GoalOutcome.values:
            raise ValidationError({"outcome": _("Choose an outcome.")})
        before = _fields(goal, ("outcome", "reflection"))
        goal.outcome = outcome
        goal.reflection = _clean_text(reflection, "reflection", max_length=10_000)
        goal.save()
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="goal.follow_up",
            obj=goal,
            before=before,
            after=_fields(goal, ("outcome", "reflection")),
        )
    return goal


def suggestion_dismiss(*, actor: Person | None, plan: Plan, item: Item) -> None:
    with transaction.atomic():
        plan = _editable_plan(plan)
        _check_items(plan.huvudman, [item])
        DismissedSuggestion.objects.get_or_create(plan=plan, item=item)
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="goal.dismiss_suggestion",
            obj=plan,
            extra={"item": item.code},
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
        activity.full_clean(exclude=["plan", "goal", "owner", "role_title"], validate_constraints=False)
        activity.save()
        activity.participants.set(participants or [])
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="activity.create",
            obj=activity,
            after=_fields(activity, ACTIVITY_FIELDS),
        )
    return activity


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
        activity.full_clean(exclude=["plan", "goal", "owner", "role_title"], validate_constraints=False)
        activity.save()
        activity.participants.set(participants or [])
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="activity.update",
            obj=activity,
            before=before,
            after=_fields(activity, ACTIVITY_FIELDS),
        )
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


# ---- The activity library ---------------------------------------------------------------------

LIBRARY_FIELDS = (
    "title",
    "description",
    "role_title",
    "duration",
    "school_forms",
    "for_staff",
    "source",
    "is_published",
)


def _library_values(
    huvudman: Huvudman,
    *,
    title: str,
    description: str,
    items: Iterable[Item] | None,
    role_title: RoleTitle | None,
    duration: str | None,
    school_forms: Iterable[str] | None,
    for_staff: bool,
    source: str | None,
) -> tuple[dict[str, Any], list[Item]]:
    if role_title is not None and role_title.huvudman_id != huvudman.pk:
        raise ValidationError({"role_title": ERROR_ROLE})
    return (
        {
            "title": _clean_text(title, "title", required=True, max_length=200),
            "description": _clean_text(description, "description"),
            "role_title": role_title,
            "duration": (duration or "").strip()[:100],
            "school_forms": list(school_forms or []),
            "for_staff": bool(for_staff),
            "source": (source or "").strip()[:300],
        },
        _check_items(huvudman, items),
    )


def library_create(
    *,
    actor: Person | None,
    huvudman: Huvudman,
    title: str,
    description: str = "",
    items: Iterable[Item] = (),
    role_title: RoleTitle | None = None,
    duration: str = "",
    school_forms: Iterable[str] = (),
    for_staff: bool = False,
    source: str = "",
    publish: bool = False,
) -> LibraryActivity:
    with transaction.atomic():
        values, items = _library_values(
            huvudman,
            title=title,
            description=description,
            items=items,
            role_title=role_title,
            duration=duration,
            school_forms=school_forms,
            for_staff=for_staff,
            source=source,
        )
        entry = LibraryActivity(
            huvudman=huvudman,
            is_published=publish,
            created_by=actor if getattr(actor, "pk", None) else None,
            **values,
        )
        entry.full_clean(exclude=["role_title"])
        entry.save()
        entry.items.set(items)
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="library.create",
            obj=entry,
            after=_fields(entry, LIBRARY_FIELDS),
        )
    return entry


def library_update(
    *,
    actor: Person | None,
    entry: LibraryActivity,
    revision: int | None,
    title: str,
    description: str = "",
    items: Iterable[Item] = (),
    role_title: RoleTitle | None = None,
    duration: str = "",
    school_forms: Iterable[str] = (),
    for_staff: bool = False,
    source: str = "",
    publish: bool = False,
) -> LibraryActivity:
    with transaction.atomic():
        entry = _locked(LibraryActivity, entry, revision)
        before = _fields(entry, LIBRARY_FIELDS)
        values, items = _library_values(
            entry.huvudman,
            title=title,
            description=description,
            items=items,
            role_title=role_title,
            duration=duration,
            school_forms=school_forms,
            for_staff=for_staff,
            source=source,
        )
        for name, value in values.items():
            setattr(entry, name, value)
        entry.is_published = publish
        entry.full_clean(exclude=["role_title"])
        entry.save()
        entry.items.set(items)
        audit_record(
            actor=actor,
            huvudman=entry.huvudman,
            action="library.update",
            obj=entry,
            before=before,
            after=_fields(entry, LIBRARY_FIELDS),
        )
    return entry


def library_delete(*, actor: Person | None, entry: LibraryActivity) -> None:
    """Copies in plans stay: they are the units' own activities."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            huvudman=entry.huvudman,
            action="library.delete",
            obj=entry,
            before={"title": entry.title},
        )
        entry.delete()


# ---- Calendar --------------------------------------------------------------------------------


def calendar_feed_secret(*, person: Person, renew: bool = False) -> str:
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
        if feed is not None and not renew:
            return feed.secret
        secret = secrets.token_urlsafe(32)
        if feed is None:
            CalendarFeed.objects.create(person=person, secret=secret)
        else:
            feed.secret = secret
            feed.save(update_fields=["secret"])
        audit_record(
            actor=person,
            huvudman=person.huvudman,
            action="calendar.renew" if renew else "calendar.create",
            obj=person,
        )
    return secret


# added by plans-pages
def plan_summary_save(*, actor: Person | None, plan: Plan, summary: str, revision: int | None = None) -> Plan:
    """The follow-up summary saved as work in progress, before the follow-up is finished, so
    that a leader who writes it over several days loses nothing."""
    with transaction.atomic():
        plan = _editable_plan(plan)
        if plan.status != PlanStatus.PUBLISHED:
            raise ValidationError(ERROR_NOT_PUBLISHED)
        plan = _locked(Plan, plan, revision)
        before = plan.summary
        plan.summary = _clean_text(summary, "summary", max_length=10_000)
        plan.save(update_fields=["summary", "revision"])
        audit_record(
            actor=actor,
            huvudman=plan.huvudman,
            action="plan.summary",
            obj=plan,
            before={"summary": before[:200]},
            after={"summary": plan.summary[:200]},
        )
    return plan
