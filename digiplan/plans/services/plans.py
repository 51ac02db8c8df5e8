"""Plans: made (with unfinished activities carried forward), edited, published, followed up."""

import datetime
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.lib import schoolyear
from digiplan.organisations.models import Organisation, OrganisationType, Person
from digiplan.plans.models import (
    Activity,
    ActivityStatus,
    Goal,
    GoalOrigin,
    Plan,
    PlanStatus,
)
from digiplan.plans.services.checks import (
    ERROR_CARRY,
    ERROR_EMPTY_PLAN,
    ERROR_NODE,
    ERROR_NOT_DRAFT,
    ERROR_NOT_PUBLISHED,
    ERROR_OUTCOMES_MISSING,
    ERROR_PLAN_EXISTS,
    PlanConflict,
    _clean_text,
    _editable_plan,
    _fields,
    _locked,
)

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
            after={
                "organisation": organisation.name,
                "school_year": school_year,
                "carried": len(carried),
                # The earlier activities, now marked carried forward.
                "carried_from": [a.carried_from_id for a in carried],
            },
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
        years = _years_to_move(old, plan)
        copy = Activity.objects.create(
            plan=plan,
            goal=goal,
            title=old.title,
            description=old.description,
            role_title=old.role_title,
            owner=old.owner,
            starts_on=_moved(old.starts_on, years),
            due_on=_moved(old.due_on, years),
            status=old.status,
            library_activity=old.library_activity,
            carried_from=old,
        )
        copy.participants.set(old.participants.all())
        copies.append(copy)
    # The earlier ones are the same work: no longer open there, so never late nor listed twice.
    Activity.objects.filter(pk__in=[a.pk for a in activities]).update(
        status=ActivityStatus.CARRIED, revision=F("revision") + 1
    )
    return copies


def _years_to_move(activity: Activity, plan: Plan) -> int:
    """How many years a carried activity's dates move: from the school year its due date (or
    start) falls in to the new plan's, so a March deadline stays in March (issue 16)."""
    day = activity.due_on or activity.starts_on
    if day is None:
        return 0
    return max(0, schoolyear.start_of(plan.school_year) - schoolyear.start_of(schoolyear.of(day)))


def _moved(day: datetime.date | None, years: int) -> datetime.date | None:
    return schoolyear.moved(day, years) if day and years else day


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
