"""What makes the results pages and the staff submissions fast must not change what they show or
store: the figures stored at closing (ResultFigures) against aggregating the answers again, the
statements of a published version read once per process, and the submit's single UPDATE."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digiplan.assessments import selectors, services
from digiplan.assessments.models import (
    Ballot,
    Campaign,
    CampaignStatus,
    Group,
    Participation,
    ResultFigures,
)
from digiplan.frameworks.models import Item
from digiplan.organisations.models import Role
from tests.assessments.test_results import (
    INDICATORS_V2,
    LEADER_A,
    PUPILS_A,
    STAFF_A,
    framework,
    new_unit,
    run_campaign,
)
from tests.assessments.test_suppression import STAFF_B, STAFF_C, _everything
from tests.factories import PersonFactory


@pytest.fixture
def two_years(world):
    """Two closed campaigns on the same framework (the second with one indicator more), units
    A and C above k, B below it; pupils and leader ratings in A."""
    unit_c = new_unit(world, "Cederskolan")
    first = run_campaign(
        world,
        framework(world),
        {world.unit_a: STAFF_A[:-1], world.unit_b: STAFF_B, unit_c: STAFF_C},
        pupils={world.unit_a: PUPILS_A},
        leader={world.unit_a: LEADER_A},
        school_year="2025/26",
    )
    second = run_campaign(
        world,
        framework(world, INDICATORS_V2),
        {world.unit_a: STAFF_A, world.unit_b: STAFF_B, unit_c: STAFF_C[::-1]},
        pupils={world.unit_a: PUPILS_A[::-1]},
        leader={world.unit_a: LEADER_A},
    )
    assert selectors.previous_campaign(second.campaign) == first.campaign
    second.unit_c, second.first = unit_c, first
    return second


def test_the_pages_read_back_exactly_what_aggregating_the_answers_gives(world, two_years, client_for):
    client = client_for("strategist")
    stored = _everything(client, two_years.campaign, world, two_years.unit_c)
    # Without stored figures (a campaign closed before they were), the pages aggregate the
    # answers, as they always did: every page and download, under every filter, is the same.
    ResultFigures.objects.filter(campaign__in=[two_years.campaign, two_years.first.campaign]).delete()
    # The organisation pages just rendered from the stored figures are cached (they never
    # change); a campaign closed without them never is: forget them, so this compares.
    cache.clear()
    aggregated = _everything(client, two_years.campaign, world, two_years.unit_c)
    assert stored.keys() == aggregated.keys()
    for key in stored:
        assert stored[key] == aggregated[key], key


def test_the_pages_of_a_closed_campaign_do_not_read_the_answers(world, two_years, client_for):
    client = client_for("strategist")
    for url in (
        reverse("results_org", args=[two_years.campaign.pk]),
        reverse("results_org", args=[two_years.campaign.pk]) + "?skolform=GR",
        reverse("results_export", args=[two_years.campaign.pk, "csv"]),
        reverse("results_unit", args=[two_years.campaign.pk, world.unit_a.pk]),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q for q in queries if "assessments_answer" in q["sql"]], url


def test_the_stored_figures_hold_nothing_of_a_suppressed_figure(world, two_years):
    rows = {row.unit_id: row for row in ResultFigures.objects.filter(campaign=two_years.campaign)}
    # A row for every unit of the campaign; unit B (three staff answers) has no figure at all.
    assert set(rows) == {world.unit_a.pk, world.unit_b.pk, two_years.unit_c.pk}
    assert rows[world.unit_b.pk].figures == []
    assert rows[world.unit_b.pk].staff_responses == len(STAFF_B)
    assert (rows[world.unit_a.pk].staff_responses, rows[world.unit_a.pk].pupil_responses) == (
        len(STAFF_A),
        len(PUPILS_A),
    )
    for row in rows.values():
        for code, group, n, n_na, total, mean, *counts in row.figures:
            pairs = list(zip(counts[::2], counts[1::2], strict=True))
            assert n_na >= 0
            assert n >= two_years.campaign.k
            assert sum(answers for _value, answers in pairs) == n
            assert sum(value * answers for value, answers in pairs) == total
            assert mean == pytest.approx(total / n)
            assert group in (Group.STAFF, Group.PUPIL) and code


def test_a_closed_campaign_without_stored_figures_still_shows_its_results(world, two_years, client_for):
    ResultFigures.objects.filter(campaign=two_years.campaign).delete()
    result = selectors.unit_results(two_years.campaign, world.unit_a)
    shown = [
        f
        for area in result["areas"]
        for figures in area.groups.values()
        for _item, f in figures
        if not f.suppressed
    ]
    assert shown and result["responses"] == {"staff": len(STAFF_A), "pupil": len(PUPILS_A)}


# ---- The statements of a published version, once per process -----------------------------


def test_a_published_versions_statements_are_read_once(world):
    version = framework(world)
    selectors.questionnaire_items(version.pk, Group.STAFF)
    with CaptureQueriesContext(connection) as queries:
        items = selectors.questionnaire_items(version.pk, Group.STAFF)
    assert len(queries) == 0
    assert [i.pk for i in items] == list(
        Item.objects.filter(version=version, kind="indicator", respondent=Group.STAFF)
        .order_by("parent__order", "order")
        .values_list("pk", flat=True)
    )


def test_a_draft_versions_statements_are_read_every_time(world):
    from digiplan.frameworks.services import version_new_draft

    draft = version_new_draft(actor=None, version=framework(world))
    selectors.questionnaire_items(draft.pk, Group.STAFF)
    with CaptureQueriesContext(connection) as queries:
        selectors.questionnaire_items(draft.pk, Group.STAFF)
    assert len(queries) > 0


def test_saving_a_framework_forgets_what_was_read(world):
    version = framework(world)
    selectors.questionnaire_items(version.pk, Group.STAFF)
    item = Item.objects.filter(version=version, respondent=Group.STAFF).first()
    item.save()
    with CaptureQueriesContext(connection) as queries:
        selectors.questionnaire_items(version.pk, Group.STAFF)
    assert len(queries) > 0


# ---- The submit ----------------------------------------------------------------------------


def test_a_submit_refused_as_closed_leaves_the_participation_unanswered(world):
    late = PersonFactory(organisation=world.unit_a, role=Role.STAFF, name="Sen Svarare")
    run = run_campaign(world, framework(world), {world.unit_a: STAFF_A[:1]}, close=False)
    participation = Participation.objects.select_related("campaign").get(campaign=run.campaign, person=late)
    assert not participation.answered
    Campaign.objects.filter(pk=run.campaign.pk).update(status=CampaignStatus.CLOSED)
    led = Item.objects.get(version=run.version, code="LED.P1")
    with pytest.raises(ValidationError) as raised:
        services.response_submit(participation=participation, answers={str(led.pk): "3"})
    assert services.ERROR_NOT_OPEN in raised.value.messages
    participation.refresh_from_db()
    assert not participation.answered
    assert Ballot.objects.filter(campaign=run.campaign).count() == 1
