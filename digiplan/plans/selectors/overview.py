"""The organisation overview of every unit's plan, and where unit goals meet the chain of
steering documents up to the national strategy."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from digiplan.frameworks.models import Item
from digiplan.organisations.models import Organisation, OrganisationType, Person
from digiplan.plans.models import (
    OPEN_STATUSES,
    Activity,
    ActivityStatus,
    Goal,
    LibraryActivity,
    Plan,
    PlanStatus,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# The overview's status words, in the order the cycle runs.
STATUS_LABELS: dict[str, str | Promise] = {
    "none": gettext_lazy("No plan"),
    PlanStatus.DRAFT: PlanStatus.DRAFT.label,
    PlanStatus.PUBLISHED: PlanStatus.PUBLISHED.label,
    PlanStatus.FOLLOWED_UP: PlanStatus.FOLLOWED_UP.label,
}


@dataclass
class UnitPlanRow:
    unit: Organisation
    plan: Plan | None
    goals: int = 0
    activities: int = 0
    done: int = 0
    late: int = 0
    cancelled: int = 0

    @property
    def status(self) -> str:
        return self.plan.status if self.plan else "none"

    @property
    def status_label(self) -> str | Promise:
        return STATUS_LABELS[self.status]

    @property
    def done_percent(self) -> int | None:
        counted = self.activities - self.cancelled
        return round(100 * self.done / counted) if counted else None


class NationalRow(TypedDict):
    item: Item
    goals: int


class LibraryUse(TypedDict):
    uses: int  # copies in the plans
    units: int  # units that copied it


class Overview(TypedDict):
    rows: list[UnitPlanRow]
    status_counts: Counter[str]
    priorities: list[tuple[Item, int]]
    library: "QuerySet[WithAnnotations[LibraryActivity, LibraryUse]]"  # with uses and units
    national: list[NationalRow]


def area_of(item: Item) -> Item:
    """The top item above this one: the area a goal belongs to."""
    current = item
    while current.parent is not None:
        current = current.parent
    return current


def plan_years(plans: QuerySet[Plan]) -> set[str]:
    """The school years the plans are for."""
    return set(plans.values_list("school_year", flat=True).distinct())


def huvudman_plans(huvudman_id: int) -> QuerySet[Plan]:
    return Plan.objects.filter(huvudman_id=huvudman_id)


def overview_parts(managed: QuerySet[Organisation]) -> list[Organisation]:
    """The administrations and areas the overview may be narrowed to."""
    return list(
        managed.filter(
            type__in=[OrganisationType.FORVALTNING, OrganisationType.OMRADE], is_active=True
        ).order_by("path")
    )


def overview_units(
    managed: QuerySet[Organisation], *, part: Organisation | None, school_form: str
) -> QuerySet[Organisation]:
    """The managed nodes below the chosen part that have the chosen school form."""
    units = managed
    if part is not None:
        units = units.filter(path__startswith=part.path)
    if school_form:
        units = units.filter(school_forms__school_form=school_form).distinct()
    return units


def year_units(plans: QuerySet[Plan], school_year: str) -> list[Organisation]:
    """The units (and administrations) with one of the plans in the school year, by name."""
    units = list(
        {p.organisation for p in plans.filter(school_year=school_year).select_related("organisation")}
    )
    return sorted(units, key=lambda u: u.name)


def plans_of(plans: QuerySet[Plan], unit: Organisation | None) -> QuerySet[Plan]:
    """The plans of the unit, or all of them when no unit is chosen."""
    return plans.filter(organisation=unit) if unit is not None else plans


def overview(units: QuerySet[Organisation], school_year: str, huvudman_id: int) -> Overview:
    """Plan status and progress per unit, the areas unit goals fall in, library use, and the
    national sub-goals unit goals reach."""
    unit_list = list(units.filter(type=OrganisationType.SKOLENHET, is_active=True).order_by("name"))
    plans = {
        p.organisation_id: p for p in Plan.objects.filter(organisation__in=unit_list, school_year=school_year)
    }
    rows = _unit_rows(unit_list, plans)
    return {
        "rows": rows,
        "status_counts": Counter(row.status for row in rows),
        "priorities": _priorities(plans.values()),
        "library": _library_use(huvudman_id, plans.values()),
        "national": national_coverage(
            Goal.objects.filter(plan__in=plans.values()).prefetch_related("items__links")
        ),
    }


def _unit_rows(units: list[Organisation], plans: dict[int, Plan]) -> list[UnitPlanRow]:
    """Per unit its plan of the year (if any) with goals and activities counted in SQL."""
    today = timezone.localdate()
    counts = (
        Activity.objects.filter(plan__in=plans.values())
        .values("plan_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ActivityStatus.DONE)),
            cancelled=Count("pk", filter=Q(status=ActivityStatus.CANCELLED)),
            late=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        )
        .order_by()
    )
    by_plan = {row["plan_id"]: row for row in counts}
    goals = dict(
        Goal.objects.filter(plan__in=plans.values())
        .values("plan_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("plan_id", "n")
    )
    rows = []
    for unit in units:
        plan = plans.get(unit.pk)
        row = UnitPlanRow(unit=unit, plan=plan)
        if plan:
            row.goals = goals.get(plan.pk, 0)
            c = by_plan.get(plan.pk)
            if c is not None:
                row.activities, row.done = c["total"], c["done"]
                row.late, row.cancelled = c["late"], c["cancelled"]
        rows.append(row)
    return rows


def _priorities(plans: Iterable[Plan]) -> list[tuple[Item, int]]:
    """The areas the plans' goals fall in, most goals first."""
    goal_items = (
        Item.objects.filter(plan_goals__plan__in=plans)
        .select_related("parent__parent__parent", "version__framework")
        .annotate(goals=Count("plan_goals"))
    )
    areas: Counter[int] = Counter()
    area_items: dict[int, Item] = {}
    for item in goal_items:
        area = area_of(item)
        areas[area.pk] += item.goals
        area_items[area.pk] = area
    return [(area_items[pk], n) for pk, n in areas.most_common()]


def _library_use(
    huvudman_id: int, plans: Iterable[Plan]
) -> "QuerySet[WithAnnotations[LibraryActivity, LibraryUse]]":
    """Each example activity with how often, and at how many units, the plans copied it."""
    plans = list(plans)
    return (
        LibraryActivity.objects.filter(huvudman_id=huvudman_id)
        .annotate(
            uses=Count("copies", filter=Q(copies__plan__in=plans)),
            units=Count("copies__plan__organisation", distinct=True, filter=Q(copies__plan__in=plans)),
        )
        .order_by("-uses", "title")
    )


def national_coverage(goals: Iterable[Goal]) -> list[NationalRow]:
    """The built-in national strategy's sub-goals, each with how many of the given goals reach
    it through the chain of links (goal item → its parents → linked items → …)."""
    reached: dict[int, set[int]] = defaultdict(set)
    for goal in goals:
        for item in goal.items.all():
            for target in reach_up(item):
                reached[target].add(goal.pk)
    national = (
        Item.objects.filter(
            version__framework__huvudman__isnull=True,
            version__framework__kind="national",
            version__status="published",
            kind="sub_goal",
        )
        .select_related("version__framework")
        .order_by("version__framework__slug", "order", "code")
    )
    return [{"item": item, "goals": len(reached.get(item.pk, ()))} for item in national]


def reach_up(item: Item, depth: int = 0) -> set[int]:
    """The item, its parents and everything they link to, up the chain of steering."""
    if depth > 8:
        return set()
    found: set[int] = set()
    current: Item | None = item
    while current is not None:
        found.add(current.pk)
        for target in current.links.all():
            found |= reach_up(target, depth + 1)
        current = current.parent
    return found


# ---- The chain of steering ---------------------------------------------------------------------


@dataclass
class ChainGoal:
    """A unit goal on the chain page, with the items it is linked through (`via`)."""

    goal: Goal
    via: list[Item]

    @property
    def pk(self) -> int:
        return self.goal.pk

    @property
    def title(self) -> str:
        return self.goal.title

    @property
    def plan(self) -> Plan:
        return self.goal.plan


def unit_goals_for_chain(
    item: Item, person: Person, down: list[dict[str, Any]]
) -> dict[str, list[ChainGoal]]:
    """Unit goals the person may read that serve the item: linked to it ("direct"), or to an
    item below it or to one that cites it (`down`, as frameworks.selectors.chain_down gives it)
    and the items below those ("below"). Plans out of the person's reach never show."""
    from digiplan.plans.access import readable_plans

    reached = _items_below({item.pk} | _cited(down))
    goals = (
        Goal.objects.filter(items__in=reached, plan__in=readable_plans(person))
        .distinct()
        .select_related("plan__organisation")
        .prefetch_related("items")
        .order_by("-plan__school_year", "plan__organisation__name", "order", "pk")
    )
    direct: list[ChainGoal] = []
    below: list[ChainGoal] = []
    for goal in goals:
        linked = [i for i in goal.items.all() if i.pk in reached]
        (direct if any(i.pk == item.pk for i in linked) else below).append(ChainGoal(goal=goal, via=linked))
    return {"direct": direct, "below": below}


def _cited(nodes: list[dict[str, Any]]) -> set[int]:
    """Every item in the tree of citing items."""
    found: set[int] = set()
    for node in nodes:
        found.add(node["item"].pk)
        found |= _cited(node["down"])
    return found


def _items_below(start: set[int]) -> set[int]:
    """The items and everything below them, ten levels deep at most."""
    reached = set(start)
    frontier = set(reached)
    for _depth in range(10):
        frontier = set(Item.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= reached
        if not frontier:
            break
        reached |= frontier
    return reached
