"""Goals of a plan, suggested goals taken or dismissed, and their follow-up."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.frameworks.models import Item
from digiplan.organisations.models import Person
from digiplan.plans.models import (
    DismissedSuggestion,
    Goal,
    GoalOrigin,
    GoalOutcome,
    LibraryActivity,
    Plan,
    PlanStatus,
)
from digiplan.plans.services.activities import activity_from_library
from digiplan.plans.services.checks import (
    ERROR_NOT_PUBLISHED,
    _check_items,
    _clean_text,
    _editable_plan,
    _fields,
    _locked,
)

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


def goal_from_suggestion(
    *,
    actor: Person | None,
    plan: Plan,
    item: Item,
    title: str,
    baseline: Decimal | None,
    baseline_text: str,
    target: Decimal | None,
    target_text: str,
    library_activities: Iterable[LibraryActivity] = (),
) -> Goal:
    """A suggested goal taken into the plan, with copies of the example activities chosen
    beside it: all of it or, when one part is refused, none of it. Each part records its own
    audit row."""
    with transaction.atomic():
        goal = goal_create(
            actor=actor,
            plan=plan,
            title=title,
            items=[item],
            baseline=baseline,
            baseline_text=baseline_text,
            target=target,
            target_text=target_text,
            origin=GoalOrigin.SUGGESTED,
        )
        for entry in library_activities:
            activity_from_library(actor=actor, plan=plan, library_activity=entry, goal=goal)
    return goal
