"""Who may open and change the plan pages, on the published plan of unit A
(tests/plan_helpers.build_plan). Staff of the unit read the plan; its editors are the unit's
leader and the strategist; another unit's leader and another huvudman see nothing (404)."""

from digiplan.assessments import services as assessment_services
from digiplan.plans.models import DismissedSuggestion, Goal, Plan
from tests.factories import PlanFactory
from tests.plan_helpers import build_plan
from tests.views.expected_results import _campaign
from tests.views.matrix import (
    LOGIN,
    POST_ONLY,
    READS,
    SIGNED_IN_200,
    UNIT_A_EDITORS,
    Post,
    Route,
    answers,
    to,
)

PLAN_EDITORS = UNIT_A_EDITORS
PLAN_READERS = {**PLAN_EDITORS, "staff": 200}
# Everyone who leads a unit or manages a part of the organisation may start a plan.
PLANNERS = answers(200, anonymous=LOGIN, staff=403)
EDITORS = ("strategist", "leader_a")


def _plan(world):
    return {"pk": build_plan(world).plan.pk}


def _draft(world):
    """A draft of unit A's plan for next year, with a goal."""
    return {
        "pk": PlanFactory(actor=world.leader_a, organisation=world.unit_a, goals=["Alla har en dator"]).pk
    }


def _goal(world):
    fx = build_plan(world)
    return {"pk": fx.plan.pk, "goal_pk": fx.goal.pk}


def _suggested(world):
    """The leader rated LED.L1 low before the campaign closed: the plan is offered a goal for it."""
    fx = _campaign(world)
    assessment_services.rating_save(
        actor=world.leader_a,
        rating=assessment_services.rating_for(fx.campaign, world.unit_a),
        answers={str(fx.items["LED.L1"].pk): "1", str(fx.items["KOMP.L1"].pk): "5"},
        comments={},
        submit=True,
    )
    plan = build_plan(world)
    return {"pk": plan.plan.pk, "item_pk": plan.items["LED.L1"].pk}


def _revision(world) -> str:
    return str(Plan.objects.get(pk=build_plan(world).plan.pk).revision)


def _follow_up(world) -> dict:
    """The summary written, every goal and activity as they are."""
    fx = build_plan(world)
    fx.goal.refresh_from_db()
    fx.activity.refresh_from_db()
    return {
        "summary": "Studiecirkeln kom igång; fortsätt nästa år.",
        "revision": _revision(world),
        f"goal_revision_{fx.goal.pk}": str(fx.goal.revision),
        f"activity_revision_{fx.activity.pk}": str(fx.activity.revision),
    }


def _goal_as_edited(world) -> dict:
    fx = build_plan(world)
    fx.goal.refresh_from_db()
    return {
        "title": "Tryggare med lärplattformen",
        "items": [fx.item.pk],
        "target_text": fx.goal.target_text,
        "revision": str(fx.goal.revision),
    }


def _editors_write(audit: str, redirect: str, rows=None, body=lambda w: {}, base=PLAN_EDITORS) -> Post:
    return Post({**base, **dict.fromkeys(EDITORS, to(redirect))}, body, EDITORS, (audit,), rows or {})


EXPECTED = {
    "plan_list": Route(get=SIGNED_IN_200, post=READS),
    "plan_create": Route(
        get=PLANNERS,
        # Who plans for other units only is asked again which unit the plan is for.
        post=_editors_write(
            "plan.create",
            "plan_detail",
            {Plan: 1},
            lambda w: {"organisation": w.unit_a.pk, "school_year": "2027/28", "title": ""},
            base=PLANNERS,
        ),
    ),
    "plan_detail": Route(kwargs=_plan, get=PLAN_READERS, post=READS),
    "plan_edit": Route(
        kwargs=_plan,
        get=PLAN_EDITORS,
        post=_editors_write(
            "plan.update",
            "plan_detail",
            body=lambda w: {"title": "Almskolans plan", "introduction": "", "revision": _revision(w)},
        ),
    ),
    # The unit's staff do not see a plan before it is published.
    "plan_publish": Route(
        kwargs=_draft,
        get=POST_ONLY,
        post=_editors_write("plan.publish", "plan_detail", base={**PLAN_EDITORS, "staff": 404}),
    ),
    "goal_create": Route(
        kwargs=_plan,
        get=PLAN_EDITORS,
        post=_editors_write(
            "goal.create", "plan_detail", {Goal: 1}, lambda w: {"title": "Fler digitala prov"}
        ),
    ),
    "goal_edit": Route(
        kwargs=_goal,
        get=PLAN_EDITORS,
        post=_editors_write("goal.update", "plan_detail", body=_goal_as_edited),
    ),
    "goal_delete": Route(
        kwargs=_goal,
        get=POST_ONLY,
        post=_editors_write("goal.delete", "plan_detail", {Goal: -1, Goal.items.through: -1}),
    ),
    "suggestion_accept": Route(
        kwargs=_suggested,
        get=POST_ONLY,
        post=_editors_write("goal.create", "plan_detail", {Goal: 1, Goal.items.through: 1}),
    ),
    "suggestion_dismiss": Route(
        kwargs=_suggested,
        get=POST_ONLY,
        post=_editors_write("goal.dismiss_suggestion", "plan_detail", {DismissedSuggestion: 1}),
    ),
    "plan_follow_up": Route(
        kwargs=_plan,
        get=PLAN_EDITORS,
        post=_editors_write("plan.summary", "plan_follow_up", body=_follow_up),
    ),
}
