"""Closing aggregates the released answers once: the snapshot (the units' results and the
organisation's) and the stored figures share one set of grouped queries, and what they store is
what each computes on its own."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digiplan.assessments import ballots, selectors, services
from digiplan.assessments.models import Ballot, Campaign, Group, ResultFigures, ResultSnapshot
from tests.assessment_helpers import closed_campaign

pytestmark = pytest.mark.django_db


def _answer_aggregates(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "assessments_answer"' in q["sql"] and "GROUP BY" in q["sql"]]


def test_the_answers_are_aggregated_once_and_the_stored_results_are_unchanged(world):
    # Last year's campaign on the same framework: this year's results compare with it.
    last_year = closed_campaign(
        world, {world.unit_a: [{"LED.P1": 4, "KOMP.P1": 3}] * 5}, school_year="2024/25"
    )
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        name="Skattning",
        k=5,
        school_year="2025/26",
        framework_version=last_year.version,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
        units=[world.unit_a, world.unit_b],
    )
    services.campaign_open(actor=world.strategist, campaign=campaign)
    led, komp = last_year.items["LED.P1"], last_year.items["KOMP.P1"]
    for unit, values in ((world.unit_a, [1, 2, 3, 4, 5, 2]), (world.unit_b, [3, 3, None, 4, 5])):
        for value in values:
            contents = ballots.Contents(
                unit_id=unit.pk, group=Group.STAFF, answers={led.pk: value, komp.pk: 2}
            )
            sealed = ballots.seal_ballot(campaign.pk, services.box_size(campaign), contents)
            Ballot.objects.create(campaign=campaign, sealed=sealed)

    with CaptureQueriesContext(connection) as captured:
        services.campaign_close(actor=world.strategist, campaign=campaign)

    # This campaign's answers grouped once (two queries: the figures, the counts per value) and
    # last year's by code once (one); before, the snapshot and the figures did it three times.
    assert len(_answer_aggregates(captured.captured_queries)) == 3
    campaign = Campaign.objects.get(pk=campaign.pk)
    # Computed again on their own, outside closing: the same as stored.
    assert ResultSnapshot.objects.get(campaign=campaign).data == selectors.snapshot_data(campaign)
    stored = {f.unit_id: f for f in ResultFigures.objects.filter(campaign=campaign)}
    fresh = selectors.result_figures(campaign)
    assert set(stored) == set(fresh) == {world.unit_a.pk, world.unit_b.pk}
    for unit_id, row in fresh.items():
        assert (stored[unit_id].figures, stored[unit_id].staff_responses) == (
            row["figures"],
            row["staff_responses"],
        )
    assert stored[world.unit_a.pk].staff_responses == 6
