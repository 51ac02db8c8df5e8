"""Reads behind the results pages and their downloads.

Every figure is aggregated in SQL, a fixed number of queries whatever the number of units. A
closed campaign's figures are aggregated once, when it closes, and read back from ResultFigures
(see stored.py); its answers can no longer change. Suppression happens here, once, so that the
pages and the downloads cannot disagree:

- a unit × indicator × group figure (n, "don't know", mean, distribution) rests on the answers
  that count (n); it is shown only when n ≥ campaign.k, otherwise every part of it is None;
- an area mean of a unit is the mean of the area's *shown* indicator means (not the mean of all
  answers in the area, which would let a suppressed indicator be recovered by subtraction);
- every organisation figure (pooled indicator means, medians, spread, the units furthest
  behind) is computed only over the unit figures that are themselves shown. It is therefore a
  function of shown figures alone, and no difference of shown figures — between the
  organisation and its units, or between two filters — yields a suppressed one;
- the leader's rating is the unit's own statement, not an anonymous answer, and is not
  suppressed; the gap between it and staff's view is shown only when the staff figure is;
- answer figures are only shown once the campaign is closed: watching live results change as
  one more person answers would reveal that person's answers by subtraction.

The modules: campaigns (the campaign pages: who has been asked and who has answered, never a
figure of answers), common (figures, suppression, the per-process store of published versions, the
queries), stored (ResultFigures), context (what a set of units' figures rest on), unit (the unit
page), org (the organisation page and its downloads), org_stored (the organisation's own figures
stored at closing, OrgResultFigures, and the page of units), snapshot (ResultSnapshot). Other apps import
from this package, not from its modules.
"""

from digiplan.assessments.selectors.campaigns import (
    LedUnit,
    campaign_progress,
    campaign_units,
    campaign_versions,
    invitations_open,
    led_campaign_units,
    open_questionnaires,
    pupil_codes,
    run_campaigns,
    unit_school_forms,
)
from digiplan.assessments.selectors.common import (
    FROZEN_KEPT,
    GROUPS,
    Figure,
    _answer_stats,
    _figure,
    _indicators,
    _leader_area_means,
    _leader_values,
    _levels_by_scale,
    _mean,
    _Raw,
    _response_counts,
    answer_stats_shared,
    frozen,
    previous_campaign,
    questionnaire_items,
    results_available,
)
from digiplan.assessments.selectors.context import Area, _areas, _Context
from digiplan.assessments.selectors.org import (
    FURTHEST_BEHIND,
    HEAT_BANDS,
    AreaSpread,
    HeatCell,
    Table,
    UnitRate,
    _band,
    _UnitFigures,
    org_filter_choices,
    org_results,
    org_tables,
    org_units,
    quartiles,
)
from digiplan.assessments.selectors.org_stored import (
    org_figures_data,
    org_page,
    stored_medians,
    stored_org_figures,
)
from digiplan.assessments.selectors.snapshot import (
    SNAPSHOT_FORMAT,
    _area_code,
    _titles,
    figure_data,
    org_data,
    snapshot_data,
    snapshot_for,
    unit_data,
)
from digiplan.assessments.selectors.stored import _stored, last_closed_staff_means, result_figures
from digiplan.assessments.selectors.unit import LeaderRow, UnitArea, _unit_areas, unit_results

__all__ = [
    "FROZEN_KEPT",
    "FURTHEST_BEHIND",
    "GROUPS",
    "HEAT_BANDS",
    "SNAPSHOT_FORMAT",
    "Area",
    "AreaSpread",
    "Figure",
    "HeatCell",
    "LeaderRow",
    "LedUnit",
    "Table",
    "UnitArea",
    "UnitRate",
    "campaign_progress",
    "campaign_units",
    "campaign_versions",
    "figure_data",
    "frozen",
    "invitations_open",
    "last_closed_staff_means",
    "led_campaign_units",
    "open_questionnaires",
    "org_data",
    "org_figures_data",
    "org_filter_choices",
    "org_page",
    "org_results",
    "org_tables",
    "org_units",
    "previous_campaign",
    "pupil_codes",
    "quartiles",
    "questionnaire_items",
    "result_figures",
    "results_available",
    "run_campaigns",
    "snapshot_data",
    "snapshot_for",
    "stored_medians",
    "stored_org_figures",
    "unit_data",
    "unit_results",
    "unit_school_forms",
    # Private, but imported by tests or other apps:
    "_Context",
    "_Raw",
    "_UnitFigures",
    "_answer_stats",
    "answer_stats_shared",
    "_area_code",
    "_areas",
    "_band",
    "_figure",
    "_indicators",
    "_leader_area_means",
    "_leader_values",
    "_levels_by_scale",
    "_mean",
    "_response_counts",
    "_stored",
    "_titles",
    "_unit_areas",
]
