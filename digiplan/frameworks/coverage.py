"""How much of a national or European reference framework a huvudman's own plan covers.

Coverage comes from the links the chain of steering already holds: an item of the plan covers a
goal of the reference when the goal can be reached from it by following "derives from" links,
through any frameworks in between (the plan → Göteborg's strategy → the national strategy).
Goals are matched by framework and code, not by row, so a plan bound to an earlier version of
the reference still counts against its current one.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from digiplan.frameworks.models import FrameworkVersion, Item, ItemKind, Standing, VersionStatus

# How far up the chain links are followed; real chains are three or four steps long.
MAX_DEPTH = 10
# Items that structure a reference without being something to cover.
NOT_GOALS = (ItemKind.SECTION, ItemKind.INDICATOR)
# The order references are offered in: what is in force first, then the EU's, then the past.
STANDING_ORDER = [Standing.CURRENT, Standing.REFERENCE, Standing.HISTORICAL, Standing.PROPOSAL]


@dataclass
class CoveredGoal:
    item: Item
    covered_by: list[Item] = field(default_factory=list)


@dataclass
class CoveredArea:
    """A top-level item of the reference with its goals; whole lists the plan's items linked to
    the area (or a level between it and its goals) as a whole, which covers none of its goals."""

    item: Item
    goals: list[CoveredGoal] = field(default_factory=list)
    whole: list[Item] = field(default_factory=list)

    @property
    def covered(self) -> int:
        return sum(1 for goal in self.goals if goal.covered_by)


@dataclass
class Coverage:
    reference: FrameworkVersion
    areas: list[CoveredArea]

    @property
    def total(self) -> int:
        return sum(len(area.goals) for area in self.areas)

    @property
    def covered(self) -> int:
        return sum(area.covered for area in self.areas)


def reference_versions() -> list[FrameworkVersion]:
    """The current published version of each built-in framework a plan can be held against:
    those whose standing is stated, what is in force first."""
    versions = (
        FrameworkVersion.objects.filter(framework__huvudman__isnull=True, status=VersionStatus.PUBLISHED)
        .exclude(framework__standing="")
        .select_related("framework")
        .order_by("framework_id", "-number")
    )
    latest: dict[int, FrameworkVersion] = {}
    for version in versions:
        latest.setdefault(version.framework_id, version)
    return sorted(
        latest.values(),
        key=lambda v: (STANDING_ORDER.index(Standing(v.framework.standing)), v.framework.name),
    )


def reached_from(version: FrameworkVersion) -> dict[tuple[int, str], list[Item]]:
    """For each (framework, code) reachable up the chain from the version's items, the items of
    the version it is reached from. A few queries per step of the chain, whatever the size."""
    own = {item.pk: item for item in version.items.all()}
    origins: dict[int, set[int]] = {pk: {pk} for pk in own}  # item reached → own items behind it
    frontier = set(own)
    through = Item.links.through
    for _step in range(MAX_DEPTH):
        if not frontier:
            break
        found: dict[int, set[int]] = defaultdict(set)
        for source, target in through.objects.filter(from_item_id__in=frontier).values_list(
            "from_item_id", "to_item_id"
        ):
            found[target] |= origins[source]
        frontier = set()
        for target, sources in found.items():
            known = origins.setdefault(target, set())
            if not sources <= known:
                known |= sources
                frontier.add(target)
    keys = Item.objects.filter(pk__in=set(origins) - set(own)).values_list(
        "pk", "version__framework_id", "code"
    )
    reached: dict[tuple[int, str], set[int]] = defaultdict(set)
    for pk, framework_id, code in keys:
        reached[(framework_id, code)] |= origins[pk]
    return {
        key: sorted((own[pk] for pk in pks), key=lambda i: (i.order, i.code)) for key, pks in reached.items()
    }


def coverage(version: FrameworkVersion, reference: FrameworkVersion) -> Coverage:
    """The reference's areas and goals, each with the version's items that reach it."""
    reached = reached_from(version)
    items = list(_tree(reference))
    children: dict[int | None, list[Item]] = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)

    def is_goal(item: Item) -> bool:
        kids = [k for k in children[item.pk] if k.kind != ItemKind.INDICATOR]
        return item.kind not in NOT_GOALS and not kids

    areas: list[CoveredArea] = []
    for root in children[None]:
        area = CoveredArea(item=root)
        _collect(root, area, children, is_goal, reached, reference.framework_id)
        if area.goals or area.whole:
            areas.append(area)
    return Coverage(reference=reference, areas=areas)


def _collect(item, area, children, is_goal, reached, framework_id) -> None:
    """Fills the area with the item's goals (depth first) and what covers them."""
    covering = _covering(item, children, reached, framework_id)
    if is_goal(item):
        area.goals.append(CoveredGoal(item=item, covered_by=covering))
        return
    if item.kind not in NOT_GOALS:
        area.whole.extend(i for i in covering if i not in area.whole)
    for child in children[item.pk]:
        if child.kind != ItemKind.INDICATOR:
            _collect(child, area, children, is_goal, reached, framework_id)


def _covering(item, children, reached, framework_id) -> list[Item]:
    """The plan's items reaching the item, or an indicator under it (a goal's own statements)."""
    found = list(reached.get((framework_id, item.code), []))
    for child in children[item.pk]:
        if child.kind == ItemKind.INDICATOR:
            found.extend(i for i in reached.get((framework_id, child.code), []) if i not in found)
    return found


def _tree(version: FrameworkVersion) -> QuerySet[Item]:
    return version.items.order_by("order", "code")
