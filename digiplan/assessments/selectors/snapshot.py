"""The snapshot written when a campaign closes (ResultSnapshot).

It keeps what the results pages showed, suppressed as they showed it and with the codes and
titles of the items, so that trends can be read after the framework has changed.
"""

from __future__ import annotations

from typing import Any

from digiplan.assessments.models import Campaign, ResultSnapshot
from digiplan.assessments.selectors.common import (
    GROUPS,
    Figure,
    _leader_area_means,
    _leader_values,
    results_available,
)
from digiplan.assessments.selectors.context import _Context
from digiplan.assessments.selectors.org import UnitRate, org_results
from digiplan.assessments.selectors.unit import UnitArea, _unit_areas
from digiplan.frameworks.models import Item
from digiplan.organisations.models import Organisation

SNAPSHOT_FORMAT = "digiplan-results/1"


def _area_code(item: Item | None) -> str | None:
    return item.code if item is not None else None


def _titles(item: Item) -> dict[str, Any]:
    """The title as written and in each language the framework has it."""
    return {
        "title": item.title,
        "translations": {
            language: fields["title"]
            for language, fields in sorted((item.translations or {}).items())
            if isinstance(fields, dict) and fields.get("title")
        },
    }


def figure_data(figure: Figure) -> dict[str, Any]:
    """A figure as plain data. A suppressed figure is only that: no number of it is kept."""
    if figure.suppressed:
        return {"suppressed": True}
    data: dict[str, Any] = {
        "suppressed": False,
        "n": figure.n,
        "n_na": figure.n_na,
        "mean": figure.mean,
        "distribution": [
            {"value": level.value, "answers": answers, "share": share}
            for level, answers, share in figure.distribution or []
        ],
        "change": figure.change,
        "is_new": figure.is_new,
    }
    if figure.units is not None:
        data["units"] = figure.units
    return data


def unit_data(unit: Organisation, areas: list[UnitArea], responses: dict[str, int]) -> dict[str, Any]:
    """A unit's results (as unit_results computes them) as plain data, without staff comments:
    their text stays with the answers and is not copied."""
    return {
        "id": unit.pk,
        "name": unit.name,
        "school_unit_code": unit.school_unit_code,
        "responses": {g: responses.get(g, 0) for g in GROUPS},
        "areas": [
            {
                "area": _area_code(area.item),
                "leader_mean": area.leader_mean,
                "gap": area.gap,
                "means": dict(area.means),
                "changes": dict(area.changes),
                "leader": [
                    {
                        "code": row.item.code,
                        "value": row.value,
                        "answered": row.answered,
                        "comment": row.comment,
                        "change": row.change,
                        "is_new": row.is_new,
                    }
                    for row in area.leader
                ],
                "figures": {
                    g: [{"code": item.code, **figure_data(figure)} for item, figure in rows]
                    for g, rows in area.groups.items()
                },
            }
            for area in areas
        ],
    }


def org_data(result: dict[str, Any]) -> dict[str, Any]:
    """The organisation's results (as org_results computes them) as plain data."""

    def rate(r: UnitRate) -> dict[str, Any]:
        return {
            "asked": r.asked,
            "answered": r.answered,
            "rate": r.rate,
            "pupil_responses": r.pupil_responses,
            "pupils_expected": r.pupils_expected,
        }

    return {
        "rates": [{"unit": r.unit.pk, **rate(r)} for r in result["rates"]],
        "rate_totals": rate(result["rate_totals"]),
        "heatmap": [
            {
                "unit": unit.pk,
                "cells": [
                    {"area": _area_code(cell.area.item), "mean": cell.mean, "band": cell.band}
                    for cell in cells
                ],
            }
            for unit, cells in result["heatmap"]
        ],
        "spread": [
            {
                "area": _area_code(s.area.item),
                "units_shown": s.units_shown,
                "units_total": s.units_total,
                "median": s.median,
                "minimum": s.minimum,
                "maximum": s.maximum,
                "q1": s.q1,
                "q3": s.q3,
                "behind": [{"unit": unit.pk, "mean": mean} for unit, mean in s.behind],
            }
            for s in result["spread"]
        ],
        "indicators": [
            {
                "area": _area_code(a.item),
                "group": g,
                "code": item.code,
                "units_total": total,
                **figure_data(figure),
            }
            for a, g, item, figure, total in result["indicators"]
        ],
    }


def snapshot_data(campaign: Campaign) -> dict[str, Any]:
    """Everything the results pages show of a closed campaign, for ResultSnapshot: the
    organisation's results over all its units and each unit's results, suppressed as on the
    pages, with the codes and titles of the items they refer to. A fixed number of queries,
    whatever the number of units."""
    if not results_available(campaign):
        raise ValueError("Only a closed campaign's results are snapshotted.")
    units = Organisation.objects.filter(pk__in=campaign.units.values("unit_id"))
    ctx = _Context(campaign, units, live=True)
    leader = _leader_values(campaign, units)
    leader_means = _leader_area_means(campaign, units)
    unit_list = list(units.order_by("name", "pk"))
    version = campaign.framework_version
    areas = [a.item for a in ctx.areas if a.item is not None]
    return {
        "format": SNAPSHOT_FORMAT,
        "campaign": {
            "id": campaign.pk,
            "name": campaign.name,
            "school_year": campaign.school_year,
            "k": campaign.k,
            "closed_at": campaign.closed_at.isoformat() if campaign.closed_at else None,
            "framework": version.framework.slug,
            "framework_name": version.framework.name,
            "version": version.number,
            "groups": {
                "leader": campaign.include_leader,
                "staff": campaign.include_staff,
                "pupil": campaign.include_pupils,
            },
            "previous": ctx.previous.pk if ctx.previous else None,
        },
        "areas": [{"code": a.code, **_titles(a)} for a in areas],
        "items": [
            {
                "code": item.code,
                "area": _area_code(item.parent),
                "respondent": item.respondent,
                **_titles(item),
                "scale": [{"value": lv.value, "label": lv.label} for lv in ctx.levels.get(item.scale_id, [])],
            }
            for item in ctx.items
        ],
        "organisation": org_data(org_results(campaign, units, live=True)),
        "units": [
            unit_data(
                unit,
                _unit_areas(ctx, unit.pk, leader, leader_means),
                {g: ctx.responses.get((unit.pk, g), 0) for g in GROUPS},
            )
            for unit in unit_list
        ],
    }


def snapshot_for(campaign: Campaign) -> ResultSnapshot | None:
    """The campaign's ResultSnapshot, or None while it is not closed."""
    return ResultSnapshot.objects.filter(campaign_id=campaign.pk).first()
