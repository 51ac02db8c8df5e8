"""Reads behind the framework pages: the tree, diffs, the chain of steering, responsibilities."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from digiplan.frameworks import access
from digiplan.frameworks.access import visible_items
from digiplan.frameworks.models import (
    FollowUp,
    Framework,
    FrameworkVersion,
    Item,
    Responsibility,
    Scale,
    VersionStatus,
)
from digiplan.organisations.access import memberships_of
from digiplan.organisations.models import Group, Huvudman, Membership, Person, RoleTitle


def item_tree(version: FrameworkVersion) -> list[Item]:
    """Items in reading order, each with .depth, .position and .siblings for the page."""
    items = list(
        version.items.select_related("scale")
        .prefetch_related("links__version__framework")
        .order_by("order", "code")
    )
    children: dict[int | None, list[Item]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    ordered: list[Item] = []

    def walk(parent_id: int | None, depth: int) -> None:
        siblings = children.get(parent_id, [])
        for position, item in enumerate(siblings):
            # Read by the page's template: where the item sits among its siblings.
            item.depth, item.position, item.sibling_count = depth, position, len(siblings)  # type: ignore[attr-defined]
            ordered.append(item)
            walk(item.pk, depth + 1)

    walk(None, 0)
    return ordered


def current_version(framework: Framework) -> FrameworkVersion | None:
    return framework.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


@dataclass
class VersionDiff:
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    changed: list[tuple[Item, Item, list[str]]] = field(default_factory=list)
    responsibilities_added: list[str] = field(default_factory=list)
    responsibilities_removed: list[str] = field(default_factory=list)
    targets_added: list[str] = field(default_factory=list)
    targets_removed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


DIFF_FIELDS = (
    "kind",
    "title",
    "description",
    "respondent",
    "level_descriptions",
    "school_forms",
    "translations",
)


def _signature(item: Item) -> dict[str, Any]:
    data = {f: getattr(item, f) for f in DIFF_FIELDS}
    data["scale"] = item.scale.name if item.scale is not None else ""
    data["parent"] = item.parent.code if item.parent is not None else ""
    data["links"] = sorted(f"{link.version.framework.slug}:{link.code}" for link in item.links.all())
    return data


def version_diff(old: FrameworkVersion, new: FrameworkVersion) -> VersionDiff:
    """What changed from old to new, item by item (items are matched by their code)."""

    def load(version: FrameworkVersion) -> dict[str, Item]:
        return {
            i.code: i
            for i in version.items.select_related("scale", "parent").prefetch_related(
                "links__version__framework"
            )
        }

    before, after = load(old), load(new)
    diff = VersionDiff()
    diff.added = [after[c] for c in sorted(after.keys() - before.keys())]
    diff.removed = [before[c] for c in sorted(before.keys() - after.keys())]
    for code in sorted(before.keys() & after.keys()):
        a, b = _signature(before[code]), _signature(after[code])
        fields = [f for f in a if a[f] != b[f]]
        if fields:
            diff.changed.append((before[code], after[code], fields))

    def texts(version: FrameworkVersion, related: str) -> set[str]:
        if related == "responsibilities":
            return {
                f"{r.get_role_display()}{' (' + r.role_title + ')' if r.role_title else ''}: {r.text}"
                if r.role and not r.group_id
                else f"{r.holder_label}: {r.text}"
                for r in version.responsibilities.select_related("group")
            }
        return {
            f"{t.metric} {t.school_form} {t.grade_band} = {t.value}".replace("  ", " ")
            for t in version.targets.all()
        }

    r_old, r_new = texts(old, "responsibilities"), texts(new, "responsibilities")
    diff.responsibilities_added = sorted(r_new - r_old)
    diff.responsibilities_removed = sorted(r_old - r_new)
    t_old, t_new = texts(old, "targets"), texts(new, "targets")
    diff.targets_added = sorted(t_new - t_old)
    diff.targets_removed = sorted(t_old - t_new)
    return diff


def chain_up(item: Item, person: Person) -> list[dict[str, Any]]:
    """The items this one derives from, and theirs, up to the national strategy: a nested list
    of {"item": item, "ancestors": [...], "up": [...]}."""
    visible = set(visible_items(person).values_list("pk", flat=True))

    def up(current: Item, seen: frozenset[int]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = []
        for target in current.links.select_related("version__framework").all():
            if target.pk in seen or target.pk not in visible:
                continue
            result.append(
                {"item": target, "ancestors": _ancestors(target), "up": up(target, seen | {target.pk})}
            )
        # The item's own parents count as well: a goal under an area inherits the area's links.
        if not result and current.parent is not None:
            parent = current.parent
            return (
                [
                    {
                        "item": parent,
                        "ancestors": _ancestors(parent),
                        "up": up(parent, seen | {parent.pk}),
                        "is_parent": True,
                    }
                ]
                if parent.pk not in seen
                else []
            )
        return result

    return up(item, frozenset({item.pk}))


def _ancestors(item: Item) -> list[Item]:
    chain: list[Item] = []
    current = item.parent
    while current is not None:
        chain.insert(0, current)
        current = current.parent
    return chain


def chain_down(item: Item, person: Person, depth: int = 0) -> list[dict[str, Any]]:
    """Everything that cites this item, from the person's own huvudman and the built-ins."""
    if depth > 10:
        return []
    cited_by = visible_items(person).filter(links=item).select_related("version__framework")
    return [{"item": d, "down": chain_down(d, person, depth + 1)} for d in cited_by]


def my_responsibilities(person: Person) -> list[dict[str, Any]]:
    """Duties the current published frameworks of the person's huvudman give them, grouped by
    framework: through a title they hold, a group they belong to (as a member or by title), or
    (for a duty named by access role alone) their access role. Matched by identity: the
    document's spelling of a title plays no part, and an outside party's duty is no one's."""
    memberships = list(memberships_of(person))
    huvudman_id = person.huvudman_id
    if huvudman_id is None:
        return []
    titles = {m.title_id for m in memberships if m.title_id is not None}
    title_names = {m.title.name.strip().lower() for m in memberships if m.title is not None}
    groups = held_groups(person, huvudman_id, titles)
    roles = {m.role for m in memberships}
    query = (
        Responsibility.objects.filter(
            version__status=VersionStatus.PUBLISHED, version__framework__huvudman_id=huvudman_id
        )
        .filter(
            Q(title_id__in=titles)
            | Q(group_id__in=groups)
            | Q(title__isnull=True, group__isnull=True, party="", role__in=roles)
        )
        .select_related("version__framework", "area", "title", "group")
        .order_by("version__framework__name", "area__order", "order")
    )
    places = _places(memberships)
    by_version: dict[int, dict[str, Any]] = {}
    for responsibility in query:
        # Read by the page's template: the duty is theirs by title or group; a duty reached by
        # role alone is only marked when its wording is one of their titles (already theirs).
        by_identity = responsibility.title_id is not None or responsibility.group_id is not None
        worded = responsibility.role_title.strip().lower() in title_names
        responsibility.matches_title = by_identity or worded  # type: ignore[attr-defined]
        responsibility.places = (  # type: ignore[attr-defined]
            places.get(("title", responsibility.title_id), [])
            if responsibility.title_id
            else []
            if responsibility.group_id
            else places.get(("role", responsibility.role), [])
        )
        entry = by_version.setdefault(
            responsibility.version_id, {"version": responsibility.version, "items": []}
        )
        entry["items"].append(responsibility)
    return list(by_version.values())


def held_groups(person: Person, huvudman_id: int, title_ids: set[int]) -> set[int]:
    """The huvudman's groups the person belongs to: named as a member, or holding a title the
    group includes."""
    return set(
        Group.objects.filter(huvudman_id=huvudman_id)
        .filter(Q(members=person) | Q(titles__in=title_ids))
        .values_list("pk", flat=True)
    )


def _places(memberships: list[Membership]) -> dict[tuple[str, object], list[str]]:
    """The units the person serves at, by role and by title."""
    places: dict[tuple[str, object], list[str]] = {}
    for m in memberships:
        places.setdefault(("role", m.role), []).append(m.organisation.name)
        if m.title_id is not None:
            places.setdefault(("title", m.title_id), []).append(m.organisation.name)
    return places


def linkable_items(person: Person, version: FrameworkVersion) -> QuerySet[Item]:
    """Items an item of this version may link to: its own version's items and the published
    items of every framework the person can read, except this framework's other versions."""
    return (
        visible_items(person)
        .filter(Q(version=version) | Q(version__status=VersionStatus.PUBLISHED))
        .exclude(Q(version__framework=version.framework) & ~Q(version=version))
        .select_related("version__framework")
        .order_by("version__framework__name", "order", "code")
    )


def readable_scales(person: Person) -> QuerySet[Scale]:
    """The built-in scales and the person's huvudman's own."""
    return Scale.objects.filter(Q(huvudman__isnull=True) | Q(huvudman_id=person.huvudman_id))


@dataclass
class FrameworkRow:
    framework: Framework
    current: FrameworkVersion | None  # the latest published version
    draft: FrameworkVersion | None


@dataclass
class FrameworkLists:
    own: list[FrameworkRow]
    builtin: list[FrameworkRow]


def framework_lists(person: Person) -> FrameworkLists:
    """The frameworks on the list page with their current published version and their draft.
    A framework with neither is left out, and one with only a draft unless the person may
    edit it."""
    lists = FrameworkLists(own=[], builtin=[])
    for framework in access.readable_frameworks(person).prefetch_related("versions"):
        versions = list(framework.versions.all())
        current = next(
            (
                v
                for v in sorted(versions, key=lambda v: -(v.number or 0))
                if v.status == VersionStatus.PUBLISHED
            ),
            None,
        )
        draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
        if current is None and (draft is None or not access.can_edit(person, framework)):
            continue
        row = FrameworkRow(framework=framework, current=current, draft=draft)
        (lists.builtin if framework.is_builtin else lists.own).append(row)
    return lists


def template_versions(huvudman: Huvudman) -> QuerySet[FrameworkVersion]:
    """The published versions a new framework of the huvudman may start as a copy of."""
    return (
        FrameworkVersion.objects.filter(
            Q(framework__huvudman__isnull=True) | Q(framework__huvudman=huvudman),
            status=VersionStatus.PUBLISHED,
        )
        .select_related("framework")
        .order_by("framework__name")
    )


def version_list(framework: Framework, *, with_drafts: bool) -> QuerySet[FrameworkVersion]:
    """The framework's versions, newest first (a draft, without a number, before them all)."""
    versions = framework.versions.order_by(F("number").desc(nulls_first=True))
    return versions if with_drafts else versions.exclude(status=VersionStatus.DRAFT)


def version_parts(version: FrameworkVersion) -> dict[str, Any]:
    """What the version page shows beside the item tree."""
    return {
        "items": item_tree(version),
        "responsibilities": version.responsibilities.select_related("area", "title", "group"),
        "targets": version.targets.select_related("item", "owner_title", "owner_group"),
        "has_draft": version.framework.versions.filter(status=VersionStatus.DRAFT).exists(),
        "follow_ups": version.follow_ups.all(),
        "expired": version.is_expired(timezone.localdate()),
    }


def readable_versions(person: Person, framework: Framework) -> list[FrameworkVersion]:
    """The framework's versions the person may read, newest first."""
    return [v for v in version_list(framework, with_drafts=True) if access.can_read_version(person, v)]


def sibling_ids(item: Item) -> list[int]:
    """The ids of the item and its siblings, in their order."""
    return list(
        Item.objects.filter(version_id=item.version_id, parent_id=item.parent_id)
        .order_by("order", "code")
        .values_list("pk", flat=True)
    )


def link_ids(item: Item) -> list[int]:
    """The ids of the items this item derives from."""
    return list(item.links.values_list("pk", flat=True))


# A follow-up date is a task from this many days before it until this many days after it.
TASK_LEAD_DAYS = 30
TASK_GRACE_DAYS = 30
# A period of validity that ends within this many days is a task: the plan needs revising.
EXPIRY_LEAD_DAYS = 90


@dataclass(frozen=True)
class PlanTask:
    """Something the strategist must do because of a plan's dates."""

    kind: str  # "follow_up" | "expires" | "expired"
    date: date
    text: str
    version: FrameworkVersion
    follow_up: FollowUp | None = None  # the date to mark done, for a follow-up


def plan_tasks(huvudman_id: int, today: date) -> list[PlanTask]:
    """The tasks the dates of the huvudman's published frameworks give on a day, by date."""
    versions = FrameworkVersion.objects.filter(
        framework__huvudman_id=huvudman_id, status=VersionStatus.PUBLISHED
    ).select_related("framework")
    tasks: list[PlanTask] = []
    for version in versions:
        if version.valid_to is not None and version.valid_to < today:
            tasks.append(PlanTask("expired", version.valid_to, "", version))
        elif version.valid_to is not None and version.valid_to <= today + timedelta(days=EXPIRY_LEAD_DAYS):
            tasks.append(PlanTask("expires", version.valid_to, "", version))
    # A follow-up is a task from a month before its date until it is marked done, or until the
    # grace period after it has passed: a plan entered with years of past dates would otherwise
    # flood the start page.
    follow_ups = FollowUp.objects.filter(
        version__in=versions,
        done_on__isnull=True,
        date__gte=today - timedelta(days=TASK_GRACE_DAYS),
        date__lte=today + timedelta(days=TASK_LEAD_DAYS),
    ).select_related("version__framework")
    tasks.extend(PlanTask("follow_up", f.date, f.text, f.version, f) for f in follow_ups)
    return sorted(tasks, key=lambda task: (task.date, task.version.framework.name))


def holder_titles(version: FrameworkVersion) -> QuerySet[RoleTitle]:
    """The role titles a duty or target of the version may name: its huvudman's own."""
    return RoleTitle.objects.filter(huvudman=version.framework.huvudman)


def holder_groups(version: FrameworkVersion) -> QuerySet[Group]:
    return Group.objects.filter(huvudman=version.framework.huvudman)
