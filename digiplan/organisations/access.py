"""What a person's memberships reach in the tree. Every view asks here, never the models."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from digiplan.organisations.models import Membership, Organisation, Person, Role


def _prefix_filter(paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def memberships_of(person: Person) -> QuerySet[Membership]:
    if not person.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(person=person, organisation__is_active=True).select_related(
        "organisation", "title"
    )


def _paths(person: Person, roles: tuple[str, ...] | None = None) -> list[str]:
    cached = getattr(person, "_membership_paths", None)
    if cached is None:
        cached = list(memberships_of(person).values_list("role", "organisation__path"))
        person._membership_paths = cached
    return [path for role, path in cached if roles is None or role in roles]


def membership_paths(person: Person, roles: tuple[str, ...] | None = None) -> list[str]:
    """Tree paths of the person's memberships (of the given roles): each reaches what is below."""
    return _paths(person, roles) if person.is_authenticated else []


def reachable_nodes(person: Person) -> QuerySet[Organisation]:
    """Every node some membership of the person reaches: its own node and all below it."""
    if not person.is_authenticated or person.huvudman_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(_prefix_filter(_paths(person)), huvudman_id=person.huvudman_id)


def managed_nodes(person: Person) -> QuerySet[Organisation]:
    """Nodes the person may change: those below a strategist membership."""
    if not person.is_authenticated or person.huvudman_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        _prefix_filter(_paths(person, (Role.STRATEGIST,))), huvudman_id=person.huvudman_id
    )


def is_strategist(person: Person) -> bool:
    return bool(person.is_authenticated and _paths(person, (Role.STRATEGIST,)))


def can_manage(person: Person, node: Organisation) -> bool:
    return (
        person.is_authenticated
        and node.huvudman_id == person.huvudman_id
        and any(node.path.startswith(p) for p in _paths(person, (Role.STRATEGIST,)))
    )


def can_read(person: Person, node: Organisation) -> bool:
    return (
        person.is_authenticated
        and node.huvudman_id == person.huvudman_id
        and any(node.path.startswith(p) for p in _paths(person))
    )


def get_node_for_user(person: Person, pk: int) -> tuple[Organisation, bool]:
    """The node and whether the person may change it; 404 when it is out of their reach,
    so that another huvudman's ids reveal nothing."""
    node = Organisation.objects.filter(pk=pk).select_related("parent", "huvudman").first()
    if node is None or not can_read(person, node):
        raise Http404
    return node, can_manage(person, node)


def people_in_reach(person: Person) -> QuerySet[Person]:
    """People with a membership somewhere the person manages."""
    if not is_strategist(person) or person.huvudman_id is None:
        return Person.objects.none()
    return Person.objects.filter(huvudman_id=person.huvudman_id)


def require_strategist(person: Person):
    """The huvudman of a strategist; PermissionDenied for anyone else (the pages of people,
    imports and personal data are theirs alone)."""
    if not is_strategist(person):
        raise PermissionDenied
    return person.huvudman


def person_for_strategist(strategist: Person, pk: int) -> Person:
    """A person of the strategist's huvudman; 404 when out of their reach."""
    require_strategist(strategist)
    person = people_in_reach(strategist).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def strategist_huvudman(person: Person):
    """The huvudman a strategist works for, or None."""
    return person.huvudman if is_strategist(person) else None
