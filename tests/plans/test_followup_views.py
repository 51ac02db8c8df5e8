"""The spring follow-up page: outcomes and reflections per goal, done or not per activity, the
summary, finishing; conflicts and bad input lose nothing; a followed-up plan is read-only."""

from django.urls import reverse

from digiplan.plans import services
from digiplan.plans.models import ActivityStatus, GoalOutcome, PlanStatus
from tests.plan_helpers import build_plan


def _url(plan):
    return reverse("plan_follow_up", args=[plan.pk])


def _form_data(response) -> dict:
    """Everything the page's form would post as it stands."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def test_the_editors_open_the_follow_up(world, client_for):
    fx = build_plan(world)
    for persona, status in (
        ("leader_a", 200),
        ("strategist", 200),
        ("staff", 403),
        ("leader_b", 404),
        ("other_strategist", 404),
    ):
        response = client_for(persona).get(_url(fx.plan))
        assert response.status_code == status, persona
    page = client_for("leader_a").get(_url(fx.plan)).content.decode()
    assert fx.goal.title in page and fx.activity.title in page


def test_staff_cannot_post_a_follow_up(world, client_for):
    fx = build_plan(world)
    response = client_for("staff").post(
        _url(fx.plan), {f"outcome_{fx.goal.pk}": GoalOutcome.ACHIEVED, "action": "finish"}
    )
    assert response.status_code == 403
    fx.goal.refresh_from_db()
    assert fx.goal.outcome == ""


def test_saving_records_each_goal_and_activity(world, client_for):
    fx = build_plan(world)
    client = client_for("leader_a")
    data = _form_data(client.get(_url(fx.plan)))
    data.update(
        {
            f"outcome_{fx.goal.pk}": GoalOutcome.PARTLY,
            f"reflection_{fx.goal.pk}": "Hälften kom igång.",
            f"done_{fx.activity.pk}": "done",
            f"note_{fx.activity.pk}": "Fyra träffar hölls.",
            "summary": "Ett bra år.",
            "action": "save",
        }
    )
    response = client.post(_url(fx.plan), data)
    assert response.status_code == 302 and response["Location"] == _url(fx.plan)
    fx.goal.refresh_from_db()
    fx.activity.refresh_from_db()
    fx.plan.refresh_from_db()
    assert (fx.goal.outcome, fx.goal.reflection) == (GoalOutcome.PARTLY, "Hälften kom igång.")
    assert fx.activity.status == ActivityStatus.DONE
    assert fx.activity.follow_up_note == "Fyra träffar hölls."
    assert fx.plan.summary == "Ett bra år." and fx.plan.status == PlanStatus.PUBLISHED
    # The page comes back as saved.
    again = _form_data(client.get(_url(fx.plan)))
    assert again[f"outcome_{fx.goal.pk}"] == GoalOutcome.PARTLY
    assert again[f"done_{fx.activity.pk}"] == "done"


def test_an_activity_marked_not_done_stays_open_for_next_year(world, client_for):
    fx = build_plan(world)
    client = client_for("leader_a")
    data = _form_data(client.get(_url(fx.plan)))
    data.update(
        {f"done_{fx.activity.pk}": "not_done", f"note_{fx.activity.pk}": "Hann inte.", "action": "save"}
    )
    client.post(_url(fx.plan), data)
    fx.activity.refresh_from_db()
    assert fx.activity.status == ActivityStatus.PLANNED
    assert fx.activity.follow_up_note == "Hann inte."


def test_finishing_without_every_outcome_is_refused_and_keeps_the_typing(world, client_for):
    fx = build_plan(world)
    second = services.goal_create(actor=world.leader_a, plan=fx.plan, title="Andra målet")
    client = client_for("leader_a")
    data = _form_data(client.get(_url(fx.plan)))
    data.update(
        {
            f"outcome_{fx.goal.pk}": GoalOutcome.ACHIEVED,
            f"reflection_{second.pk}": "Vi hann inte börja.",
            "summary": "Sammanfattning",
            "action": "finish",
        }
    )
    response = client.post(_url(fx.plan), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"outcome_{second.pk}"]
    assert form[f"reflection_{second.pk}"].value() == "Vi hann inte börja."
    assert form["summary"].value() == "Sammanfattning"
    fx.plan.refresh_from_db()
    assert fx.plan.status == PlanStatus.PUBLISHED
    # The goal that was complete is saved on its own.
    fx.goal.refresh_from_db()
    assert fx.goal.outcome == GoalOutcome.ACHIEVED


def test_finishing_freezes_the_plan_and_the_page_shows_the_follow_up(world, client_for):
    fx = build_plan(world)
    client = client_for("leader_a")
    data = _form_data(client.get(_url(fx.plan)))
    data.update(
        {
            f"outcome_{fx.goal.pk}": GoalOutcome.NOT_ACHIEVED,
            f"reflection_{fx.goal.pk}": "Verktygen kom sent.",
            f"done_{fx.activity.pk}": "not_done",
            f"note_{fx.activity.pk}": "Flyttas.",
            "summary": "Vi tar med studiecirkeln till nästa år.",
            "action": "finish",
        }
    )
    response = client.post(_url(fx.plan), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[fx.plan.pk])
    fx.plan.refresh_from_db()
    assert fx.plan.status == PlanStatus.FOLLOWED_UP
    assert fx.plan.summary == "Vi tar med studiecirkeln till nästa år."
    page = client_for("staff").get(reverse("plan_detail", args=[fx.plan.pk])).content.decode()
    assert "Vi tar med studiecirkeln till nästa år." in page
    assert "Verktygen kom sent." in page and "Flyttas." in page
    # Opening the follow-up again leads to the plan; posting changes nothing.
    assert client.get(_url(fx.plan))["Location"] == reverse("plan_detail", args=[fx.plan.pk])
    data[f"reflection_{fx.goal.pk}"] = "Ändrat efteråt"
    client.post(_url(fx.plan), data)
    fx.goal.refresh_from_db()
    assert fx.goal.reflection == "Verktygen kom sent."


def test_a_megabyte_reflection_is_refused_and_nothing_is_lost(world, client_for):
    fx = build_plan(world)
    client = client_for("leader_a")
    data = _form_data(client.get(_url(fx.plan)))
    huge = "x" * 1_000_000
    data.update(
        {
            f"outcome_{fx.goal.pk}": GoalOutcome.ACHIEVED,
            f"reflection_{fx.goal.pk}": huge,
            f"note_{fx.activity.pk}": "Kort notis",
            f"done_{fx.activity.pk}": "done",
            "action": "save",
        }
    )
    response = client.post(_url(fx.plan), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"reflection_{fx.goal.pk}"]
    assert form[f"reflection_{fx.goal.pk}"].value() == huge
    assert form[f"note_{fx.activity.pk}"].value() == "Kort notis"
    assert response.context["error_links"]
    fx.goal.refresh_from_db()
    fx.activity.refresh_from_db()
    assert fx.goal.outcome == "" and fx.activity.status == ActivityStatus.PLANNED


def test_two_people_following_up_the_same_goal(world, client_for):
    fx = build_plan(world)
    first, second = client_for("leader_a"), client_for("strategist")
    first_data = _form_data(first.get(_url(fx.plan)))
    second_data = _form_data(second.get(_url(fx.plan)))
    first_data.update(
        {
            f"outcome_{fx.goal.pk}": GoalOutcome.ACHIEVED,
            f"reflection_{fx.goal.pk}": "Annas bild",
            "action": "save",
        }
    )
    assert first.post(_url(fx.plan), first_data).status_code == 302
    second_data.update(
        {
            f"outcome_{fx.goal.pk}": GoalOutcome.PARTLY,
            f"reflection_{fx.goal.pk}": "Saras bild",
            f"done_{fx.activity.pk}": "done",
            "action": "save",
        }
    )
    response = second.post(_url(fx.plan), second_data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Annas bild" in page and "Saras bild" in page
    fx.goal.refresh_from_db()
    assert (fx.goal.outcome, fx.goal.reflection) == (GoalOutcome.ACHIEVED, "Annas bild")
    # The activity, which nobody else touched, was saved.
    fx.activity.refresh_from_db()
    assert fx.activity.status == ActivityStatus.DONE
    # Saving again after seeing both replaces the stored one on purpose.
    again = _form_data(response)
    again["action"] = "save"
    assert second.post(_url(fx.plan), again).status_code == 302
    fx.goal.refresh_from_db()
    assert fx.goal.reflection == "Saras bild"


def test_a_draft_cannot_be_followed_up(world, client_for):
    plan = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2026/27")
    goal = services.goal_create(actor=world.leader_a, plan=plan, title="Utkastmål")
    client = client_for("leader_a")
    response = client.get(_url(plan))
    assert response.status_code == 200 and not response.context["open"]
    client.post(
        _url(plan),
        {
            f"outcome_{goal.pk}": GoalOutcome.ACHIEVED,
            "action": "finish",
            "revision": 0,
            f"goal_revision_{goal.pk}": 0,
        },
    )
    goal.refresh_from_db()
    plan.refresh_from_db()
    assert goal.outcome == "" and plan.status == PlanStatus.DRAFT


def test_html_in_a_reflection_is_shown_escaped(world, client_for):
    fx = build_plan(world)
    client = client_for("leader_a")
    data = _form_data(client.get(_url(fx.plan)))
    data.update(
        {
            f"outcome_{fx.goal.pk}": GoalOutcome.ACHIEVED,
            f"reflection_{fx.goal.pk}": "<script>alert(1)</script>",
            "action": "finish",
        }
    )
    client.post(_url(fx.plan), data)
    page = client.get(reverse("plan_detail", args=[fx.plan.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
