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


def build_campaign(world, *, open_it=True, include_pupils=True) -> SimpleNamespace:
    version = import_framework(INDICATORS, huvudman=world.huvudman, actor=None, publish=True)
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=world.strategist, huvudman=world.huvudman, name="Skattning", school_year="2026/27",
        framework_version=version, opens_on=today, closes_on=today + datetime.timedelta(days=30),
        units=[world.unit_a, world.unit_b], include_pupils=include_pupils)
    tokens = services.campaign_open(actor=world.strategist, campaign=campaign) if open_it else {}
    items = {i.code: i for i in version.items.all()}
    return SimpleNamespace(campaign=campaign, version=version, tokens=tokens, items=items)
