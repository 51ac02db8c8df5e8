"""The people an activity may name, as its form offers them: the plan's own node first, grouped
by the role each has there, then everyone else the plan may name (issue 16: 94 names in one
unordered list made a page 6,500 px tall)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Membership, Person, Role
from digiplan.plans.models import Plan

# The groups in the order the form shows them, each named in the plural.
ROLE_GROUPS = (
    (Role.UNIT_LEADER, _("Unit leaders")),
    (Role.COORDINATOR, _("Coordinators")),
    (Role.STAFF, _("Staff")),
    (Role.STRATEGIST, _("Strategists")),
    (Role.VIEWER, _("Viewers")),
)
ELSEWHERE = _("Elsewhere in the organisation")

PeopleGroups = list[tuple[str, list[tuple[int, str]]]]


def people_groups(plan: Plan, people: QuerySet[Person]) -> PeopleGroups:
    """(group label, [(person id, name), …]) for the people, by name within each group. A person
    with several roles at the node is in the first of their groups only; empty groups are
    left out. Two queries."""
    order: list[str] = [role.value for role, _label in ROLE_GROUPS]
    best: dict[int, int] = {}
    at_node = Membership.objects.filter(organisation=plan.organisation, person__in=people)
    for person_id, role in at_node.values_list("person_id", "role"):
        rank = order.index(role) if role in order else len(order) - 1
        best[person_id] = min(rank, best.get(person_id, rank))
    groups: list[list[tuple[int, str]]] = [[] for _role in order]
    elsewhere: list[tuple[int, str]] = []
    for pk, name in people.order_by("name", "pk").values_list("pk", "name"):
        (groups[best[pk]] if pk in best else elsewhere).append((pk, name))
    shown = [(str(label), members) for (_role, label), members in zip(ROLE_GROUPS, groups, strict=True)]
    return [(label, members) for label, members in [*shown, (str(ELSEWHERE), elsewhere)] if members]
