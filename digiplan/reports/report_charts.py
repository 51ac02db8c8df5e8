"""The charts of the reports, drawn from the figures the selectors hand over. A missing or
suppressed figure stays None: the chart leaves a gap and its data table writes a dash."""

from typing import TypedDict

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from digiplan.frameworks.models import Item
from digiplan.reports import charts
from digiplan.reports.selectors import OrgReport, TrendArea, UnitReport


class UnitCharts(TypedDict):
    radars: list[tuple[str, charts.Chart]]  # (group, its radar)


class OrgCharts(TypedDict):
    heatmap: charts.Chart | None
    trends: list[tuple[TrendArea, charts.Chart]]


def group_label(group: str) -> str:
    return {"leader": _("Leader's rating"), "staff": _("Staff"), "pupil": _("Pupils")}[group]


def area_label(item: Item | None, code: str | None = None, title: str = "") -> str:
    if item is not None:
        language = (get_language() or "sv")[:2]
        title = (item.translations or {}).get(language, {}).get("title") or item.title
        return f"{item.code} {title}"
    if code:
        return f"{code} {title}".strip()
    return _("Without area")


def unit_charts(report: UnitReport) -> UnitCharts:
    """One radar per respondent group, its axes the areas: this year, last year and the
    organisation's median."""
    radars: list[tuple[str, charts.Chart]] = []
    if report["results"] is None or not report["results"]["available"]:
        return {"radars": radars}
    for group in ("leader", "staff", "pupil"):
        areas = [a for a in report["areas"] if group in a.groups]
        if not areas or group not in report["scales"]:
            continue
        low, high = report["scales"][group]
        series = [(_("This year"), [a.this_year.get(group) for a in areas])]
        if report["previous"] is not None:
            series.append((_("Last year"), [a.last_year.get(group) for a in areas]))
        series.append((_("Organisation median"), [a.median.get(group) for a in areas]))
        radars.append(
            (
                group,
                charts.radar(
                    _("%(group)s: mean per area") % {"group": group_label(group)},
                    [area_label(a.item, a.code) for a in areas],
                    series,
                    low,
                    high,
                ),
            )
        )
    return {"radars": radars}


def org_charts(report: OrgReport) -> OrgCharts:
    """The heat map of units × areas (staff means) and one trend line chart per area."""
    result = report["results"]
    found: OrgCharts = {"heatmap": None, "trends": []}
    if result is None or not result["available"]:
        return found
    if result["heatmap"] and "staff" in report["scales"]:
        low, high = report["scales"]["staff"]
        found["heatmap"] = charts.heatmap(
            _("Staff mean per unit and area"),
            [unit.name for unit, _cells in result["heatmap"]],
            [area_label(a.item) for a in result["areas"]],
            [[cell.mean for cell in cells] for _unit, cells in result["heatmap"]],
            low,
            high,
        )
    labels = [c.school_year for c in report["trend_campaigns"]]
    if len(set(labels)) < len(labels):
        labels = [f"{c.name} {c.school_year}" for c in report["trend_campaigns"]]
    if len(labels) < 2:
        return found
    for area in report["trend"]:
        if not area.lines:
            continue
        found["trends"].append(
            (
                area,
                charts.line(
                    _("%(area)s: the organisation's median over the years")
                    % {"area": area_label(None, area.code, area.title)},
                    labels,
                    [(group_label(line.group), line.values) for line in area.lines],
                ),
            )
        )
    return found
