"""Closing a campaign writes its results once, as the pages show them at that moment, with every
suppressed figure already reduced to "suppressed"."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digiplan.assessments import selectors, services
from digiplan.assessments.models import (
    Answer,
    Ballot,
    CampaignStatus,
    Draft,
    Participation,
    Response,
    ResultSnapshot,
)
from digiplan.organisations import access
from tests.assessments.test_results import (
    INDICATORS,
    LEADER_A,
    PUPILS_A,
    STAFF_A,
    column,
    expected,
    framework,
    new_unit,
    run_campaign,
)

# Unit B has three staff answers: below k = 5, so nothing of them may be in the snapshot.
STAFF_B = [{"LED.P1": 1, "KOMP.P1": 2}, {"LED.P1": 1, "KOMP.P1": 1}, {"LED.P1": 2, "KOMP.P1": "na"}]


@pytest.fixture
def closed(world):
    return run_campaign(
        world,
        framework(world),
        {world.unit_a: STAFF_A, world.unit_b: STAFF_B},
        pupils={world.unit_a: PUPILS_A},
        leader={world.unit_a: LEADER_A, world.unit_b: ({"LED.L1": 3, "KOMP.L1": "na"}, {})},
    )


def plain(data):
    """As it comes back from a JSON column: lists for tuples, string keys."""
    return json.loads(json.dumps(data))


def walk(data):
    yield data
    if isinstance(data, dict):
        for value in data.values():
            yield from walk(value)
    elif isinstance(data, list):
        for value in data:
            yield from walk(value)


def unit_in(snapshot, unit):
    return next(u for u in snapshot["units"] if u["id"] == unit.pk)


def figures_of(unit_data, group="staff"):
    return {f["code"]: f for area in unit_data["areas"] for f in area["figures"].get(group, [])}


# ---- What is written -------------------------------------------------------------------------


def test_closing_writes_the_results_the_pages_show(world, closed, client_for):
    snapshot = selectors.snapshot_for(closed.campaign)
    assert snapshot is not None and snapshot.data["format"] == selectors.SNAPSHOT_FORMAT
    data = snapshot.data
    # Each unit exactly as its unit page computes it.
    for unit in (world.unit_a, world.unit_b):
        page = selectors.unit_results(closed.campaign, unit)
        assert unit_in(data, unit) == plain(selectors.unit_data(unit, page["areas"], page["responses"]))
    # The organisation exactly as the strategist's organisation page computes it.
    managed = access.managed_nodes(world.strategist)
    org = selectors.org_results(closed.campaign, selectors.org_units(closed.campaign, managed))
    assert data["organisation"] == plain(selectors.org_data(org))


def test_the_snapshot_figures_equal_the_raw_answers_and_the_rendered_page(world, closed, client_for):
    data = selectors.snapshot_for(closed.campaign).data
    staff = figures_of(unit_in(data, world.unit_a))
    for code in ("LED.P1", "KOMP.P1"):
        want = expected(column(STAFF_A, code))
        assert (staff[code]["n"], staff[code]["n_na"]) == (want["n"], want["n_na"])
        assert staff[code]["mean"] == pytest.approx(want["mean"])
        assert {d["value"]: d["answers"] for d in staff[code]["distribution"]} == {
            v: want["counts"].get(v, 0) for v in (1, 2, 3, 4, 5)
        }
    pupils = figures_of(unit_in(data, world.unit_a), "pupil")
    assert pupils["KOMP.E1"]["mean"] == pytest.approx(expected(column(PUPILS_A, "KOMP.E1"))["mean"])
    assert unit_in(data, world.unit_a)["responses"] == {"staff": len(STAFF_A), "pupil": len(PUPILS_A)}
    leader = {row["code"]: row for area in unit_in(data, world.unit_a)["areas"] for row in area["leader"]}
    assert leader["LED.L1"]["value"] == 4 and leader["LED.L1"]["comment"] == "Planen antogs i våras."
    page = (
        client_for("strategist")
        .get(reverse("results_unit", args=[closed.campaign.pk, world.unit_a.pk]))
        .content.decode()
    )
    assert f"{staff['LED.P1']['mean']:.1f}".replace(".", ",") in page
    # The organisation's pooled figures rest on unit A alone: B is below k.
    pooled = {(i["group"], i["code"]): i for i in data["organisation"]["indicators"]}
    assert pooled[("staff", "LED.P1")]["n"] == staff["LED.P1"]["n"]
    assert pooled[("staff", "LED.P1")]["units"] == 1


def test_the_snapshot_names_every_item_it_refers_to(world, closed):
    data = selectors.snapshot_for(closed.campaign).data
    items = {i["code"]: i for i in data["items"]}
    assert items["LED.P1"]["title"] == "Jag vet vad planen säger"
    assert items["LED.P1"]["area"] == "LED" and items["LED.P1"]["respondent"] == "staff"
    assert [lv["label"] for lv in items["LED.P1"]["scale"]][0] == "Stämmer inte alls"
    assert {a["code"]: a["title"] for a in data["areas"]} == {"LED": "Ledning", "KOMP": "Kompetens"}
    referred = {
        node["code"]
        for node in walk(data)
        if isinstance(node, dict) and "code" in node and "title" not in node
    }
    assert referred <= set(items)
    assert data["campaign"]["k"] == 5 and data["campaign"]["school_year"] == "2026/27"
    assert data["campaign"]["framework"] == "skattning-test"


def test_the_snapshot_outlives_a_change_of_the_framework(world, closed):
    """A later version may retitle or drop an indicator; the snapshot keeps what was asked."""
    before = selectors.snapshot_for(closed.campaign).data
    changed = INDICATORS.replace("Jag vet vad planen säger", "Jag känner till planen")
    later = run_campaign(world, framework(world, changed), {world.unit_a: STAFF_A}, school_year="2027/28")
    assert selectors.snapshot_for(closed.campaign).data == before
    titles = {i["code"]: i["title"] for i in selectors.snapshot_for(later.campaign).data["items"]}
    assert titles["LED.P1"] == "Jag känner till planen"
    assert selectors.snapshot_for(later.campaign).data["campaign"]["previous"] == closed.campaign.pk


# ---- What is not written -------------------------------------------------------------------


def test_the_snapshot_holds_no_suppressed_figure(world, closed):
    data = selectors.snapshot_for(closed.campaign).data
    suppressed = [node for node in walk(data) if isinstance(node, dict) and node.get("suppressed")]
    assert suppressed  # unit B's figures
    for node in suppressed:
        assert set(node) <= {"suppressed", "code"}, node
    unit_b = unit_in(data, world.unit_b)
    assert all(f["suppressed"] for f in figures_of(unit_b).values())
    for area in unit_b["areas"]:
        assert area["means"]["staff"] is None and area["gap"] is None
    heat_b = next(row for row in data["organisation"]["heatmap"] if row["unit"] == world.unit_b.pk)
    assert all(cell["mean"] is None and cell["band"] is None for cell in heat_b["cells"])


def test_the_snapshot_does_not_depend_on_what_a_suppressed_unit_answered(world, closed):
    """Change unit B's answers behind the scenes: the results computed afresh are exactly the
    snapshot, so no number in it rests on B's answers."""
    stored = selectors.snapshot_for(closed.campaign).data
    Answer.objects.filter(response__unit=world.unit_b, item__code="LED.P1").update(value=5)
    Answer.objects.filter(response__unit=world.unit_b, item__code="KOMP.P1").update(value=None)
    assert plain(selectors.snapshot_data(closed.campaign)) == stored


def test_staff_comments_are_not_copied_into_the_snapshot(world):
    run = run_campaign(
        world,
        framework(world),
        {world.unit_a: STAFF_A},
        comments={world.unit_a: ["Vi behöver fler laddare"] * 5},
    )
    assert "laddare" not in json.dumps(selectors.snapshot_for(run.campaign).data)


# ---- Written once, with the close -----------------------------------------------------------


def test_an_open_campaign_has_no_snapshot(world):
    run = run_campaign(world, framework(world), {world.unit_a: STAFF_A}, close=False)
    assert selectors.snapshot_for(run.campaign) is None
    with pytest.raises(ValueError):
        selectors.snapshot_data(run.campaign)


def test_the_snapshot_is_written_exactly_once(world, closed):
    first = selectors.snapshot_for(closed.campaign)
    assert ResultSnapshot.objects.filter(campaign=closed.campaign).count() == 1
    with pytest.raises(ValidationError):
        services.campaign_close(actor=world.strategist, campaign=closed.campaign)
    # Answers cannot change after closing, but even if rows did, the snapshot stays as written.
    Answer.objects.filter(response__unit=world.unit_a, item__code="LED.P1").update(value=1)
    again = selectors.snapshot_for(closed.campaign)
    assert ResultSnapshot.objects.filter(campaign=closed.campaign).count() == 1
    assert (again.pk, again.created_at, again.data) == (first.pk, first.created_at, first.data)


def test_the_snapshot_is_written_in_the_closing_transaction(world, monkeypatch):
    run = run_campaign(world, framework(world), {world.unit_a: STAFF_A[:2]}, close=False)
    participation = Participation.objects.get(campaign=run.campaign, person=world.staff)
    Draft.objects.create(token_hash=participation.token_hash, sealed=b"x")

    def broken(campaign):
        raise RuntimeError("the snapshot could not be computed")

    monkeypatch.setattr(selectors, "snapshot_data", broken)
    with pytest.raises(RuntimeError):
        services.campaign_close(actor=world.strategist, campaign=run.campaign)
    run.campaign.refresh_from_db()
    # Nothing of the close happened: still open, drafts and ballots kept, no snapshot.
    assert run.campaign.status == CampaignStatus.OPEN and run.campaign.closed_at is None
    assert Draft.objects.filter(token_hash=participation.token_hash).exists()
    assert selectors.snapshot_for(run.campaign) is None
    assert Ballot.objects.filter(campaign=run.campaign).count() == 2
    assert not Response.objects.filter(campaign=run.campaign).exists()


def test_closing_through_the_page_writes_the_snapshot(world, client_for):
    run = run_campaign(world, framework(world), {world.unit_a: STAFF_A}, close=False)
    response = client_for("strategist").post(reverse("campaign_close", args=[run.campaign.pk]))
    assert response.status_code in (200, 302)
    run.campaign.refresh_from_db()
    assert run.campaign.status == CampaignStatus.CLOSED
    assert selectors.snapshot_for(run.campaign).data["campaign"]["id"] == run.campaign.pk


def test_the_snapshot_takes_as_many_queries_for_six_units_as_for_two(world):
    other = framework(world, INDICATORS.replace("slug: skattning-test", "slug: annat"))
    version = framework(world)
    answers = [{"LED.P1": v, "KOMP.P1": v} for v in (1, 2, 3, 4, 5)]
    leader = ({"LED.L1": 3, "KOMP.L1": 4}, {})
    two = [world.unit_a, world.unit_b]
    six = two + [new_unit(world, f"Skola {i}") for i in range(4)]
    counts = []
    for units, version_used, name in ((two, version, "Två"), (six, other, "Sex")):
        run = run_campaign(
            world, version_used, dict.fromkeys(units, answers), leader=dict.fromkeys(units, leader), name=name
        )
        with CaptureQueriesContext(connection) as queries:
            data = selectors.snapshot_data(run.campaign)
        assert len(data["units"]) == len(units)
        counts.append(len(queries))
    assert counts[0] == counts[1]
