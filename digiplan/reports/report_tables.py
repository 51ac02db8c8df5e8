"""The reports as plain tables: every figure of the unit report and the organisation report,
in the order of the page, as the PDF, the workbook and the CSV write them (reports.exports).

The tables read only the report data the selectors hand over: a figure the web page suppresses
is None here and is written as a dash, so no format can show what the page hides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from digiplan.assessments.selectors import LeaderRow
from digiplan.assessments.selectors import Table as PlainTable
from digiplan.lib.spreadsheet.writing import SUPPRESSED
from digiplan.plans.selectors import Overview
from digiplan.reports.charts import format_value
from digiplan.reports.report_charts import area_label, group_label
from digiplan.reports.selectors import IndicatorRow, OrgReport, PlanSummary, TrendLine, UnitReport


@dataclass
class Table(PlainTable):
    """A table of a report; ident names its section in the PDF (and its anchor)."""

    ident: str = ""


def _table(ident: str, title: str, header: list[str], rows: list[list]) -> Table:
    return Table(title=title, header=header, rows=rows, ident=ident)


def _or(value, note: str):
    """The figure, or the reason it is missing (a figure never shown is None: a dash)."""
    return note if value is None else value


def _change(figure) -> object:
    if figure.is_new:
        return _("new")
    return _or(figure.change, _("no earlier figure"))


def about_table(rows: list[tuple[str, object]]) -> Table:
    return _table("about", _("About the figures"), [_("What"), _("Value")], [list(r) for r in rows])


def about_rows(report: UnitReport | OrgReport, name: str, made: datetime.date) -> list[tuple[str, object]]:
    campaign = report["campaign"]
    rows: list[tuple[str, object]] = [
        (_("Report for"), name),
        (_("School year"), report["school_year"]),
        (_("Made on"), made),
    ]
    if campaign is not None:
        rows.append(
            (_("Self-assessment"), f"{campaign.name} {campaign.school_year} ({campaign.framework_version})")
        )
        rows.append((_("Anonymity threshold"), campaign.k))
        rows.append((SUPPRESSED, _("Fewer than %(k)s answers: the figure is not shown.") % {"k": campaign.k}))
    return rows


def _areas_table(report: UnitReport) -> Table:
    rows = [
        [
            area_label(a.item, a.code),
            group_label(group),
            _or(this, _("not rated")) if group == "leader" else this,
            _or(last, _("no earlier figure")),
            _or(median, _("too few units")),
        ]
        for a in report["areas"]
        for group, this, last, median in a.by_group
    ]
    return _table(
        "areas",
        _("Results per area"),
        [_("Area"), _("Group"), _("This year"), _("Last year"), _("Organisation median")],
        rows,
    )


def _indicator_row(row: IndicatorRow) -> list:
    """The leader's level, or a group's answers, mean and change; beside the organisation's."""
    f = row.figure
    org = _or(row.org_value, _("too few units"))
    if isinstance(f, LeaderRow):
        value = f.value if f.value is not None else (_("Not applicable") if f.answered else _("not rated"))
        change = _("new") if f.is_new else _or(f.change, _("no earlier figure"))
        return [row.item.code, _title(row.item), group_label("leader"), "", "", value, change, org]
    if f.suppressed:
        return [
            row.item.code,
            _title(row.item),
            group_label(row.group),
            None,
            None,
            None,
            _("new") if f.is_new else None,
            org,
        ]
    return [row.item.code, _title(row.item), group_label(row.group), f.n, f.n_na, f.mean, _change(f), org]


def _indicators_table(report: UnitReport) -> Table:
    return _table(
        "indicators",
        _("Indicators"),
        [
            _("Code"),
            _("Indicator"),
            _("Group"),
            _("Answers"),
            _("Don't know"),
            _("Level or mean"),
            pgettext("difference", "Change"),
            _("Organisation"),
        ],
        [_indicator_row(row) for row in report["indicators"]],
    )


def _gap_table(report: UnitReport) -> Table:
    return _table(
        "gap",
        _("Leader and staff"),
        [_("Area"), _("Leader"), _("Staff"), _("Gap leader − staff")],
        [
            [
                area_label(a.item, a.code),
                _or(a.this_year.get("leader"), _("not rated")),
                a.this_year.get("staff"),
                _or(a.gap, _("cannot be computed")),
            ]
            for a in report["areas"]
            if "leader" in a.groups and "staff" in a.groups
        ],
    )


def _levels_table(report: UnitReport) -> Table:
    """Every shown figure's answers per level of its scale."""
    rows = []
    for row in report["indicators"]:
        f = row.figure
        if isinstance(f, LeaderRow) or f.suppressed:
            continue
        for level, count, share in f.distribution or []:
            rows.append(
                [
                    row.item.code,
                    _title(row.item),
                    group_label(row.group),
                    level.value,
                    _title(level, "label"),
                    count,
                    share,
                ]
            )
    return _table(
        "levels",
        _("Answers per level"),
        [_("Code"), _("Indicator"), _("Group"), _("Level"), _("Label"), _("Answers"), _("Share (%)")],
        rows,
    )


def _activities_table(plan: PlanSummary) -> Table:
    """The plan's activities goal by goal, those under no goal last."""
    rows = []
    for goal_row in [*plan.goals, None]:
        activities = goal_row.activities if goal_row else plan.loose
        for activity in activities:
            rows.append(
                [
                    goal_row.goal.title if goal_row else _("Activities without a goal"),
                    activity.title,
                    activity.owner.name
                    if activity.owner
                    else (activity.role_title.name if activity.role_title else ""),
                    _or(activity.due_on, ""),
                    str(activity.get_status_display()),
                    _("Yes") if activity.late else _("No"),
                ]
            )
    return _table(
        "activities",
        _("Activities"),
        [_("Goal"), _("Activity"), _("Responsible"), _("Due"), _("Status"), _("Late")],
        rows,
    )


def unit_tables(report: UnitReport) -> list[Table]:
    """The unit report's tables, in the order of the page."""
    tables = []
    r = report["results"]
    campaign = report["campaign"]
    if r is not None and r["available"]:
        tables += [_areas_table(report), _indicators_table(report)]
        if campaign is not None and campaign.include_leader:
            tables.append(_gap_table(report))
        tables.append(_levels_table(report))
    if report["plan"] is not None:
        tables.append(_activities_table(report["plan"]))
    if r is not None and r["comments_shown"] and r["comments"]:
        tables.append(
            _table("comments", _("Comments from staff"), [_("Comment")], [[c] for c in sorted(r["comments"])])
        )  # in no order of arrival
    return tables


def _title(obj, name: str = "title") -> str:
    from digiplan.frameworks.templatetags.frameworks import localised

    return localised(obj, name)


def _participation_table(r: dict[str, Any]) -> Table:
    rows = [
        [row.unit.name, row.asked, row.answered, _or(row.rate, ""), row.pupil_responses] for row in r["rates"]
    ]
    t = r["rate_totals"]
    rows.append([_("All units"), t.asked, t.answered, _or(t.rate, ""), t.pupil_responses])
    return _table(
        "participation",
        _("Participation"),
        [_("Unit"), _("Asked"), _("Answered"), _("Response rate (%)"), _("Pupil answers")],
        rows,
    )


def _heatmap_table(r: dict[str, Any]) -> Table:
    return _table(
        "heatmap",
        _("Staff mean per unit and area"),
        [_("Unit"), *(area_label(a.item) for a in r["areas"])],
        [[unit.name, *(c.mean for c in cells)] for unit, cells in r["heatmap"]],
    )


def _equity_table(report: OrgReport) -> Table:
    rows = []
    for e in report["equity"]:
        now = e.now
        rows.append(
            [
                area_label(e.item, e.code),
                now.units_shown,
                now.units_total,
                now.median,
                now.q1,
                now.q3,
                e.iqr,
                _or(e.change, _("no earlier figure")),
                _or(e.iqr_change, _("no earlier figure")),
                "; ".join(f"{unit.name} ({format_value(value)})" for unit, value in now.behind),
            ]
        )
    return _table(
        "equity",
        _("Equity per area"),
        [
            _("Area"),
            _("Units with figures"),
            _("Units"),
            _("Median"),
            _("First quartile"),
            _("Third quartile"),
            _("Interquartile range"),
            _("Change of the median"),
            _("Change of the range"),
            _("Furthest behind"),
        ],
        rows,
    )


def _trend_cells(line: TrendLine) -> list:
    return [(v if present else _("not asked")) for present, v in line.cells]


def _trend_tables(report: OrgReport) -> list[Table]:
    """The areas' medians and the indicators' pooled means over the trend's campaigns."""
    years = [c.school_year for c in report["trend_campaigns"]]
    return [
        _table(
            "trends",
            _("Trends per area"),
            [_("Area"), _("Group"), *years],
            [
                [area_label(None, a.code, a.title), group_label(line.group), *_trend_cells(line)]
                for a in report["trend"]
                for line in a.lines
            ],
        ),
        _table(
            "trend-indicators",
            _("Indicators over the years"),
            [_("Code"), _("Indicator"), _("Group"), *years],
            [
                [line.code, line.title, group_label(line.group), *_trend_cells(line)]
                for a in report["trend"]
                for line in a.indicators
            ],
        ),
    ]


def _plan_tables(p: Overview) -> list[Table]:
    """The plans' progress per unit, the goals per area and the national sub-goals reached."""
    return [
        _table(
            "plans",
            _("Plan progress"),
            [_("Unit"), _("Plan"), _("Goals"), _("Activities"), _("Done"), _("Late"), _("Cancelled")],
            [
                [
                    row.unit.name,
                    str(row.plan.get_status_display()) if row.plan else _("No plan"),
                    row.goals,
                    row.activities,
                    row.done,
                    row.late,
                    row.cancelled,
                ]
                for row in p["rows"]
            ],
        ),
        _table(
            "priorities",
            _("Goals per area"),
            [_("Area"), _("Goals")],
            [[f"{area.code} {_title(area)}", n] for area, n in p["priorities"]],
        ),
        _table(
            "national",
            _("National sub-goals"),
            [_("Sub-goal"), _("Unit goals")],
            [[f"{row['item'].code} {_title(row['item'])}", row["goals"]] for row in p["national"]],
        ),
    ]


def org_tables(report: OrgReport) -> list[Table]:
    """The organisation report's tables, in the order of the page."""
    r = report["results"]
    tables = []
    if r is not None:
        tables.append(_participation_table(r))
    if r is not None and r["available"]:
        tables += [_heatmap_table(r), _equity_table(report)]
        if len(report["trend_campaigns"]) > 1:
            tables += _trend_tables(report)
    return tables + _plan_tables(report["plans"])
