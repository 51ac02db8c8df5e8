"""A published plan of unit A on top of the shared closed campaign: a goal, an activity owned by
the staff persona, and a published example activity in the library."""

import datetime
from types import SimpleNamespace

from digiplan.plans import services
from digiplan.plans.models import PlanStatus


def closed_campaign(world):
    from tests.views.expected_results import _closed_campaign

    return _closed_campaign(world), world._campaign


def build_plan(world, *, publish=True) -> SimpleNamespace:
    """Cached on the world, like the campaign, so that expectation files share one."""
    fx = getattr(world, "_plan", None)
    if fx is not None:
        return fx
    campaign, cfx = closed_campaign(world)
    item = cfx.items["KOMP.P1"]
    entry = services.library_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        title="Studiecirkel om lärplattformen",
        description="Fyra träffar i arbetslaget.",
        items=[cfx.items["KOMP"]],
        duration="Fyra veckor",
        publish=True,
    )
    plan = services.plan_create(
        actor=world.leader_a,
        organisation=world.unit_a,
        school_year="2026/27",
        follow_up_due=datetime.date(2027, 5, 31),
    )
    goal = services.goal_create(
        actor=world.leader_a,
        plan=plan,
        title="Tryggare med verktygen",
        items=[item],
        target_text="medel minst 4",
    )
    activity = services.activity_from_library(
        actor=world.leader_a,
        plan=plan,
        library_activity=entry,
        goal=goal,
        owner=world.staff,
        starts_on=datetime.date(2026, 9, 1),
        due_on=datetime.date(2027, 3, 31),
    )
    if publish:
        plan = services.plan_publish(actor=world.leader_a, plan=plan)
    assert plan.status == (PlanStatus.PUBLISHED if publish else PlanStatus.DRAFT)
    fx = SimpleNamespace(
        plan=plan, goal=goal, activity=activity, entry=entry, item=item, campaign=campaign, items=cfx.items
    )
    world._plan = fx
    return fx
