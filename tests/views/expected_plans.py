"""Who may open the plan pages, on the published plan of unit A (tests/plan_helpers.build_plan).
Staff of the unit read the plan; its editors are the unit's leader and the strategist; another
unit's leader and another huvudman see nothing (404)."""

from tests.conftest import PERSONAS
from tests.plan_helpers import build_plan

LOGIN = "login-redirect"
SIGNED_IN_200 = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}
PLAN_READERS = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 200,
    "leader_b": 404,
    "staff": 200,
    "other_strategist": 404,
}
PLAN_EDITORS = {**PLAN_READERS, "staff": 403}
# Everyone who leads a unit or manages a part of the organisation may start a plan.
PLANNERS = {**SIGNED_IN_200, "staff": 403}
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}
assert set(PLAN_READERS) == set(PLAN_EDITORS) == set(PLANNERS) == set(PERSONAS)


def _plan(world):
    return {"pk": build_plan(world).plan.pk}


def _goal(world):
    fx = build_plan(world)
    return {"pk": fx.plan.pk, "goal_pk": fx.goal.pk}


def _item(world):
    fx = build_plan(world)
    return {"pk": fx.plan.pk, "item_pk": fx.items["LED.L1"].pk}


EXPECTED = {
    "plan_list": (None, SIGNED_IN_200),
    "plan_create": (None, PLANNERS),
    "plan_detail": (_plan, PLAN_READERS),
    "plan_edit": (_plan, PLAN_EDITORS),
    "plan_publish": (_plan, POST_ONLY),
    "goal_create": (_plan, PLAN_EDITORS),
    "goal_edit": (_goal, PLAN_EDITORS),
    "goal_delete": (_goal, POST_ONLY),
    "suggestion_accept": (_item, POST_ONLY),
    "suggestion_dismiss": (_item, POST_ONLY),
    "plan_follow_up": (_plan, PLAN_EDITORS),
}
