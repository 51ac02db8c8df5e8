"""Reads behind the unit report and the organisation report (the yearly follow-up).

No figure here is computed from answers. This year's unit figures come from
assessments.selectors.unit_results and the organisation's from org_results; everything that
reaches across units or years (the organisation's medians, last year's figures, trends and the
spread over the years) is read from the campaigns' results snapshots (snapshots), which hold the
shown figures only. Every median, quartile and pooled mean is therefore a function of shown
figures, exactly as in org_results, and no figure below k can be worked out from a report.

common: campaigns, years, filters and scales; unit: the unit report; org: the organisation
report; pages: what the pages list besides the reports.
"""

from digiplan.reports.selectors.common import (
    FilterChoices,
    closed_campaigns,
    closed_years,
    default_year,
    filter_choices,
    group_bounds,
    org_years,
    report_campaign,
    report_units,
    scale_bounds,
    trend_campaigns,
    unit_years,
    year_campaigns,
)
from digiplan.reports.selectors.org import EquityRow, OrgReport, Spread, TrendArea, TrendLine, org_report
from digiplan.reports.selectors.pages import (
    archive_for,
    public_reports,
    published_report,
    readable_units,
    recent_archives,
    school_unit,
)
from digiplan.reports.selectors.snapshots import ANSWER_GROUPS, GROUPS, Shown, localised, shown_in
from digiplan.reports.selectors.unit import (
    MEDIAN_MIN_UNITS,
    IndicatorRow,
    PlanGoalRow,
    PlanSummary,
    UnitAreaRow,
    UnitReport,
    campaign_area_rows,
    plan_summary,
    readable_unit_report,
    unit_report,
)

__all__ = [
    "ANSWER_GROUPS",
    "GROUPS",
    "MEDIAN_MIN_UNITS",
    "EquityRow",
    "FilterChoices",
    "IndicatorRow",
    "OrgReport",
    "PlanGoalRow",
    "PlanSummary",
    "Shown",
    "Spread",
    "TrendArea",
    "TrendLine",
    "UnitAreaRow",
    "UnitReport",
    "archive_for",
    "campaign_area_rows",
    "closed_years",
    "default_year",
    "filter_choices",
    "group_bounds",
    "localised",
    "org_report",
    "org_years",
    "plan_summary",
    "public_reports",
    "published_report",
    "readable_unit_report",
    "readable_units",
    "recent_archives",
    "closed_campaigns",
    "report_campaign",
    "report_units",
    "scale_bounds",
    "school_unit",
    "shown_in",
    "trend_campaigns",
    "unit_report",
    "unit_years",
    "year_campaigns",
]
