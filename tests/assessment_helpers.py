"""A campaign over the world's two units, using the built-in-like test frameworks."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from digiplan.assessments import services
from digiplan.frameworks.exchange import import_framework

INDICATORS = """\
format: digiplan-framework/1
slug: skattning-test
name: Skattning (test)
kind: indicators
source: Test
scales:
  - slug: status-t
    name: Status
    levels:
      - {value: 1, label: Ej planerad}
      - {value: 2, label: Planerad}
      - {value: 3, label: Påbörjad}
      - {value: 4, label: Nästan där}
      - {value: 5, label: Uppnådd}
      - {value: 0, label: Ej relevant, not_applicable: true}
  - slug: instamning-t
    name: Instämmande
    levels:
      - {value: 1, label: Stämmer inte alls}
      - {value: 2, label: Stämmer dåligt}
      - {value: 3, label: Stämmer delvis}
      - {value: 4, label: Stämmer ganska bra}
      - {value: 5, label: Stämmer helt}
      - {value: 0, label: Vet ej, not_applicable: true}
items:
  - code: LED
    kind: area
    title: Ledning
    children:
      - code: LED.L1
        kind: indicator
        title: Det finns en plan
        respondent: leader
        scale: status-t
      - code: LED.P1
        kind: indicator
        title: Jag vet vad planen säger
        respondent: staff
        scale: instamning-t
  - code: KOMP
    kind: area
    title: Kompetens
    children:
      - code: KOMP.L1
        kind: indicator
        title: Kompetensutveckling planeras
        respondent: leader
        scale: status-t
      - code: KOMP.P1
        kind: indicator
        title: Jag är trygg med verktygen
        respondent: staff
        scale: instamning-t
      - code: KOMP.E1
        kind: indicator
        title: Jag får hjälp när datorn krånglar
        respondent: pupil
        scale: instamning-t
"""


def build_campaign(world, *, open_it=True, include_pupils=True, version=None) -> SimpleNamespace:
    if version is None:
        version = import_framework(INDICATORS, huvudman=world.huvudman, actor=None, publish=True)
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        name="Skattning",
        school_year="2026/27",
        framework_version=version,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        units=[world.unit_a, world.unit_b],
        include_pupils=include_pupils,
    )
    tokens = services.campaign_open(actor=world.strategist, campaign=campaign) if open_it else {}
    items = {i.code: i for i in version.items.all()}
    return SimpleNamespace(campaign=campaign, version=version, tokens=tokens, items=items)


def open_ballots(campaign) -> list:
    """The campaign's sealed ballots, opened as closing would open them (ballots.Contents)."""
    from digiplan.assessments import ballots
    from digiplan.assessments.models import Ballot

    return [
        ballots.open_ballot(campaign.pk, sealed)
        for sealed in Ballot.objects.filter(campaign=campaign).values_list("sealed", flat=True)
    ]


def draft_contents(participation):
    """The participation's sealed draft, opened (ballots.Contents), or None."""
    return services.draft_read(participation)


def closed_campaign(
    world, staff_answers: dict, *, version=None, school_year="2025/26", k=5
) -> SimpleNamespace:
    """A campaign of last year over the world's two units, closed, whose staff answered as
    given: {unit: [{"LED.P1": 4, "KOMP.P1": None}, ...]}. The ballots go straight into the box,
    as if that many people had answered."""
    from digiplan.assessments import ballots
    from digiplan.assessments.models import Ballot, Group

    if version is None:
        version = import_framework(INDICATORS, huvudman=world.huvudman, actor=None, publish=True)
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        name="Skattning",
        k=k,
        school_year=school_year,
        framework_version=version,
        opens_on=today - datetime.timedelta(days=400),
        closes_on=today - datetime.timedelta(days=370),
        units=[world.unit_a, world.unit_b],
    )
    services.campaign_open(actor=world.strategist, campaign=campaign)
    items = {i.code: i for i in version.items.all()}
    size = services.box_size(campaign)
    for unit, rows in staff_answers.items():
        for row in rows:
            Ballot.objects.create(
                campaign=campaign,
                sealed=ballots.seal_ballot(
                    campaign.pk,
                    size,
                    ballots.Contents(
                        unit_id=unit.pk,
                        group=Group.STAFF,
                        answers={items[code].pk: value for code, value in row.items()},
                    ),
                ),
            )
    services.campaign_close(actor=world.strategist, campaign=campaign)
    return SimpleNamespace(campaign=campaign, version=version, items=items)
