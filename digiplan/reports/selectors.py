"""Reads behind the unit report and the organisation report (the yearly follow-up).

No figure here is computed from answers. This year's unit figures come from
assessments.selectors.unit_results and the organisation's from org_results; everything that
reaches across units or years (the organisation's medians, last year's figures, trends and the
spread over the years) is read from the campaigns' results snapshots, which hold the shown
figures only. Every median, quartile and pooled mean is therefore a function of shown figures,
exactly as in org_results, and no figure below k can be worked out from a report. An
organisation figure in a unit's report is also withheld where its readers, subtracting the units
they know, would be left with a single other unit (reports.reach).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from digiplan.assessments import selectors as results
from digiplan.assessments.models import (
    Campaign,
    CampaignStatus,
    LeaderRating,
    RatingStatus,
    ResultSnapshot,
)
from digiplan.frameworks.models import Item, ItemKind, ScaleLevel
from digiplan.lib import schoolyear
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, UnitSchoolForm
from digiplan.plans import selectors as plan_selectors
from digiplan.plans.models import Activity, ActivityStatus, Plan
from digiplan.reports import reach

GROUPS = ("leader", "staff", "pupil")
ANSWER_GROUPS = ("staff", "pupil")
# The organisation's median is left out of a unit's report when fewer units have a figure:
# with two, the median and the unit's own figure would give away the other unit's figure.
MEDIAN_MIN_UNITS = 3

# ---- Campaigns and their snapshots -----------------------------------------------------------


def year_campaigns(
    huvudman_id: int,
    school_year: str,
    *,
    unit: Organisation | None = None,
) -> QuerySet[Campaign]:
    """The year's campaigns of the huvudman (including the unit), last closed first."""
    campaigns = Campaign.objects.filter(huvudman_id=huvudman_id, school_year=school_year)
    if unit is not None:
        campaigns = campaigns.filter(units__unit=unit)
    return campaigns.select_related("framework_version__framework").order_by("-closed_at", "-pk")


def report_campaign(
    huvudman_id: int,
    school_year: str,
    *,
    unit: Organisation | None = None,
) -> Campaign | None:
    """The campaign a year's report rests on: the last one closed that year."""
    return year_campaigns(huvudman_id, school_year, unit=unit).filter(status=CampaignStatus.CLOSED).first()


def _snapshot(campaign: Campaign) -> dict:
    """The campaign's shown figures per unit, as campaign_close stored them; computed again
    (by the same function) for a campaign closed before snapshots existed."""
    snapshot = results.snapshot_for(campaign)
    data = snapshot.data if snapshot is not None else None
    if not isinstance(data, dict) or not all(key in data for key in ("units", "items", "areas")):
        data = results.snapshot_data(campaign)
    return data


def _localised(entry: dict) -> str:
    language = (get_language() or "sv")[:2]
    return (entry.get("translations") or {}).get(language) or entry.get("title", "")


@dataclass
class _Shown:
    """What one snapshot shows, keyed for reports: per unit and area code the shown means per
    group (a key missing: the area does not ask that group; None: suppressed or not rated), and
    per unit and indicator code the shown n and mean."""

    campaign: Campaign
    areas: list[dict]
    items: list[dict]
    means: dict[int, dict[str | None, dict[str, float | None]]]
    figures: dict[int, dict[tuple[str, str], tuple[int, float]]]
    leader: dict[int, dict[str, int | None]]
    unit_ids: set[int]

    @property
    def area_codes(self) -> list[str | None]:
        return [a["code"] for a in self.areas]

    @property
    def item_codes(self) -> set[str]:
        return {i["code"] for i in self.items}


# A snapshot never changes once campaign_close has written it, so what it shows is worked out
# once per process, keyed by the snapshot's id and time, and shared read-only between requests:
# decoding its JSON was most of the time a unit report's figures took. Saving or deleting a
# snapshot empties the store, so that a database reusing an id (a test database rolled back)
# never finds an old entry; a campaign closed before snapshots existed is never kept.
_SHOWN: dict[tuple, tuple] = {}
SHOWN_KEPT = 12


def _shown(campaign: Campaign) -> _Shown:
    key = ResultSnapshot.objects.filter(campaign_id=campaign.pk).values_list("pk", "created_at").first()
    parts = _SHOWN.get(key) if key else None
    if parts is None:
        parts = _read_shown(_snapshot(campaign))
        if key:
            if len(_SHOWN) >= SHOWN_KEPT:
                _SHOWN.clear()
            _SHOWN[key] = parts
    areas, items, means, figures, leader = parts
    return _Shown(
        campaign=campaign,
        areas=areas,
        items=items,
        means=means,
        figures=figures,
        leader=leader,
        unit_ids=set(means),
    )


def _forget_shown(**_kwargs) -> None:
    _SHOWN.clear()


post_save.connect(_forget_shown, sender=ResultSnapshot, dispatch_uid="reports-shown")
post_delete.connect(_forget_shown, sender=ResultSnapshot, dispatch_uid="reports-shown-d")


def _read_shown(data: dict) -> tuple:
    means, figures, leader = {}, {}, {}
    for unit in data["units"]:
        unit_means = means.setdefault(unit["id"], {})
        unit_figures = figures.setdefault(unit["id"], {})
        unit_leader = leader.setdefault(unit["id"], {})
        for area in unit["areas"]:
            row = {g: area["means"][g] for g in ANSWER_GROUPS if g in area["means"]}
            if area["leader"]:
                row["leader"] = area["leader_mean"]
            unit_means[area["area"]] = row
            for entry in area["leader"]:
                unit_leader[entry["code"]] = entry["value"]
            for group, rows in area["figures"].items():
                for entry in rows:
                    if not entry["suppressed"]:
                        unit_figures[(entry["code"], group)] = (entry["n"], entry["mean"])
    return data["areas"], data["items"], means, figures, leader


def scale_bounds(item_ids) -> dict[int, tuple[int, int]]:
    """Lowest and highest counting level of each indicator's scale, by item id."""
    bounds: dict[int, tuple[int, int]] = {}
    rows = ScaleLevel.objects.filter(scale__items__in=list(item_ids), not_applicable=False).values_list(
        "scale__items", "value"
    )
    for item_id, value in rows:
        low, high = bounds.get(item_id, (value, value))
        bounds[item_id] = (min(low, value), max(high, value))
    return bounds


def _group_bounds(items: list[Item]) -> dict[str, tuple[int, int]]:
    """Per respondent group, the range its scales span: the axis of its charts."""
    bounds = scale_bounds(i.pk for i in items)
    groups: dict[str, tuple[int, int]] = {}
    for item in items:
        if item.pk in bounds:
            low, high = bounds[item.pk]
            old = groups.get(item.respondent, (low, high))
            groups[item.respondent] = (min(old[0], low), max(old[1], high))
    return groups


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _area_values(shown: _Shown, unit_ids, code: str | None, group: str) -> list[float]:
    return [
        value
        for unit_id in unit_ids
        if (value := shown.means.get(unit_id, {}).get(code, {}).get(group)) is not None
    ]


def _pooled(shown: _Shown, unit_ids, code: str, group: str) -> tuple[float | None, int, int]:
    """The indicator's mean over the answers of the units whose own figure is shown, as
    org_results pools it: (mean, answers, units)."""
    parts = [f for unit_id in unit_ids if (f := shown.figures.get(unit_id, {}).get((code, group)))]
    n = sum(p[0] for p in parts)
    return (sum(p[0] * p[1] for p in parts) / n if n else None), n, len(parts)


# ---- The unit report -------------------------------------------------------------------------


@dataclass
class UnitAreaRow:
    code: str | None
    item: Item | None
    groups: list[str]  # the groups the area asks this year
    this_year: dict[str, float | None]
    last_year: dict[str, float | None]
    median: dict[str, float | None]
    median_units: dict[str, int]
    gap: float | None
    is_new: bool = False  # the area was not in the previous campaign's framework

    @property
    def by_group(self) -> list[tuple[str, float | None, float | None, float | None]]:
        """(group, this year, last year, organisation median) for each group the area asks."""
        return [(g, self.this_year.get(g), self.last_year.get(g), self.median.get(g)) for g in self.groups]


@dataclass
class IndicatorRow:
    area_code: str | None
    group: str
    item: Item
    figure: object  # results.Figure for staff and pupils, results.LeaderRow for the leader
    org_value: float | None  # pooled mean (staff, pupils) or median level (leader)
    org_units: int


@dataclass
class PlanGoalRow:
    goal: object
    items: list[Item]
    activities: list[Activity]


@dataclass
class PlanSummary:
    plan: Plan
    goals: list[PlanGoalRow]
    loose: list[Activity]  # activities under no goal
    counts: dict[str, int]
    late: int


def plan_summary(plan: Plan | None) -> PlanSummary | None:
    if plan is None:
        return None
    today = timezone.localdate()
    goals = list(plan.goals.prefetch_related("items").order_by("order", "pk"))
    activities = list(plan.activities.select_related("owner", "role_title", "goal"))
    by_goal: dict[int | None, list[Activity]] = {}
    for activity in activities:
        activity.late = activity.is_late_on(today)
        by_goal.setdefault(activity.goal_id, []).append(activity)
    counts = {status: sum(1 for a in activities if a.status == status) for status in ActivityStatus.values}
    return PlanSummary(
        plan=plan,
        goals=[
            PlanGoalRow(goal=g, items=list(g.items.all()), activities=by_goal.get(g.pk, [])) for g in goals
        ],
        loose=by_goal.get(None, []),
        counts=counts,
        late=sum(a.late for a in activities),
    )


def unit_years(unit: Organisation) -> list[str]:
    """School years with a campaign including the unit or a plan of it, newest first."""
    years = set(
        Campaign.objects.filter(huvudman_id=unit.huvudman_id, units__unit=unit).values_list(
            "school_year", flat=True
        )
    )
    years |= set(Plan.objects.filter(organisation=unit).values_list("school_year", flat=True))
    years.add(schoolyear.current())
    return sorted(years, reverse=True)


def default_year(years: list[str], closed: set[str]) -> str:
    """The newest year with a closed campaign, else the newest year."""
    return next((y for y in years if y in closed), years[0] if years else schoolyear.current())


def closed_years(huvudman_id: int, *, unit: Organisation | None = None) -> set[str]:
    campaigns = Campaign.objects.filter(huvudman_id=huvudman_id, status=CampaignStatus.CLOSED)
    if unit is not None:
        campaigns = campaigns.filter(units__unit=unit)
    return set(campaigns.values_list("school_year", flat=True))


def unit_report(unit: Organisation, school_year: str) -> dict:
    campaign = report_campaign(unit.huvudman_id, school_year, unit=unit)
    plan = Plan.objects.filter(organisation=unit, school_year=school_year).first()
    report = {
        "unit": unit,
        "school_year": school_year,
        "campaign": campaign,
        "missing": [],
        "other_campaigns": [],
        "previous": None,
        "areas": [],
        "indicators": [],
        "removed": [],
        "results": None,
        "plan": plan_summary(plan),
        "k": None,
        "scales": {},
    }
    if plan is None:
        report["missing"].append("no_plan")
    if campaign is None:
        if year_campaigns(unit.huvudman_id, school_year, unit=unit).exists():
            report["missing"].insert(0, "not_closed")
        else:
            report["missing"].insert(0, "no_campaign")
        return report
    report["other_campaigns"] = [
        c for c in year_campaigns(unit.huvudman_id, school_year, unit=unit) if c.pk != campaign.pk
    ]
    r = results.unit_results(campaign, unit)
    report["results"], report["k"], report["previous"] = r, r["k"], r["previous"]
    this = _shown(campaign)
    others = this.unit_ids  # the organisation: every unit of the campaign
    before = _shown(r["previous"]) if r["previous"] else None
    paths = dict(Organisation.objects.filter(pk__in=others).values_list("pk", "path"))
    parts = reach.parts_above(unit)

    def org_shown(rest: list[int]) -> bool:
        return reach.org_figure_shown(rest, parts, paths, minimum=MEDIAN_MIN_UNITS)

    missing = report["missing"]
    if campaign.include_leader and not any(row.answered for a in r["areas"] for row in a.leader):
        missing.append("no_leader")
    if not campaign.include_leader:
        missing.append("leader_not_asked")
    for group in ANSWER_GROUPS:
        asked = campaign.include_staff if group == "staff" else campaign.include_pupils
        figures = [f for a in r["areas"] for _i, f in a.groups.get(group, [])]
        if asked and figures and all(f.suppressed for f in figures):
            missing.append(f"{group}_below_k")
    if before is None:
        missing.append("no_previous")
    elif before.campaign.framework_version_id != campaign.framework_version_id:
        missing.append("framework_changed")
        report["removed"] = [
            i
            for i in before.items
            if i["code"] not in this.item_codes and (i["respondent"] != "leader" or campaign.include_leader)
        ]
        for entry in report["removed"]:
            entry["title_shown"] = _localised(entry)

    for area in r["areas"]:
        code = area.item.code if area.item else None
        groups = (["leader"] if area.leader else []) + list(area.groups)
        this_year = {"leader": area.leader_mean, **area.means}
        last_year = {
            g: (before.means.get(unit.pk, {}).get(code, {}).get(g) if before else None) for g in groups
        }
        median, median_units = {}, {}
        for g in groups:
            rest = [u for u in others if this.means.get(u, {}).get(code, {}).get(g) is not None]
            values = _area_values(this, rest, code, g)
            median_units[g] = len(values)
            median[g] = _median(values) if org_shown(rest) else None
        report["areas"].append(
            UnitAreaRow(
                code=code,
                item=area.item,
                groups=groups,
                this_year=this_year,
                last_year=last_year,
                median=median,
                median_units=median_units,
                gap=area.gap,
                is_new=before is not None and code not in before.area_codes,
            )
        )
        for row in area.leader:
            rest = [u for u in others if this.leader.get(u, {}).get(row.item.code) is not None]
            values = sorted(this.leader[u][row.item.code] for u in rest)
            org = _median(values) if org_shown(rest) else None
            report["indicators"].append(IndicatorRow(code, "leader", row.item, row, org, len(values)))
        for group, figures in area.groups.items():
            for item, figure in figures:
                rest = [u for u in others if (item.code, group) in this.figures.get(u, {})]
                mean, _n, units = _pooled(this, rest, item.code, group)
                report["indicators"].append(
                    IndicatorRow(code, group, item, figure, mean if org_shown(rest) else None, units)
                )
    report["scales"] = _group_bounds([row.item for row in report["indicators"]])
    return report


# ---- The organisation report -----------------------------------------------------------------


def org_years(huvudman_id: int) -> list[str]:
    years = set(Campaign.objects.filter(huvudman_id=huvudman_id).values_list("school_year", flat=True))
    years |= set(Plan.objects.filter(huvudman_id=huvudman_id).values_list("school_year", flat=True))
    years.add(schoolyear.current())
    return sorted(years, reverse=True)


def filter_choices(managed: QuerySet[Organisation]) -> dict:
    nodes = managed.filter(
        type__in=(OrganisationType.FORVALTNING, OrganisationType.OMRADE), is_active=True
    ).order_by("path")
    forms = (
        UnitSchoolForm.objects.filter(organisation__in=managed.values("pk"))
        .values_list("school_form", flat=True)
        .distinct()
        .order_by("school_form")
    )
    return {"nodes": list(nodes), "school_forms": list(forms)}


def report_units(
    managed: QuerySet[Organisation], *, node: Organisation | None = None, school_form: str = ""
) -> QuerySet[Organisation]:
    """The school units a strategist manages, within the chosen node and school form."""
    units = managed.filter(type=OrganisationType.SKOLENHET)
    if node is not None:
        units = units.filter(path__startswith=node.path)
    if school_form:
        units = units.filter(
            pk__in=UnitSchoolForm.objects.filter(school_form=school_form).values("organisation_id")
        )
    return units


@dataclass
class Spread:
    units_shown: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None

    @property
    def iqr(self) -> float | None:
        return self.q3 - self.q1 if self.q1 is not None else None


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
    now: object  # results.AreaSpread of this year
    history: list[Spread]  # per trend campaign, over the same units
    change: float | None  # of the median since the previous campaign in the trend
    iqr_change: float | None

    @property
    def iqr(self) -> float | None:
        """The interquartile range of this year: the spread of the middle half of the units."""
        return self.now.q3 - self.now.q1 if self.now.q1 is not None else None


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


def trend_campaigns(campaign: Campaign) -> list[Campaign]:
    """The closed campaigns of the same framework up to this one, oldest first: what a trend
    can compare. Campaigns on another framework measure other things and are left out."""
    earlier = Campaign.objects.filter(
        huvudman_id=campaign.huvudman_id,
        status=CampaignStatus.CLOSED,
        framework_version__framework__slug=campaign.framework_version.framework.slug,
    )
    if campaign.closed_at:
        earlier = earlier.filter(closed_at__lte=campaign.closed_at)
    found = list(earlier.select_related("framework_version__framework").order_by("closed_at", "pk"))
    if campaign not in found:
        found.append(campaign)
    return found


def _trends(campaigns: list[Campaign], shown: list[_Shown], unit_ids: set[int]) -> list[TrendArea]:
    titles: dict[str | None, str] = {}
    item_info: dict[str, dict] = {}
    area_order: list[str | None] = []
    for s in reversed(shown):  # the newest title wins; older areas follow the current ones
        for a in s.areas:
            titles.setdefault(a["code"], _localised(a))
            if a["code"] not in area_order:
                area_order.append(a["code"])
        for i in s.items:
            item_info.setdefault(i["code"], {**i, "title_shown": _localised(i)})
    trends = []
    for code in area_order:
        present = [code in s.area_codes for s in shown]
        lines = []
        for group in GROUPS:
            if not any(group in s.means.get(u, {}).get(code, {}) for s in shown for u in s.unit_ids):
                continue
            values, units = [], []
            for s in shown:
                found = _area_values(s, s.unit_ids & unit_ids, code, group)
                values.append(_median(found))
                units.append(len(found))
            lines.append(
                TrendLine(
                    code=code or "",
                    title=titles.get(code, ""),
                    group=group,
                    values=values,
                    units=units,
                    present=present,
                )
            )
        area = TrendArea(
            code=code,
            title=titles.get(code, ""),
            lines=lines,
            is_new=present.index(True) > 0,
            gone=not present[-1],
        )
        for item_code, info in item_info.items():
            if info["area"] != code or info["respondent"] not in ANSWER_GROUPS:
                continue
            values, units = [], []
            for s in shown:
                mean, _n, count = _pooled(s, s.unit_ids & unit_ids, item_code, info["respondent"])
                values.append(mean)
                units.append(count)
            area.indicators.append(
                TrendLine(
                    code=item_code,
                    title=info["title_shown"],
                    group=info["respondent"],
                    values=values,
                    units=units,
                    present=[item_code in s.item_codes for s in shown],
                )
            )
        area.indicators.sort(key=lambda line: (line.group != "staff", line.code))
        trends.append(area)
    return trends


def org_report(units: QuerySet[Organisation], school_year: str, huvudman: Huvudman) -> dict:
    """units: the school units the report covers (already filtered by node and school form)."""
    campaign = report_campaign(huvudman.pk, school_year)
    report = {
        "school_year": school_year,
        "campaign": campaign,
        "missing": [],
        "k": None,
        "other_campaigns": [],
        "results": None,
        "equity": [],
        "trend": [],
        "trend_campaigns": [],
        "scales": {},
        "plans": plan_selectors.overview(units, school_year, huvudman.pk),
    }
    if not any(row.plan for row in report["plans"]["rows"]):
        report["missing"].append("no_plans")
    if campaign is None:
        report["missing"].insert(
            0, "not_closed" if year_campaigns(huvudman.pk, school_year).exists() else "no_campaign"
        )
        return report
    report["other_campaigns"] = [c for c in year_campaigns(huvudman.pk, school_year) if c.pk != campaign.pk]
    covered = results.org_units(campaign, units)
    r = results.org_results(campaign, covered)
    report["results"], report["k"] = r, r["k"]
    unit_ids = set(covered.values_list("pk", flat=True))
    if not unit_ids:
        report["missing"].append("no_units")
    missing = report["missing"]
    campaigns = trend_campaigns(campaign)
    shown = [_shown(c) for c in campaigns]
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
    report["trend_campaigns"] = campaigns
    for spread in r["spread"]:
        code = spread.area.item.code if spread.area.item else None
        history = [_spread(_area_values(s, s.unit_ids & unit_ids, code, "staff")) for s in shown]
        earlier = history[-2] if len(history) > 1 else None
        now = history[-1]
        report["equity"].append(
            EquityRow(
                code=code,
                item=spread.area.item,
                now=spread,
                history=history,
                change=now.median - earlier.median
                if earlier and None not in (now.median, earlier.median)
                else None,
                iqr_change=now.iqr - earlier.iqr if earlier and None not in (now.iqr, earlier.iqr) else None,
            )
        )
    report["trend"] = _trends(campaigns, shown, unit_ids)
    report["scales"] = _group_bounds(
        list(Item.objects.filter(version=campaign.framework_version, kind=ItemKind.INDICATOR))
    )
    return report
