"""The organisation page and its downloads (CSV, XLSX).

Every organisation figure is computed over the unit figures that are themselves shown, and the
downloads are built from the very result the page shows, so they hide exactly what it hides.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from digiplan.assessments.models import Campaign, CampaignUnit, Group, Participation
from digiplan.assessments.selectors.common import GROUPS, Figure, _figure, _mean, _Raw
from digiplan.assessments.selectors.context import Area, _Context
from digiplan.frameworks.models import Item, ItemKind, ScaleLevel
from digiplan.organisations.models import Organisation, OrganisationType, UnitSchoolForm

FURTHEST_BEHIND = 3
HEAT_BANDS = 5


@dataclass
class UnitRate:
    unit: Organisation | None  # None in the totals row
    asked: int
    answered: int
    rate: float | None  # percent
    pupil_responses: int
    pupils_expected: int


@dataclass
class HeatCell:
    area: Area
    mean: float | None
    band: int | None


@dataclass
class AreaSpread:
    area: Area
    units_shown: int
    units_total: int
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    q1: float | None = None
    q3: float | None = None
    behind: list[tuple[Organisation, float]] = field(default_factory=list)


def quartiles(values: list[float]) -> tuple[float, float]:
    """First and third quartile by linear interpolation between order statistics (Excel's
    KVARTIL.INK, numpy's default)."""
    if len(values) == 1:
        return values[0], values[0]
    q1, _median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def _band(mean: float, levels: list[ScaleLevel]) -> int | None:
    values = [lv.value for lv in levels]
    if len(values) < 2 or max(values) == min(values):
        return None
    share = (mean - min(values)) / (max(values) - min(values))
    return min(HEAT_BANDS, max(1, 1 + int(share * HEAT_BANDS)))


def org_filter_choices(campaign: Campaign, managed: QuerySet[Organisation]) -> dict[str, Any]:
    nodes = managed.filter(
        type__in=(OrganisationType.FORVALTNING, OrganisationType.OMRADE), is_active=True
    ).order_by("path")
    forms = (
        UnitSchoolForm.objects.filter(organisation__in=campaign.units.values("unit_id"))
        .values_list("school_form", flat=True)
        .distinct()
        .order_by("school_form")
    )
    areas = (
        Item.objects.filter(version=campaign.framework_version, children__kind=ItemKind.INDICATOR)
        .distinct()
        .order_by("order", "code")
    )
    return {"nodes": list(nodes), "school_forms": list(forms), "areas": list(areas)}


def org_units(
    campaign: Campaign,
    managed: QuerySet[Organisation],
    *,
    node: Organisation | None = None,
    school_form: str = "",
) -> QuerySet[Organisation]:
    units = Organisation.objects.filter(pk__in=campaign.units.values("unit_id")).filter(
        pk__in=managed.values("pk")
    )
    if node is not None:
        units = units.filter(path__startswith=node.path)
    if school_form:
        units = units.filter(
            pk__in=UnitSchoolForm.objects.filter(school_form=school_form).values("organisation_id")
        )
    return units


_Stats = dict[tuple[int, object, str], _Raw]  # (unit id, item id, group) → its raw figure


def org_results(
    campaign: Campaign,
    units: QuerySet[Organisation],
    *,
    area: Item | None = None,
    live: bool = False,
    distributions: bool = True,
) -> dict[str, Any]:
    """distributions=False leaves out the answers per value of the pooled indicators, which only
    the downloads list: adding them up over every unit was half of the page's work (issue 17)."""
    ctx = _Context(campaign, units, with_previous=False, live=live)
    campaign_units = list(
        CampaignUnit.objects.filter(campaign=campaign, unit__in=units.values("pk"))
        .select_related("unit")
        .order_by("unit__name", "unit__pk")
    )
    rates = _response_rates(ctx, units, campaign_units)
    result: dict[str, Any] = {
        "k": ctx.k,
        "available": ctx.available,
        "stored": ctx.stored,  # the figures of a closed campaign, read back: they never change
        "rates": rates,
        "rate_totals": _rate_totals(rates),
        "areas": [],
        "heatmap": [],
        "spread": [],
        "indicators": [],
        "unit_figures": [],
        "values": [],
    }
    if not ctx.available:
        return result

    areas = [a for a in ctx.areas if a.indicators.get(Group.STAFF) and (area is None or a.pk == area.pk)]
    # A unit figure is shown when it rests on at least k answers (as ctx.figure decides); only
    # the downloads need the figures themselves, with their distributions.
    shown_stats = {key: raw for key, raw in ctx.stats.items() if raw.n >= ctx.k}
    heatmap = _heatmap(ctx, campaign_units, areas, shown_stats)
    result["areas"] = areas
    result["values"] = sorted(
        {
            lv.value
            for item in ctx.items
            if item.respondent in GROUPS
            for lv in ctx.levels.get(item.scale_id, [])
        }
    )
    result["heatmap"] = heatmap
    result["spread"] = [_spread(a, column, heatmap) for column, a in enumerate(areas)]
    result["unit_figures"] = _UnitFigures(ctx, campaign_units, area)
    result["indicators"] = _pooled_indicators(ctx, campaign_units, area, shown_stats, distributions)
    return result


def _response_rates(
    ctx: _Context, units: QuerySet[Organisation], campaign_units: list[CampaignUnit]
) -> list[UnitRate]:
    """Staff asked and answered, and pupils' answers, per unit."""
    participation = {
        r["unit_id"]: r
        for r in Participation.objects.filter(campaign=ctx.campaign, unit__in=units.values("pk"))
        .values("unit_id")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
        .order_by()
    }
    rates: list[UnitRate] = []
    for cu in campaign_units:
        p = participation.get(cu.unit_id, {"asked": 0, "answered": 0})
        rates.append(
            UnitRate(
                unit=cu.unit,
                asked=p["asked"],
                answered=p["answered"],
                rate=100 * p["answered"] / p["asked"] if p["asked"] else None,
                pupil_responses=ctx.responses.get((cu.unit_id, Group.PUPIL), 0),
                pupils_expected=cu.pupils_expected,
            )
        )
    return rates


def _rate_totals(rates: list[UnitRate]) -> UnitRate:
    asked = sum(r.asked for r in rates)
    answered = sum(r.answered for r in rates)
    return UnitRate(
        unit=None,
        asked=asked,
        answered=answered,
        rate=100 * answered / asked if asked else None,
        pupil_responses=sum(r.pupil_responses for r in rates),
        pupils_expected=sum(r.pupils_expected for r in rates),
    )


def _heatmap(
    ctx: _Context, campaign_units: list[CampaignUnit], areas: list[Area], shown_stats: _Stats
) -> list[tuple[Organisation, list[HeatCell]]]:
    """Unit × area: the mean of the shown staff indicator means, as on the unit page."""
    # The colour band follows the scale of the area's first staff indicator.
    scales = {a.pk: ctx.levels.get(a.indicators[Group.STAFF][0].scale_id, []) for a in areas}
    heatmap: list[tuple[Organisation, list[HeatCell]]] = []
    for cu in campaign_units:
        cells: list[HeatCell] = []
        for a in areas:
            mean = _mean(
                raw.mean
                for i in a.indicators[Group.STAFF]
                if (raw := shown_stats.get((cu.unit_id, i.pk, Group.STAFF))) is not None
            )
            cells.append(
                HeatCell(area=a, mean=mean, band=_band(mean, scales[a.pk]) if mean is not None else None)
            )
        heatmap.append((cu.unit, cells))
    return heatmap


def _spread(area: Area, column: int, heatmap: list[tuple[Organisation, list[HeatCell]]]) -> AreaSpread:
    """The median, range, quartiles and units furthest behind of the area's shown unit means."""
    shown = sorted(
        ((mean, unit) for unit, cells in heatmap if (mean := cells[column].mean) is not None),
        key=lambda pair: (pair[0], pair[1].name),
    )
    spread = AreaSpread(area=area, units_shown=len(shown), units_total=len(heatmap))
    if shown:
        values = [v for v, _u in shown]
        spread.median = statistics.median(values)
        spread.minimum, spread.maximum = values[0], values[-1]
        spread.q1, spread.q3 = quartiles(values)
        spread.behind = [(u, v) for v, u in shown[:FURTHEST_BEHIND]]
    return spread


def _pooled_indicators(
    ctx: _Context,
    campaign_units: list[CampaignUnit],
    area: Item | None,
    shown_stats: _Stats,
    distributions: bool = True,
) -> list[tuple[Area, str, Item, Figure, int]]:
    """Per indicator and group, pooled over the units whose own figure is shown."""
    return [
        (a, g, item, pooled_figure(ctx, item, pooled, units), len(campaign_units))
        for a, g, item, pooled, units in _pooled_raws(ctx, campaign_units, area, shown_stats, distributions)
    ]


def _pooled_raws(
    ctx: _Context,
    campaign_units: list[CampaignUnit],
    area: Item | None,
    shown_stats: _Stats,
    distributions: bool = True,
) -> list[tuple[Area, str, Item, _Raw | None, int]]:
    """Per indicator and group: the figures of the units whose own figure is shown, as one
    (None when there is none), and how many units they are. Also what closing stores
    (org_stored.py)."""
    pooled: list[tuple[Area, str, Item, _Raw | None, int]] = []
    for a in ctx.areas:
        if area is not None and a.pk != area.pk:
            continue
        for g in GROUPS:
            for item in a.indicators.get(g, []):
                shown_raws = [
                    raw
                    for cu in campaign_units
                    if (raw := shown_stats.get((cu.unit_id, item.pk, g))) is not None
                ]
                pooled.append(
                    (a, g, item, _pool(shown_raws, distributions) if shown_raws else None, len(shown_raws))
                )
    return pooled


def pooled_figure(ctx: _Context, item: Item, pooled: _Raw | None, units: int) -> Figure:
    """The pooled figure as the page shows it: it rests on shown units only, each with at least
    k answers, so it needs no k of its own."""
    figure = _figure(pooled, 1, ctx.levels.get(item.scale_id, []))
    figure.units = units
    return figure


def _pool(raws: list[_Raw], distributions: bool = True) -> _Raw:
    """The figures of several units as one (without the answers per value unless asked)."""
    pooled = _Raw()
    for raw in raws:
        pooled.n += raw.n
        pooled.n_na += raw.n_na
        pooled.total += raw.total
        if distributions:
            for value, count in raw.counts.items():
                pooled.counts[value] = pooled.counts.get(value, 0) + count
    pooled.mean = pooled.total / pooled.n if pooled.n else None
    return pooled


class _UnitFigures:
    """(unit, area, group, indicator, figure) for every unit of the organisation page, in the
    order of its indicators, built when first read: the page shows none of them, only the
    downloads list them."""

    def __init__(self, ctx: _Context, campaign_units: list[CampaignUnit], area: Item | None) -> None:
        self.ctx, self.campaign_units, self.area = ctx, campaign_units, area
        self.rows: list[tuple[Organisation, Area, str, Item, Figure]] | None = None

    def __iter__(self) -> Iterator[tuple[Organisation, Area, str, Item, Figure]]:
        if self.rows is None:
            ctx = self.ctx
            self.rows = [
                (cu.unit, a, g, item, ctx.figure(cu.unit_id, item, g))
                for a in ctx.areas
                if self.area is None or a.pk == self.area.pk
                for g in GROUPS
                for item in a.indicators.get(g, [])
                for cu in self.campaign_units
            ]
        return iter(self.rows)

    def __len__(self) -> int:
        return sum(1 for _row in self)


# ---- The downloads ---------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[object]]  # None is a suppressed figure; str, int and float as they are


def org_tables(result: dict[str, Any], *, labels: dict[str, Any]) -> list[Table]:
    """The organisation's results as plain tables for CSV and XLSX, suppressed exactly as on
    the page: every figure the page hides is None here."""
    tables = _TableMaker(labels, result["values"])
    made = [tables.rates(result["rates"], result["rate_totals"])]
    if not result["available"]:
        return made
    return [
        *made,
        tables.heatmap(result["areas"], result["heatmap"]),
        tables.spread(result["spread"]),
        tables.indicators(result["indicators"]),
        tables.units(result["unit_figures"]),
    ]


@dataclass
class _TableMaker:
    labels: dict[str, Any]
    values: list[int]  # every scale value: one column each, empty where a scale lacks it

    def area_name(self, area: Area) -> str:
        return f"{area.item.code} {area.item.title}" if area.item else self.labels["no_area"]

    def distribution(self, figure: Figure) -> list[object]:
        if figure.suppressed:
            return [None] * len(self.values)
        counts = {lv.value: count for lv, count, _share in figure.distribution or []}
        return [counts.get(v, "") for v in self.values]

    def level_header(self) -> list[str]:
        return [self.labels["value"] % {"value": v} for v in self.values]

    def rates(self, rates: list[UnitRate], totals: UnitRate) -> Table:
        L = self.labels
        rows: list[list[object]] = [
            [r.unit.name if r.unit else "", r.asked, r.answered, r.rate, r.pupil_responses, r.pupils_expected]
            for r in rates
        ]
        rows.append(
            [
                L["total"],
                totals.asked,
                totals.answered,
                totals.rate,
                totals.pupil_responses,
                totals.pupils_expected,
            ]
        )
        return Table(
            L["rates"],
            [L["unit"], L["asked"], L["answered"], L["rate"], L["pupil_responses"], L["pupils_expected"]],
            rows,
        )

    def heatmap(self, areas: list[Area], heatmap: list[tuple[Organisation, list[HeatCell]]]) -> Table:
        return Table(
            self.labels["heatmap"],
            [self.labels["unit"], *(self.area_name(a) for a in areas)],
            [[unit.name, *(c.mean for c in cells)] for unit, cells in heatmap],
        )

    def spread(self, spreads: list[AreaSpread]) -> Table:
        L = self.labels
        return Table(
            L["spread"],
            [
                L[key]
                for key in (
                    "area",
                    "units_shown",
                    "units_total",
                    "median",
                    "min",
                    "max",
                    "q1",
                    "q3",
                    "behind",
                )
            ],
            [
                [
                    self.area_name(s.area),
                    s.units_shown,
                    s.units_total,
                    s.median,
                    s.minimum,
                    s.maximum,
                    s.q1,
                    s.q3,
                    ", ".join(f"{u.name}" for u, _v in s.behind),
                ]
                for s in spreads
            ],
        )

    def indicators(self, indicators: list[tuple[Area, str, Item, Figure, int]]) -> Table:
        L = self.labels
        return Table(
            L["indicators"],
            [
                *(
                    L[key]
                    for key in ("area", "group", "code", "indicator", "units_shown", "n", "n_na", "mean")
                ),
                *self.level_header(),
            ],
            [
                [
                    self.area_name(a),
                    L[g],
                    item.code,
                    item.title,
                    f.units,
                    f.n,
                    f.n_na,
                    f.mean,
                    *self.distribution(f),
                ]
                for a, g, item, f, _total in indicators
            ],
        )

    def units(self, unit_figures: _UnitFigures) -> Table:
        L = self.labels
        return Table(
            L["units"],
            [
                *(L[key] for key in ("unit", "area", "group", "code", "indicator", "n", "n_na", "mean")),
                *self.level_header(),
            ],
            [
                [
                    unit.name,
                    self.area_name(a),
                    L[g],
                    item.code,
                    item.title,
                    f.n,
                    f.n_na,
                    f.mean,
                    *self.distribution(f),
                ]
                for unit, a, g, item, f in unit_figures
            ],
        )
