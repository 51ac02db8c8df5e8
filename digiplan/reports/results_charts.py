"""The charts at the top of a unit's results page, drawn by the code that draws the unit report.

The results page belongs to assessments, which sits below reports and may not import it; it asks
through assessments.hooks.results_unit_panels and this module answers (registered in
ReportsConfig.ready). The figures are the unit report's own (reports.selectors
campaign_area_rows): this campaign's area means, the previous campaign's and the organisation's
median where reach lets it be shown. A suppressed or withheld figure is None and is not drawn;
a group with no figure shown at all gets no series and no chart, and the panel says why.
"""

from typing import Any

from django.utils.translation import gettext as _

from digiplan.assessments.hooks import ResultsPanel
from digiplan.assessments.models import Campaign
from digiplan.organisations.models import Organisation
from digiplan.reports import charts, selectors
from digiplan.reports.report_charts import area_label, group_label
from digiplan.reports.selectors import UnitAreaRow

GROUP_ORDER = ("leader", "staff", "pupil")
# A radar of one or two axes has no shape to read; the bars carry the same figures.
RADAR_MIN_AXES = 3


def _radars(
    rows: list[UnitAreaRow], scales: dict[str, tuple[int, int]], drawn: list[str]
) -> list[charts.Chart]:
    """The unit's picture: one axis per area, one line per group (leader, staff, pupils); groups
    on different scales get a radar each, so that no line is read against another's scale."""
    by_scale: dict[tuple[int, int], list[str]] = {}
    for group in drawn:
        by_scale.setdefault(scales[group], []).append(group)
    found = []
    for (low, high), groups in by_scale.items():
        areas = [row for row in rows if any(g in row.groups for g in groups)]
        if len(areas) < RADAR_MIN_AXES:
            continue
        series = [
            (group_label(g), [row.this_year.get(g) if g in row.groups else None for row in areas])
            for g in groups
        ]
        found.append(
            charts.radar(
                _("Mean per area: %(groups)s") % {"groups": ", ".join(name for name, _v in series)},
                [area_label(row.item, row.code) for row in areas],
                series,
                low,
                high,
            )
        )
    return found


def _bars(rows: list[UnitAreaRow], group: str, scale: tuple[int, int], previous: bool) -> charts.Chart:
    """The group's mean per area beside last year's and the organisation's median."""
    areas = [row for row in rows if group in row.groups]
    series = [(_("This year"), [row.this_year.get(group) for row in areas])]
    if previous:
        series.append((_("Last year"), [row.last_year.get(group) for row in areas]))
    series.append((_("Organisation median"), [row.median.get(group) for row in areas]))
    if previous:
        title = _("%(group)s per area, against last year and the organisation's median")
    else:
        title = _("%(group)s per area, against the organisation's median")
    return charts.bars(
        title % {"group": group_label(group)},
        [area_label(row.item, row.code) for row in areas],
        series,
        *scale,
        label_header=_("Area"),
    )


def results_charts(campaign: Campaign, unit: Organisation, results: dict[str, Any]) -> ResultsPanel | None:
    """The radar and the bars of a closed campaign's unit results; None before it has closed."""
    if not results["available"]:
        return None
    rows, scales = selectors.campaign_area_rows(unit, campaign, results)
    asked = [g for g in GROUP_ORDER if g in scales and any(g in row.groups for row in rows)]
    drawn = [g for g in asked if any(row.this_year.get(g) is not None for row in rows if g in row.groups)]
    return ResultsPanel(
        "reports/_results_charts.html",
        {
            "radars": _radars(rows, scales, drawn),
            "bars": [_bars(rows, g, scales[g], results["previous"] is not None) for g in drawn],
            "not_drawn": [(g, group_label(g)) for g in asked if g not in drawn],
            "k": results["k"],
            "min_units": selectors.MEDIAN_MIN_UNITS,
        },
    )
