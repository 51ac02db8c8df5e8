"""The unit report: this year's figures of a unit beside last year's and the organisation's,
and the unit's plan.

This year's unit figures come from assessments.selectors.unit_results; everything that reaches
across units or years is read from the campaigns' snapshots (selectors.snapshots). An
organisation figure in a unit's report is withheld where its readers, subtracting the units they
know, would be left with a single other unit (reports.reach).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone

from digiplan.assessments import selectors as results
from digiplan.assessments.models import Campaign
from digiplan.frameworks.models import Item
from digiplan.organisations.models import Organisation, Person
from digiplan.plans.access import can_read_plan
from digiplan.plans.models import OPEN_STATUSES, Activity, ActivityStatus, Goal, Plan
from digiplan.reports import reach
from digiplan.reports.selectors.common import group_bounds, report_campaign, year_campaigns
from digiplan.reports.selectors.snapshots import (
    ANSWER_GROUPS,
    Entry,
    Shown,
    area_values,
    localised,
    median,
    pooled,
    shown_in,
)


class Late(TypedDict):
    late: bool  # due before today and still open


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

type LateActivity = WithAnnotations[Activity, Late]  # an activity with whether it is late

# The organisation's median is left out of a unit's report when fewer units have a figure:
# with two, the median and the unit's own figure would give away the other unit's figure.
MEDIAN_MIN_UNITS = 3


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
    figure: results.Figure | results.LeaderRow  # a Figure for staff and pupils
    org_value: float | None  # pooled mean (staff, pupils) or median level (leader)
    org_units: int


@dataclass
class PlanGoalRow:
    goal: Goal
    items: list[Item]
    activities: list[LateActivity]


@dataclass
class PlanSummary:
    plan: Plan
    goals: list[PlanGoalRow]
    loose: list[LateActivity]  # activities under no goal
    counts: dict[str, int]
    late: int


class UnitReport(TypedDict):
    unit: Organisation
    school_year: str
    campaign: Campaign | None
    missing: list[str]  # codes of what the report lacks and why, for reports/_missing.html
    other_campaigns: list[Campaign]
    previous: Campaign | None
    areas: list[UnitAreaRow]
    indicators: list[IndicatorRow]
    removed: list[Entry]  # indicators of last year's framework that this year's lacks
    results: dict[str, Any] | None
    plan: PlanSummary | None
    k: int | None
    scales: dict[str, tuple[int, int]]


def plan_summary(plan: Plan | None) -> PlanSummary | None:
    """The plan's goals with their activities, each marked late or not, and the counts."""
    if plan is None:
        return None
    late = Case(
        When(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate(), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    goals = list(plan.goals.prefetch_related("items").order_by("order", "pk"))
    activities = list(plan.activities.select_related("owner", "role_title", "goal").annotate(late=late))
    by_goal: dict[int | None, list[LateActivity]] = {}
    for activity in activities:
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


@dataclass(frozen=True)
class _OrgFigures:
    """The organisation's figures as a unit's report shows them: this year's snapshot, and
    whether a figure over some of its units may be shown to the unit's readers."""

    this: Shown
    parts: list[str]
    paths: dict[int, str]

    @classmethod
    def of(cls, unit: Organisation, this: Shown) -> _OrgFigures:
        paths = dict(Organisation.objects.filter(pk__in=this.unit_ids).values_list("pk", "path"))
        return cls(this=this, parts=reach.parts_above(unit), paths=paths)

    @property
    def others(self) -> set[int]:
        """The organisation: every unit of the campaign."""
        return self.this.unit_ids

    def shown(self, rest: list[int]) -> bool:
        return reach.org_figure_shown(rest, self.parts, self.paths, minimum=MEDIAN_MIN_UNITS)

    def area_median(self, code: str | None, group: str) -> tuple[float | None, int]:
        """The median of the units' shown means of the area and group, None where it may not
        be shown to the unit's readers, and how many units have such a mean."""
        rest = [u for u in self.others if self.this.means.get(u, {}).get(code, {}).get(group) is not None]
        values = area_values(self.this, rest, code, group)
        return (median(values) if self.shown(rest) else None), len(values)


@dataclass(frozen=True)
class _StoredMedians:
    """The organisation's medians per area and group as closing stored them (assessments'
    OrgResultFigures, from the same snapshot), with the nodes below each part above the unit:
    the decision of _OrgFigures.area_median without reading every unit's figures and path, so
    that a unit's results page does not grow with the organisation (issue 17)."""

    medians: dict[tuple[str | None, str], tuple[float, set[int]]]
    below: list[set[int]]

    @classmethod
    def of(cls, unit: Organisation, campaign: Campaign) -> _StoredMedians | None:
        medians = results.stored_medians(campaign)
        if medians is None:
            return None
        return cls(medians=medians, below=reach.nodes_below(reach.parts_above(unit)))

    def area_median(self, code: str | None, group: str) -> tuple[float | None, int]:
        value, rest = self.medians.get((code, group), (None, set()))
        shown = reach.org_figure_shown_below(rest, self.below, minimum=MEDIAN_MIN_UNITS)
        return (value if shown else None), len(rest)


def _empty_report(
    unit: Organisation, school_year: str, campaign: Campaign | None, plan: Plan | None
) -> UnitReport:
    return {
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


def _missing_figures(campaign: Campaign, r: dict[str, Any], before: Shown | None) -> list[str]:
    """What this year's figures lack: the leader's rating, a group's figures (all below k), last
    year's figures or a framework to compare them with."""
    missing = []
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
    return missing


def _removed(campaign: Campaign, this: Shown, before: Shown) -> list[Entry]:
    """Last year's indicators that this year's framework no longer has (the leader's only if
    the leader is asked this year), each with its title in the reader's language."""
    removed = [
        i
        for i in before.items
        if i["code"] not in this.item_codes and (i["respondent"] != "leader" or campaign.include_leader)
    ]
    for entry in removed:
        entry["title_shown"] = localised(entry)
    return removed


def _area_row(
    unit: Organisation, area: results.UnitArea, org: _OrgFigures | _StoredMedians, before: Shown | None
) -> UnitAreaRow:
    """The area's figure per group this year and last, and the organisation's median."""
    code = area.item.code if area.item else None
    groups = (["leader"] if area.leader else []) + list(area.groups)
    this_year = {"leader": area.leader_mean, **area.means}
    last_year = {g: (before.means.get(unit.pk, {}).get(code, {}).get(g) if before else None) for g in groups}
    median_of: dict[str, float | None] = {}
    median_units: dict[str, int] = {}
    for g in groups:
        median_of[g], median_units[g] = org.area_median(code, g)
    return UnitAreaRow(
        code=code,
        item=area.item,
        groups=groups,
        this_year=this_year,
        last_year=last_year,
        median=median_of,
        median_units=median_units,
        gap=area.gap,
        is_new=before is not None and code not in before.area_codes,
    )


def _indicator_rows(area: results.UnitArea, org: _OrgFigures) -> list[IndicatorRow]:
    """The area's indicators: the leader's level beside the organisation's median level, and
    each group's figure beside the organisation's pooled mean."""
    code = area.item.code if area.item else None
    this = org.this
    rows = []
    for row in area.leader:
        rest = [u for u in org.others if this.leader.get(u, {}).get(row.item.code) is not None]
        levels = sorted(level for u in rest if (level := this.leader[u][row.item.code]) is not None)
        org_level = median(levels) if org.shown(rest) else None
        rows.append(IndicatorRow(code, "leader", row.item, row, org_level, len(levels)))
    for group, figures in area.groups.items():
        for item, figure in figures:
            rest = [u for u in org.others if (item.code, group) in this.figures.get(u, {})]
            mean, _n, units = pooled(this, rest, item.code, group)
            rows.append(IndicatorRow(code, group, item, figure, mean if org.shown(rest) else None, units))
    return rows


def campaign_area_rows(
    unit: Organisation, campaign: Campaign, r: dict[str, Any]
) -> tuple[list[UnitAreaRow], dict[str, tuple[int, int]]]:
    """The unit's areas in this campaign beside its previous one and the organisation's median,
    and each group's scale: what the unit report draws, for a page that has unit_results already
    (the results page's charts, through assessments.hooks)."""
    before = shown_in(r["previous"]) if r["previous"] else None
    org = _StoredMedians.of(unit, campaign) or _OrgFigures.of(unit, shown_in(campaign))
    rows = [_area_row(unit, area, org, before) for area in r["areas"]]
    items = [row.item for a in r["areas"] for row in a.leader]
    items += [item for a in r["areas"] for figures in a.groups.values() for item, _f in figures]
    return rows, group_bounds(items)


def unit_report(unit: Organisation, school_year: str) -> UnitReport:
    campaign = report_campaign(unit.huvudman_id, school_year, unit=unit)
    plan = Plan.objects.filter(organisation=unit, school_year=school_year).first()
    report = _empty_report(unit, school_year, campaign, plan)
    if plan is None:
        report["missing"].append("no_plan")
    if campaign is None:
        held = year_campaigns(unit.huvudman_id, school_year, unit=unit).exists()
        report["missing"].insert(0, "not_closed" if held else "no_campaign")
        return report
    report["other_campaigns"] = [
        c for c in year_campaigns(unit.huvudman_id, school_year, unit=unit) if c.pk != campaign.pk
    ]
    r = results.unit_results(campaign, unit)
    report["results"], report["k"], report["previous"] = r, r["k"], r["previous"]
    this = shown_in(campaign)
    before = shown_in(r["previous"]) if r["previous"] else None
    report["missing"] += _missing_figures(campaign, r, before)
    if "framework_changed" in report["missing"] and before is not None:
        report["removed"] = _removed(campaign, this, before)
    org = _OrgFigures.of(unit, this)
    for area in r["areas"]:
        report["areas"].append(_area_row(unit, area, org, before))
        report["indicators"] += _indicator_rows(area, org)
    report["scales"] = group_bounds([row.item for row in report["indicators"]])
    return report


def readable_unit_report(person: Person | None, unit: Organisation, school_year: str) -> UnitReport:
    """The unit report as this person may read it: a draft plan is for its editors only, and
    the report then says a plan is being written. No person (an archive's requester erased)
    reads no draft."""
    report = unit_report(unit, school_year)
    plan = report["plan"]
    if plan is not None and (person is None or not can_read_plan(person, plan.plan)):
        report["plan"] = None
        report["missing"].append("plan_draft")
    return report
