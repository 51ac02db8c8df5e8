"""The organisation report (the yearly follow-up): this year's figures over the chosen units,
how evenly the units do (equity), the trends over the campaigns of the same framework, and the
plans' progress.

This year's figures come from assessments.selectors.org_results; the spread over the years and
the trends are read from the campaigns' snapshots (selectors.snapshots), so every median,
quartile and pooled mean is a function of shown figures only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.db.models import QuerySet

from digiplan.assessments import selectors as results
from digiplan.assessments.models import Campaign, LeaderRating, RatingStatus
from digiplan.frameworks.models import Item, ItemKind
from digiplan.organisations.models import Huvudman, Organisation
from digiplan.plans import selectors as plan_selectors
from digiplan.reports.selectors.common import (
    closed_campaigns,
    group_bounds,
    report_campaign,
    trend_campaigns,
    year_campaigns,
)
from digiplan.reports.selectors.snapshots import (
    ANSWER_GROUPS,
    GROUPS,
    Entry,
    Shown,
    area_values,
    localised,
    median,
    pooled,
    shown_in,
)


def _difference(now: float | None, earlier: float | None) -> float | None:
    return now - earlier if now is not None and earlier is not None else None


@dataclass
class Spread:
    units_shown: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None

    @property
    def iqr(self) -> float | None:
        return _difference(self.q3, self.q1)


def _spread(values: list[float]) -> Spread:
    spread = Spread(units_shown=len(values))
    if values:
        spread.median = statistics.median(values)
        spread.q1, spread.q3 = results.quartiles(sorted(values))
    return spread


@dataclass
class EquityRow:
    code: str | None
    item: Item | None
    now: results.AreaSpread  # of this year
    history: list[Spread]  # per trend campaign, over the same units
    change: float | None  # of the median since the previous campaign in the trend
    iqr_change: float | None

    @property
    def iqr(self) -> float | None:
        """The interquartile range of this year: the spread of the middle half of the units."""
        return _difference(self.now.q3, self.now.q1)


@dataclass
class TrendLine:
    code: str
    title: str
    group: str
    values: list[float | None]  # per trend campaign
    units: list[int]
    present: list[bool]  # the indicator or area was in that campaign's framework

    @property
    def new_since(self) -> int | None:
        """The index of the campaign the line first appears in, when not the first."""
        first = self.present.index(True) if True in self.present else None
        return first if first else None

    @property
    def gone(self) -> bool:
        return bool(self.present) and not self.present[-1]

    @property
    def cells(self) -> list[tuple[bool, float | None]]:
        return list(zip(self.present, self.values, strict=True))


@dataclass
class TrendArea:
    code: str | None
    title: str
    lines: list[TrendLine]  # one per group: medians of the units' area means
    indicators: list[TrendLine] = field(default_factory=list)  # pooled means, staff and pupils
    is_new: bool = False
    gone: bool = False


class OrgReport(TypedDict):
    school_year: str
    campaign: Campaign | None
    missing: list[str]  # codes of what the report lacks and why, for reports/_missing.html
    k: int | None
    other_campaigns: list[Campaign]
    campaign_choices: list[Campaign]  # the year's closed campaigns, with unit_count
    results: dict[str, Any] | None
    equity: list[EquityRow]
    trend: list[TrendArea]
    trend_campaigns: list[Campaign]
    scales: dict[str, tuple[int, int]]
    plans: plan_selectors.Overview


# ---- Trends ------------------------------------------------------------------------------------


@dataclass
class _Titles:
    """The areas and indicators over the trend's snapshots: the newest title of each, and the
    areas in order (the current ones first, then those that are gone)."""

    areas: dict[str | None, str]
    order: list[str | None]
    items: dict[str, Entry]

    @classmethod
    def of(cls, shown: list[Shown]) -> _Titles:
        titles = cls(areas={}, order=[], items={})
        for s in reversed(shown):  # the newest title wins; older areas follow the current ones
            for a in s.areas:
                titles.areas.setdefault(a["code"], localised(a))
                if a["code"] not in titles.order:
                    titles.order.append(a["code"])
            for i in s.items:
                titles.items.setdefault(i["code"], {**i, "title_shown": localised(i)})
        return titles


def _area_lines(code: str | None, title: str, shown: list[Shown], unit_ids: set[int]) -> list[TrendLine]:
    """Per group the area asked in any campaign, the median of the units' area means in each."""
    present = [code in s.area_codes for s in shown]
    lines = []
    for group in GROUPS:
        if not any(group in s.means.get(u, {}).get(code, {}) for s in shown for u in s.unit_ids):
            continue
        values: list[float | None] = []
        units = []
        for s in shown:
            found = area_values(s, s.unit_ids & unit_ids, code, group)
            values.append(median(found))
            units.append(len(found))
        lines.append(
            TrendLine(code=code or "", title=title, group=group, values=values, units=units, present=present)
        )
    return lines


def _indicator_lines(
    code: str | None, titles: _Titles, shown: list[Shown], unit_ids: set[int]
) -> list[TrendLine]:
    """The area's staff and pupil indicators, each's pooled mean in each campaign; staff first."""
    lines = []
    for item_code, info in titles.items.items():
        if info["area"] != code or info["respondent"] not in ANSWER_GROUPS:
            continue
        values: list[float | None] = []
        units = []
        for s in shown:
            mean, _n, count = pooled(s, s.unit_ids & unit_ids, item_code, info["respondent"])
            values.append(mean)
            units.append(count)
        lines.append(
            TrendLine(
                code=item_code,
                title=info["title_shown"],
                group=info["respondent"],
                values=values,
                units=units,
                present=[item_code in s.item_codes for s in shown],
            )
        )
    lines.sort(key=lambda line: (line.group != "staff", line.code))
    return lines


def _trends(shown: list[Shown], unit_ids: set[int]) -> list[TrendArea]:
    titles = _Titles.of(shown)
    trends = []
    for code in titles.order:
        present = [code in s.area_codes for s in shown]
        title = titles.areas.get(code, "")
        trends.append(
            TrendArea(
                code=code,
                title=title,
                lines=_area_lines(code, title, shown, unit_ids),
                indicators=_indicator_lines(code, titles, shown, unit_ids),
                is_new=present.index(True) > 0,
                gone=not present[-1],
            )
        )
    return trends


# ---- The report --------------------------------------------------------------------------------


def _equity_row(spread: results.AreaSpread, shown: list[Shown], unit_ids: set[int]) -> EquityRow:
    """This year's spread of the staff's area means, the same over the trend's campaigns, and
    how the median and the range changed since the previous campaign."""
    code = spread.area.item.code if spread.area.item else None
    history = [_spread(area_values(s, s.unit_ids & unit_ids, code, "staff")) for s in shown]
    earlier = history[-2] if len(history) > 1 else None
    now = history[-1]
    return EquityRow(
        code=code,
        item=spread.area.item,
        now=spread,
        history=history,
        change=_difference(now.median, earlier.median) if earlier else None,
        iqr_change=_difference(now.iqr, earlier.iqr) if earlier else None,
    )


def _missing_figures(
    campaign: Campaign, r: dict[str, Any], unit_ids: set[int], campaigns: list[Campaign]
) -> list[str]:
    """What this year's figures lack: units, the leaders' ratings, staff figures (all below k),
    an earlier campaign or the same framework to compare with."""
    missing = []
    if not unit_ids:
        missing.append("no_units")
    if (
        campaign.include_leader
        and unit_ids
        and not LeaderRating.objects.filter(
            campaign=campaign, unit__in=unit_ids, status=RatingStatus.SUBMITTED
        ).exists()
    ):
        missing.append("no_leader")
    if unit_ids and r["spread"] and all(s.units_shown == 0 for s in r["spread"]):
        missing.append("staff_below_k")
    if len(campaigns) == 1:
        missing.append("no_previous")
    if len({c.framework_version_id for c in campaigns}) > 1:
        missing.append("framework_changed")
    return missing


def _empty_report(school_year: str, campaign: Campaign | None, plans: plan_selectors.Overview) -> OrgReport:
    return {
        "school_year": school_year,
        "campaign": campaign,
        "missing": [] if any(row.plan for row in plans["rows"]) else ["no_plans"],
        "k": None,
        "other_campaigns": [],
        "campaign_choices": [],
        "results": None,
        "equity": [],
        "trend": [],
        "trend_campaigns": [],
        "scales": {},
        "plans": plans,
    }


def org_report(
    units: QuerySet[Organisation], school_year: str, huvudman: Huvudman, *, chosen: int | None = None
) -> OrgReport:
    """units: the school units the report covers (already filtered by node and school form);
    chosen: the campaign the user picked among the year's closed ones (else the one covering
    the most units)."""
    campaign = report_campaign(huvudman.pk, school_year, chosen=chosen)
    report = _empty_report(school_year, campaign, plan_selectors.overview(units, school_year, huvudman.pk))
    if campaign is None:
        held = year_campaigns(huvudman.pk, school_year).exists()
        report["missing"].insert(0, "not_closed" if held else "no_campaign")
        return report
    report["other_campaigns"] = [c for c in year_campaigns(huvudman.pk, school_year) if c.pk != campaign.pk]
    report["campaign_choices"] = closed_campaigns(huvudman.pk, school_year)
    covered = results.org_units(campaign, units)
    r = results.org_results(campaign, covered)
    report["results"], report["k"] = r, r["k"]
    unit_ids = set(covered.values_list("pk", flat=True))
    campaigns = trend_campaigns(campaign)
    shown = [shown_in(c) for c in campaigns]
    report["missing"] += _missing_figures(campaign, r, unit_ids, campaigns)
    report["trend_campaigns"] = campaigns
    report["equity"] = [_equity_row(spread, shown, unit_ids) for spread in r["spread"]]
    report["trend"] = _trends(shown, unit_ids)
    report["scales"] = group_bounds(
        list(Item.objects.filter(version=campaign.framework_version, kind=ItemKind.INDICATOR))
    )
    return report
