"""What the comparison adds to a results page (assessments.hooks.results_panels): the section
"Jämfört med riket", or, while the huvudman does not share, why it is missing and (for its
strategists) where to turn it on. Nothing for campaigns on other frameworks than the standard
set: only the standard set is compared."""

from __future__ import annotations

from typing import Any

from digiplan.assessments.hooks import ResultsPanel
from digiplan.assessments.models import Campaign
from digiplan.comparison import selectors
from digiplan.organisations import access
from digiplan.organisations.models import Organisation


def results_panel(person: Any, campaign: Campaign, unit: Organisation | None) -> ResultsPanel | None:
    if campaign.closed_at is None or not selectors.on_standard_set(campaign):
        return None
    context: dict[str, Any] = {
        "shares": selectors.shares(campaign.huvudman_id),
        "is_strategist": access.is_strategist(person),
        "unit": unit,
        "campaign": campaign,
    }
    if context["shares"]:
        context["build"], context["tables"] = (
            selectors.unit_tables(campaign, unit) if unit is not None else selectors.org_tables(campaign)
        )
    return ResultsPanel(template="comparison/_panel.html", context=context)
