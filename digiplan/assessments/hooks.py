"""What assessments asks of the apps above it (digiplan.lib.hooks): they register in their
AppConfig.ready()."""

from dataclasses import dataclass, field
from typing import Any

from digiplan.assessments.models import Campaign
from digiplan.frameworks.models import Item
from digiplan.lib.hooks import Hook
from digiplan.organisations.models import Organisation

# Competence development for a staff member after the questionnaire (the thank-you page and
# the profile PDF; the plans app answers from the activity library): called with
# (huvudman_id, answers: item pk -> value, items, school_forms=[...] or a function giving them,
# called only when needed), answers a list of
# suggestions, each with .item and .activities.
competence_suggestions: Hook[..., list] = Hook("assessments.competence_suggestions")


def suggested_competence(
    huvudman_id: int, answers: dict[int, int | None], items: list[Item], school_forms=None
) -> list:
    found: list = []
    for answer in competence_suggestions.ask(huvudman_id, answers, items, school_forms=school_forms):
        found += answer
    return found


@dataclass(frozen=True)
class ResultsPanel:
    """A part of a unit's results page drawn by an app above: its template and context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# The picture at the top of a unit's results page (the reports app answers with the charts it
# draws in the unit report, so that the figures, the organisation's median and what is withheld
# are worked out in one place): called with (campaign, unit, results: unit_results' dict),
# answers a panel, or None when it has nothing to draw.
results_unit_panels: Hook[[Campaign, Organisation, dict[str, Any]], ResultsPanel | None] = Hook(
    "assessments.results_unit_panels"
)


def unit_results_panels(
    campaign: Campaign, unit: Organisation, results: dict[str, Any]
) -> list[ResultsPanel]:
    return [panel for panel in results_unit_panels.ask(campaign, unit, results) if panel is not None]


# Sections that apps above add to a results page (the comparison app answers with "Jämfört med
# riket"): called with (person, campaign, unit), unit None on the organisation's page; answers
# a panel, or None when it has nothing for that page.
results_panels: Hook[..., ResultsPanel | None] = Hook("assessments.results_panels")


def results_page_panels(
    person: Any, campaign: Campaign, unit: Organisation | None = None
) -> list[ResultsPanel]:
    return [panel for panel in results_panels.ask(person, campaign, unit) if panel is not None]
