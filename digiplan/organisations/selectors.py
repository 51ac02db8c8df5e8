"""Reads of the organisation tree and its people for the pages: each scoped to what the viewer
reaches (organisations.access) and shaped as the page shows it."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from digiplan.organisations import access
from digiplan.organisations.models import (
    Group,
    Huvudman,
    Membership,
    Organisation,
    OrganisationType,
    Person,
    PupilCount,
    Role,
    RoleTitle,
    UnitSchoolForm,
)


@dataclass(frozen=True)
class TreeRow:
    """A node of the tree page, indented by level (0: the top node the viewer reaches). The
    node carries member_count and pupil_total."""

    node: Organisation
    level: int


def organisation_tree(*, viewer: Person, show_inactive: bool, query: str) -> list[TreeRow]:
    """The nodes the viewer reaches, in tree order, with their member count and pupil total."""
    # The pupils in a subquery of their own: summed over the join with the memberships, each
    # count was multiplied by the unit's number of roles (issue 16).
    pupils = (
        PupilCount.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(total=Sum("pupils"))
        .values("total")
    )
    nodes = access.reachable_nodes(viewer).annotate(
        member_count=Count("memberships", distinct=True),
        pupil_total=Subquery(pupils),
    )
    if not show_inactive:
        nodes = nodes.filter(is_active=True)
    if query:
        nodes = nodes.filter(Q(name__icontains=query) | Q(school_unit_code=query))
    found = list(nodes.order_by("path"))
    top = min((n.depth for n in found), default=0)
    return [TreeRow(node=n, level=n.depth - top) for n in found]


@dataclass(frozen=True)
class NodeDetail:
    ancestors: list[Organisation]  # those the viewer may read, top first
    children: QuerySet[Organisation]
    memberships: QuerySet[Membership]  # none for a reader of a node above the units
    school_forms: list[UnitSchoolForm]
    pupil_counts: list[PupilCount]
    pupil_total: int


def node_detail(*, viewer: Person, node: Organisation, can_manage: bool) -> NodeDetail:
    """What the node's page shows: who works there only to those who manage it, or at a unit."""
    ancestors = Organisation.objects.filter(pk__in=node.ancestor_ids()[:-1]).order_by("path")
    memberships = node.memberships.select_related("person", "title").order_by("role", "person__name")
    counts = list(node.pupil_counts.all())
    return NodeDetail(
        ancestors=[a for a in ancestors if access.can_read(viewer, a)],
        children=node.children.order_by("-is_active", "name"),
        memberships=memberships if can_manage or node.is_unit else memberships.none(),
        school_forms=list(node.school_forms.all()),
        pupil_counts=counts,
        pupil_total=sum(c.pupils for c in counts),
    )


def move_targets(*, viewer: Person, node: Organisation) -> QuerySet[Organisation]:
    """Where the viewer may move the node: active nodes they manage, outside its own subtree,
    that are not school units."""
    return (
        access.managed_nodes(viewer)
        .filter(is_active=True)
        .exclude(path__startswith=node.path)
        .exclude(type=OrganisationType.SKOLENHET)
    )


def membership_places(viewer: Person) -> QuerySet[Organisation]:
    """Where the viewer may give someone a role: the active nodes they manage."""
    return access.managed_nodes(viewer).filter(is_active=True)


def people_search(*, viewer: Person, query: str, role: str) -> QuerySet[Person]:
    """The people the viewer manages, by name, by a word of the name or e-mail, and by role."""
    people = access.people_in_reach(viewer).order_by("name")
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    if role in Role.values:
        people = people.filter(memberships__role=role).distinct()
    return people


def memberships_by_person(people: Sequence[Person]) -> dict[int, list[Membership]]:
    """The memberships of a page of people, in one query."""
    by_person: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(person__in=list(people)).select_related("organisation", "title"):
        by_person.setdefault(m.person_id, []).append(m)
    return by_person


def person_memberships(person: Person) -> QuerySet[Membership]:
    return person.memberships.select_related("organisation", "title").order_by("organisation__path")


def role_titles(huvudman: Huvudman | None) -> QuerySet[RoleTitle]:
    return RoleTitle.objects.filter(huvudman=huvudman).order_by("role", "name")


def active_unit_count(viewer: Person) -> int:
    """How many active school units the viewer reaches."""
    return access.reachable_nodes(viewer).filter(is_active=True, type=OrganisationType.SKOLENHET).count()


def own_memberships(viewer: Person) -> QuerySet[Membership]:
    """The viewer's roles at active nodes, in tree order."""
    return access.memberships_of(viewer).order_by("organisation__path")


def plan_groups(huvudman: Huvudman | None) -> QuerySet[Group]:
    """The huvudman's groups with their members and titles, for the groups page."""
    return Group.objects.filter(huvudman=huvudman).prefetch_related("members", "titles").order_by("name")


def group_member_choices(huvudman: Huvudman | None) -> QuerySet[Person]:
    return Person.objects.filter(huvudman=huvudman, is_active=True).order_by("name")
