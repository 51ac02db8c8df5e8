"""Reads of the plan pages: the list, the nodes one may plan for, what a new plan carries
forward, the plan page with the unit's results beside it, the items a goal may link to and the
follow-up form's rows."""

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from digiplan.assessments import selectors as results
from digiplan.frameworks.models import Framework, FrameworkVersion, Item
from digiplan.frameworks.selectors import current_version, item_tree
from digiplan.lib import schoolyear
from digiplan.organisations.access import membership_paths
from digiplan.organisations.models import Organisation, OrganisationType, Person, Role
from digiplan.plans import access
from digiplan.plans.models import OPEN_STATUSES, Activity, Goal, Plan
from digiplan.plans.selectors.suggestions import latest_results_campaign

TYPE_ORDER = Case(
    When(type=OrganisationType.HUVUDMAN, then=Value(0)),
    When(type=OrganisationType.FORVALTNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def plans_by_year(person: Person) -> list[tuple[str, list[Plan]]]:
    """The plans the person may read, newest school year first, each with its counts."""
    plans = (
        access.readable_plans(person)
        .select_related("organisation")
        .annotate(goal_count=Count("goals", distinct=True), activity_count=Count("activities", distinct=True))
        .order_by("-school_year", "organisation__name")
    )
    return [(year, list(rows)) for year, rows in groupby(plans, key=lambda p: p.school_year)]


def plannable_nodes(person: Person) -> QuerySet[Organisation]:
    """The nodes the person may start a plan for (access.can_plan_for, as one query): the units
    they lead or coordinate, and every unit or administration node below a strategist's
    membership. An area (område) has no plan of its own."""
    if person.huvudman_id is None:
        return Organisation.objects.none()
    query = Q(pk__in=[])
    for path in membership_paths(person, (Role.STRATEGIST, *access.PLANNERS)):
        query |= Q(path__startswith=path)
    return (
        Organisation.objects.filter(query, huvudman_id=person.huvudman_id, is_active=True)
        .exclude(type=OrganisationType.OMRADE)
        .order_by(TYPE_ORDER, "name")
    )


def chosen_node(nodes: QuerySet[Organisation], chosen: str | None) -> Organisation | None:
    """The node the request names among those one may plan for; with nothing named and one node
    only, that one."""
    if str(chosen or "").isdigit():
        return nodes.filter(pk=int(str(chosen))).first()
    if chosen is None and nodes.count() == 1:
        return nodes.get()
    return None


# The school years a new plan may be for, around this one: last year's (a plan written late)
# up to three years ahead.
OFFERED_YEARS = range(-1, 4)


def free_years(node: Organisation) -> list[str]:
    """The school years around this one that the node has no plan for yet, oldest first, and
    always the default one (default_year)."""
    taken = taken_years(node)
    this = schoolyear.current()
    years = [y for y in (schoolyear.shifted(this, d) for d in OFFERED_YEARS) if y not in taken]
    first = _first_free(this, taken)
    return years if first in years else [*years, first]


def default_year(node: Organisation) -> str:
    """The first school year from this one on that the node has no plan for."""
    return _first_free(schoolyear.current(), taken_years(node))


def taken_years(node: Organisation) -> set[str]:
    """The school years the node has a plan for."""
    return set(Plan.objects.filter(organisation=node).values_list("school_year", flat=True))


def _first_free(year: str, taken: set[str]) -> str:
    while year in taken:
        year = schoolyear.shifted(year, 1)
    return year


def carry_candidates(node: Organisation, school_year: str) -> tuple[Plan | None, QuerySet[Activity]]:
    """Unfinished activities of the node's latest plan before this school year. Only that plan:
    its own unfinished activities already include what it carried from the year before."""
    previous = (
        Plan.objects.filter(organisation=node, school_year__lt=school_year).order_by("-school_year").first()
    )
    if previous is None:
        return None, Activity.objects.none()
    return previous, previous.activities.filter(status__in=OPEN_STATUSES).select_related("goal").order_by(
        "goal__order", "goal_id", "due_on", "title"
    )


# ---- The plan page -----------------------------------------------------------------------------


@dataclass
class PlanContents:
    goals: list[Goal]  # each with its items and activities prefetched
    loose: list[Activity]  # activities without a goal

    @property
    def activities(self) -> list[Activity]:
        return [a for g in self.goals for a in g.activities.all()] + self.loose


def plan_contents(plan: Plan) -> PlanContents:
    activities = Activity.objects.select_related("owner", "role_title").order_by("due_on", "title", "pk")
    goals = list(
        plan.goals.prefetch_related(
            Prefetch("items", queryset=Item.objects.select_related("version__framework")),
            Prefetch("activities", queryset=activities),
        )
    )
    return PlanContents(goals=goals, loose=list(activities.filter(plan=plan, goal__isnull=True)))


def unit_results_beside(plan: Plan) -> dict[str, Any] | None:
    """The unit's latest results beside the plan: per area the leader's and the staff's mean.
    None for a central plan."""
    if plan.organisation.type != OrganisationType.SKOLENHET:
        return None
    campaign = latest_results_campaign(plan.organisation)
    if campaign is None:
        return {"campaign": None}
    data = results.unit_results(campaign, plan.organisation)
    return {
        "campaign": campaign,
        "k": data["k"],
        "available": data["available"],
        "areas": [
            {
                "item": area.item,
                "leader": area.leader_mean,
                "has_staff": "staff" in area.means,
                "staff": area.means.get("staff"),
            }
            for area in data["areas"]
        ],
    }


# ---- Goals -------------------------------------------------------------------------------------


def goal_item_versions(plan: Plan, goal: Goal | None = None) -> list[tuple[FrameworkVersion, list[Item]]]:
    """(version, items in reading order) to link a goal to: the version the latest results were
    rated on, then the current version of each of the huvudman's own frameworks, then any
    version an item already linked to the goal belongs to, so that editing drops nothing."""
    versions: list[FrameworkVersion] = []
    campaign = (
        latest_results_campaign(plan.organisation)
        if plan.organisation.type == OrganisationType.SKOLENHET
        else None
    )
    if campaign is not None:
        versions.append(campaign.framework_version)
    for framework in Framework.objects.filter(huvudman_id=plan.huvudman_id).order_by("name"):
        version = current_version(framework)
        if version is not None:
            versions.append(version)
    if goal is not None:
        versions += [item.version for item in goal.items.select_related("version__framework")]
    result: list[tuple[FrameworkVersion, list[Item]]] = []
    seen: set[int] = set()
    for version in versions:
        if version.pk not in seen:
            seen.add(version.pk)
            result.append((version, item_tree(version)))
    return result


def items_of_versions(versions: list[tuple[FrameworkVersion, list[Item]]]) -> QuerySet[Item]:
    """The items a goal may link to: those of the versions offered."""
    return Item.objects.filter(version__in=[v for v, _items in versions])


def goal_item_ids(goal: Goal) -> list[int]:
    return list(goal.items.values_list("pk", flat=True))


# ---- The follow-up -----------------------------------------------------------------------------


def follow_up_rows(plan: Plan) -> tuple[list[Goal], list[Activity]]:
    """The plan's goals and its activities in the order the follow-up form lists them."""
    goals = list(plan.goals.prefetch_related("items"))
    activities = list(
        plan.activities.select_related("goal", "owner", "role_title").order_by(
            "goal__order", "goal_id", "due_on", "title", "pk"
        )
    )
    return goals, activities
