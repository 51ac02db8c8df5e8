"""Who may read and change plans. Built on the organisation tree's access rules: a membership
reaches its node and everything below it."""

from django.db.models import Q, QuerySet
from django.http import Http404

from digiplan.organisations.access import can_manage, can_read
from digiplan.organisations.access import membership_paths as _paths
from digiplan.organisations.models import Membership, Organisation, Person, Role
from digiplan.plans.models import Activity, Plan, PlanStatus

PLANNERS = (Role.UNIT_LEADER, Role.COORDINATOR)


def can_edit_plan(person: Person, plan: Plan) -> bool:
    """Strategists above the node, and the leaders and coordinators of the node (or above it)."""
    node = plan.organisation
    if not person.is_authenticated or node.huvudman_id != person.huvudman_id:
        return False
    return can_manage(person, node) or any(node.path.startswith(p) for p in _paths(person, PLANNERS))


def can_read_plan(person: Person, plan: Plan) -> bool:
    """Everyone the node's memberships reach reads a published plan; a draft only its editors."""
    if can_edit_plan(person, plan):
        return True
    return plan.status != PlanStatus.DRAFT and can_read(person, plan.organisation)


def can_plan_for(person: Person, node: Organisation) -> bool:
    """May the person start a plan for this node."""
    return (
        person.is_authenticated
        and node.huvudman_id == person.huvudman_id
        and (can_manage(person, node) or any(node.path.startswith(p) for p in _paths(person, PLANNERS)))
    )


def can_update_activity(person: Person, activity: Activity) -> bool:
    """Editors of the plan, and the people the activity names: they mark their own work done."""
    if can_edit_plan(person, activity.plan):
        return True
    if not can_read_plan(person, activity.plan):
        return False
    return activity.owner_id == person.pk or activity.participants.filter(pk=person.pk).exists()


def get_plan_for_user(person: Person, pk: int) -> tuple[Plan, bool]:
    """The plan and whether the person may change it; 404 for anything out of reach, so that
    another huvudman's ids reveal nothing."""
    plan = (
        Plan.objects.filter(pk=pk, huvudman_id=person.huvudman_id)
        .select_related("organisation", "huvudman")
        .first()
        if person.is_authenticated and person.huvudman_id is not None
        else None
    )
    if plan is None or not can_read_plan(person, plan):
        raise Http404
    return plan, can_edit_plan(person, plan)


def readable_plans(person: Person) -> QuerySet[Plan]:
    """Plans the person may open: drafts only where they plan, published ones wherever their
    memberships reach."""
    if not person.is_authenticated or person.huvudman_id is None:
        return Plan.objects.none()
    reach, edit = Q(pk__in=[]), Q(pk__in=[])
    for path in _paths(person):
        reach |= Q(organisation__path__startswith=path)
    for path in _paths(person, (Role.STRATEGIST, *PLANNERS)):
        edit |= Q(organisation__path__startswith=path)
    return Plan.objects.filter(huvudman_id=person.huvudman_id).filter(
        edit | (reach & ~Q(status=PlanStatus.DRAFT))
    )


def eligible_people(plan: Plan) -> QuerySet[Person]:
    """People who may own or take part in an activity: active, of the same huvudman, with a
    membership at the plan's node, below it (a central plan reaches its units) or above it."""
    node = plan.organisation
    ancestors = [p for p in node.path.strip("/").split("/") if p]
    members = Membership.objects.filter(
        Q(organisation__path__startswith=node.path) | Q(organisation_id__in=ancestors),
        huvudman_id=node.huvudman_id,
        organisation__is_active=True,
    )
    return Person.objects.filter(
        huvudman_id=node.huvudman_id, is_active=True, pk__in=members.values("person_id")
    ).order_by("name")
