"""The organisation's own figures of a closed campaign, stored once when it closes
(OrgResultFigures), and the organisation page read a page of units at a time (issue 17).

Without them the first reader of the organisation page read and went through every unit's
figures to work out the spread per area and the pooled indicators: the page's cost grew with
the organisation (about 150 ms of CPU at 400 units, 500 ms at 1,500). For the whole campaign (no
node or school form filter, and a reader who reaches every unit) the page now reads these, one
row, and the figures of the units of its page only; a narrower scope is computed as before.

What is stored is computed by the very functions the page used (org.py), from shown figures
alone, so the page shows the same figures, suppressed the same way:

    {"format": 1,
     "units": number of units of the campaign,
     "spread": [[area pk or None, units shown, median, min, max, q1, q3,
                 [[mean, unit pk], …]], …],   # every unit at or below the 3rd lowest mean
     "indicators": [[code, group, n, "don't know", sum, units], …],   # pooled over shown units
     "medians": [[area code, group, median, [unit pk, …]], …]}   # the unit page's charts

The units furthest behind are kept with every unit tied at the third place, and sorted by
their names when read, as the page sorts them; their names are read when shown (a unit may be
renamed after the close). The medians are the snapshot's: per area and group (leader, staff,
pupils) the median of the units' shown means and the units that have one, so that the reports
app can decide whether the median may be shown to a unit's readers (reports.reach).
"""

from __future__ import annotations

import statistics
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum

from digiplan.assessments.models import (
    Campaign,
    CampaignUnit,
    Group,
    OrgResultFigures,
    Participation,
    ResultFigures,
)
from digiplan.assessments.selectors.common import GROUPS, Figure, _Raw, results_available
from digiplan.assessments.selectors.context import Area, _Context
from digiplan.assessments.selectors.org import (
    FURTHEST_BEHIND,
    AreaSpread,
    UnitRate,
    _heatmap,
    _pooled_raws,
    _response_rates,
    _spread,
    org_results,
    pooled_figure,
)
from digiplan.assessments.selectors.snapshot import snapshot_for
from digiplan.frameworks.models import Item
from digiplan.organisations.models import Organisation

ORG_FIGURES_FORMAT = 1


def org_figures_data(campaign: Campaign, snapshot: Any = None) -> dict[str, Any]:
    """What OrgResultFigures stores for a closed campaign whose ResultFigures and snapshot are
    written (campaign_close, which hands over the snapshot's data it has just made: read back,
    it is the largest JSON of the campaign)."""
    units = Organisation.objects.filter(pk__in=campaign.units.values("unit_id"))
    ctx = _Context(campaign, units, with_previous=False)
    campaign_units = list(
        CampaignUnit.objects.filter(campaign=campaign)
        .select_related("unit")
        .order_by("unit__name", "unit__pk")
    )
    shown_stats = {key: raw for key, raw in ctx.stats.items() if raw.n >= ctx.k}
    areas = [a for a in ctx.areas if a.indicators.get(Group.STAFF)]
    heatmap = _heatmap(ctx, campaign_units, areas, shown_stats)
    spread = []
    for column, a in enumerate(areas):
        s = _spread(a, column, heatmap)
        means = sorted((mean, unit.pk) for unit, cells in heatmap if (mean := cells[column].mean) is not None)
        lowest = (
            [pair for pair in means if pair[0] <= means[min(FURTHEST_BEHIND, len(means)) - 1][0]]
            if means
            else []
        )
        spread.append([a.pk, s.units_shown, s.median, s.minimum, s.maximum, s.q1, s.q3, lowest])
    indicators = [
        [item.code, g, raw.n, raw.n_na, raw.total, n_units]
        for _a, g, item, raw, n_units in _pooled_raws(ctx, campaign_units, None, shown_stats, False)
        if raw is not None
    ]
    return {
        "format": ORG_FIGURES_FORMAT,
        "units": len(campaign_units),
        "spread": spread,
        "indicators": indicators,
        "medians": _snapshot_medians(campaign, snapshot),
    }


def _snapshot_medians(campaign: Campaign, data: Any = None) -> list[list[Any]]:
    """Per area code and group, the median of the units' shown means in the snapshot and the
    units that have one (read as reports.selectors.snapshots reads the snapshot)."""
    if data is None:
        snapshot = snapshot_for(campaign)
        data = snapshot.data if snapshot is not None else None
    if not isinstance(data, dict) or "units" not in data:
        return []
    values: dict[tuple[str | None, str], list[tuple[int, float]]] = {}
    for unit in data["units"]:
        for area in unit["areas"]:
            row: dict[str, float | None] = {g: area["means"][g] for g in GROUPS if g in area["means"]}
            if area["leader"]:
                row["leader"] = area["leader_mean"]
            for group, mean in row.items():
                if mean is not None:
                    values.setdefault((area["area"], group), []).append((unit["id"], mean))
    return [
        [code, group, statistics.median(mean for _u, mean in pairs), sorted(u for u, _m in pairs)]
        for (code, group), pairs in values.items()
    ]


def stored_org_figures(campaign: Campaign) -> dict[str, Any] | None:
    """The campaign's OrgResultFigures, None when it has none (closed before they were stored)."""
    data = OrgResultFigures.objects.filter(campaign_id=campaign.pk).values_list("data", flat=True).first()
    return data if isinstance(data, dict) and data.get("format") == ORG_FIGURES_FORMAT else None


def stored_medians(campaign: Campaign) -> dict[tuple[str | None, str], tuple[float, set[int]]] | None:
    """(area code, group) → the organisation's median of the units' shown area means and the
    units that have one; None when the campaign has no stored organisation figures."""
    data = stored_org_figures(campaign)
    if data is None:
        return None
    return {(code, group): (median, set(ids)) for code, group, median, ids in data["medians"]}


def org_page(
    campaign: Campaign, units: QuerySet[Organisation], *, area: Item | None, page_number: int, per_page: int
) -> dict[str, Any]:
    """org_results for the page, and the page of units ("page", with "page_rates" and
    "page_heatmap" its rows). When the units are every unit of a closed campaign with stored
    organisation figures, only the page's units are read; otherwise everything as before."""
    listed = (
        CampaignUnit.objects.filter(campaign=campaign, unit__in=units.values("pk"))
        .select_related("unit")
        .order_by("unit__name", "unit__pk")
    )
    page = Paginator(listed, per_page).get_page(page_number)
    whole = stored_org_figures(campaign) if results_available(campaign) else None
    # Every unit of the campaign (the reader's units are some of them), or computed as before.
    if whole is None or whole["units"] != page.paginator.count:
        return _computed_page(campaign, units, area, page)
    page_units = list(page.object_list)
    on_page = Organisation.objects.filter(pk__in=[cu.unit_id for cu in page_units])
    ctx = _Context(campaign, on_page, with_previous=False)
    if not ctx.stored:  # the units' figures were not stored: aggregated, as before
        return _computed_page(campaign, units, area, page)
    shown_stats = {key: raw for key, raw in ctx.stats.items() if raw.n >= ctx.k}
    areas = [a for a in ctx.areas if a.indicators.get(Group.STAFF) and (area is None or a.pk == area.pk)]
    rates = _response_rates(ctx, on_page, page_units)
    heatmap = _heatmap(ctx, page_units, areas, shown_stats)
    return {
        "k": ctx.k,
        "available": ctx.available,
        "stored": ctx.stored,
        "rates": rates,
        "rate_totals": _rate_totals(campaign, units),
        "areas": areas,
        "heatmap": heatmap,
        "spread": _spread_read(whole, areas),
        "indicators": _indicators_read(ctx, whole, area),
        "page": page,
        "page_rates": rates,
        "page_heatmap": heatmap,
    }


def _computed_page(
    campaign: Campaign, units: QuerySet[Organisation], area: Item | None, page: Page[CampaignUnit]
) -> dict[str, Any]:
    result = org_results(campaign, units, area=area, distributions=False)
    rows = slice(page.start_index() - 1, page.end_index()) if result["rates"] else slice(0, 0)
    return {
        **result,
        "page": page,
        "page_rates": result["rates"][rows],
        "page_heatmap": result["heatmap"][rows],
    }


def _rate_totals(campaign: Campaign, units: QuerySet[Organisation]) -> UnitRate:
    """The totals row over every unit, summed in SQL (as org.py's _rate_totals adds them up)."""
    scope = units.values("pk")
    staff = Participation.objects.filter(campaign=campaign, unit__in=scope).aggregate(
        asked=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    pupils = ResultFigures.objects.filter(campaign_id=campaign.pk, unit__in=scope).aggregate(
        n=Sum("pupil_responses")
    )
    expected = CampaignUnit.objects.filter(campaign=campaign, unit__in=scope).aggregate(
        n=Sum("pupils_expected")
    )
    asked, answered = staff["asked"], staff["answered"]
    return UnitRate(
        unit=None,
        asked=asked,
        answered=answered,
        rate=100 * answered / asked if asked else None,
        pupil_responses=pupils["n"] or 0,
        pupils_expected=expected["n"] or 0,
    )


def _spread_read(whole: dict[str, Any], areas: list[Area]) -> list[AreaSpread]:
    """The stored spread of the areas shown; the units furthest behind sorted by mean and
    today's name, as _spread sorts them."""
    stored = {row[0]: row for row in whole["spread"]}
    ids = {unit_pk for a in areas if a.pk in stored for _mean, unit_pk in stored[a.pk][7]}
    named = {unit.pk: unit for unit in Organisation.objects.filter(pk__in=ids)} if ids else {}
    spreads = []
    for a in areas:
        spread = AreaSpread(area=a, units_shown=0, units_total=whole["units"])
        if a.pk in stored:
            _pk, spread.units_shown, median, low, high, q1, q3, lowest = stored[a.pk]
            if spread.units_shown:
                spread.median, spread.minimum, spread.maximum, spread.q1, spread.q3 = (
                    median,
                    low,
                    high,
                    q1,
                    q3,
                )
                behind = sorted(
                    ((mean, named[pk]) for mean, pk in lowest if pk in named),
                    key=lambda pair: (pair[0], pair[1].name, pair[1].pk),
                )
                spread.behind = [(unit, mean) for mean, unit in behind[:FURTHEST_BEHIND]]
        spreads.append(spread)
    return spreads


def _indicators_read(
    ctx: _Context, whole: dict[str, Any], area: Item | None
) -> list[tuple[Area, str, Item, Figure, int]]:
    stored = {(code, g): (n, n_na, total, units) for code, g, n, n_na, total, units in whole["indicators"]}
    indicators: list[tuple[Area, str, Item, Figure, int]] = []
    for a in ctx.areas:
        if area is not None and a.pk != area.pk:
            continue
        for g in GROUPS:
            for item in a.indicators.get(g, []):
                raw, units = None, 0
                if (item.code, g) in stored:
                    n, n_na, total, units = stored[(item.code, g)]
                    raw = _Raw(n, n_na, total, total / n if n else None)
                indicators.append((a, g, item, pooled_figure(ctx, item, raw, units), whole["units"]))
    return indicators
