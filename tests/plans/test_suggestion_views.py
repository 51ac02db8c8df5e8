"""The suggestions on a plan's page, as its readers and editors use them: listed with the library's
matching activities, accepted with the server's figures, dismissed."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from digiplan.plans import selectors, services
from digiplan.plans.models import (
    DismissedSuggestion,
    GoalOrigin,
)
from digiplan.plans.views.plans import ERROR_SUGGESTION_GONE
from tests.assessments.test_results import framework, run_campaign
from tests.plans.test_plan_views import (
    _draft,
)

# ---- Suggestions -------------------------------------------------------------------------------


@pytest.fixture
def rated(world):
    """A closed campaign of unit A with real answers, hand-checked below:
    LED.L1 rated 2 of 1–5 (position 0.25: weak; next level 3 "Påbörjad");
    KOMP.L1 rated 4 (position 0.75: not weak);
    LED.P1 staff answers 2, 2, 3, 3, 2 (mean 2.4, position 0.35: weak);
    KOMP.P1 staff all 5 (not weak). Plus a published example activity on the area LED."""
    version = framework(world)
    staff = [{"LED.P1": v, "KOMP.P1": 5} for v in (2, 2, 3, 3, 2)]
    run = run_campaign(
        world, version, {world.unit_a: staff}, leader={world.unit_a: ({"LED.L1": 2, "KOMP.L1": 4}, {})}
    )
    entry = services.library_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        title="Gå igenom planen på APT",
        items=[run.items["LED"]],
        publish=True,
    )
    plan = _draft(world)
    return run, entry, plan


def _accept_url(plan, item):
    return reverse("suggestion_accept", args=[plan.pk, item.pk])


def test_the_plan_page_lists_suggestions_with_matching_library_activities(rated, client_for):
    run, entry, plan = rated
    response = client_for("leader_a").get(reverse("plan_detail", args=[plan.pk]))
    rows = {row["s"].item.code: row for row in response.context["suggestions"]}
    assert {"LED.L1", "LED.P1"} <= set(rows)
    assert "KOMP.L1" not in rows and "KOMP.P1" not in rows
    assert rows["LED.L1"]["s"].activities == [entry]
    page = response.content.decode()
    assert _accept_url(plan, run.items["LED.L1"]) in page and entry.title in page
    # Readers of a published plan never see suggestions.
    plan.goals.create(title="x")
    services.plan_publish(actor=plan.created_by, plan=plan)
    staff = client_for("staff").get(reverse("plan_detail", args=[plan.pk]))
    assert staff.context["suggestions"] == []
    assert _accept_url(plan, run.items["LED.L1"]) not in staff.content.decode()


def test_accepting_a_suggestion_takes_the_figures_from_the_server(rated, client_for):
    run, entry, plan = rated
    item = run.items["LED.L1"]
    prefix = f"s{item.pk}-"
    response = client_for("leader_a").post(
        _accept_url(plan, item),
        {
            f"{prefix}title": "",
            f"{prefix}target_text": "",
            f"{prefix}library": [entry.pk],
            # Forged figures are not fields of the form: they are ignored.
            f"{prefix}baseline": "5",
            "baseline": "5",
            f"{prefix}target": "1",
        },
    )
    assert response.status_code == 302
    goal = plan.goals.get()
    assert goal.origin == GoalOrigin.SUGGESTED
    assert list(goal.items.all()) == [item]
    assert goal.baseline == Decimal("2.00") and goal.target == Decimal("3.00")
    assert goal.target_text == "Påbörjad"
    assert "Planerad" in goal.baseline_text
    assert goal.title == item.title
    activity = goal.activities.get()
    assert activity.library_activity == entry and activity.title == entry.title
    # Accepted: no longer suggested.
    suggested = {s.item.pk for s in selectors.suggestions(plan)}
    assert item.pk not in suggested


def test_accepting_with_an_edited_title_and_target(rated, client_for):
    run, _entry, plan = rated
    item = run.items["LED.P1"]
    prefix = f"s{item.pk}-"
    client_for("strategist").post(
        _accept_url(plan, item),
        {f"{prefix}title": "Alla känner planen", f"{prefix}target_text": "medel minst 4"},
    )
    goal = plan.goals.get()
    assert goal.title == "Alla känner planen" and goal.target_text == "medel minst 4"
    assert goal.baseline == Decimal("2.40")  # 12 / 5, as the answers give it
    assert goal.target is None  # rewritten words carry no figure
    assert not goal.activities.exists()


def test_a_library_entry_that_does_not_match_is_refused(rated, client_for):
    run, _entry, plan = rated
    other = services.library_create(
        actor=None, huvudman=plan.huvudman, title="Annat", items=[run.items["KOMP"]], publish=True
    )
    item = run.items["LED.L1"]
    response = client_for("leader_a").post(_accept_url(plan, item), {f"s{item.pk}-library": [other.pk]})
    assert response.status_code == 400
    assert not plan.goals.exists()


def test_an_item_that_is_not_suggested_cannot_be_accepted(rated, client_for):
    run, _entry, plan = rated
    response = client_for("leader_a").post(_accept_url(plan, run.items["KOMP.L1"]), follow=True)
    assert not plan.goals.exists()
    assert [str(m) for m in response.context["messages"]] == [str(ERROR_SUGGESTION_GONE)]


def test_dismissing_hides_a_suggestion(rated, client_for):
    run, _entry, plan = rated
    item = run.items["LED.P1"]
    url = reverse("suggestion_dismiss", args=[plan.pk, item.pk])
    assert client_for("staff").post(url).status_code == 404  # a draft is out of staff's reach
    assert client_for("leader_b").post(url).status_code == 404
    assert client_for("leader_a").post(url).status_code == 302
    assert DismissedSuggestion.objects.filter(plan=plan, item=item).exists()
    response = client_for("leader_a").get(reverse("plan_detail", args=[plan.pk]))
    codes = [row["s"].item.code for row in response.context["suggestions"]]
    assert "LED.P1" not in codes and "LED.L1" in codes
    assert _accept_url(plan, item) not in response.content.decode()


def test_staff_cannot_accept_on_a_published_plan(rated, client_for):
    run, _entry, plan = rated
    services.goal_create(actor=plan.created_by, plan=plan, title="Ett")
    services.plan_publish(actor=plan.created_by, plan=plan)
    response = client_for("staff").post(_accept_url(plan, run.items["LED.L1"]))
    assert response.status_code == 403
    assert plan.goals.count() == 1


def test_no_html_in_a_suggestion_title_gets_through(rated, client_for):
    run, _entry, plan = rated
    item = run.items["LED.L1"]
    client_for("leader_a").post(
        _accept_url(plan, item), {f"s{item.pk}-title": "<img src=x onerror=alert(1)>"}
    )
    page = client_for("leader_a").get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "<img src=x" not in page
    assert re.search(r"&lt;img src=x onerror=alert\(1\)&gt;", page)
