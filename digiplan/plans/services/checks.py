"""What every write to a plan checks: the plan is editable, the revision current, the
people, role titles and items its own, the texts and dates sensible."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import Item
from digiplan.organisations.models import Huvudman, Person, RoleTitle
from digiplan.plans.access import eligible_people
from digiplan.plans.models import (
    TEXT_MAX,
    Activity,
    Goal,
    LibraryActivity,
    Plan,
    PlanStatus,
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


class PlanConflict[M: Model](ValidationError):
    """Someone else saved after the form was opened. `current` is what is stored now."""

    def __init__(self, current: M) -> None:
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
