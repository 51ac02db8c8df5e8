"""The unit page: the leader's own rating beside staff's and pupils' figures, area by area.

An area mean is the mean of the area's shown indicator means, and the leader's gap to staff is
shown only when the staff figure is, so nothing suppressed can be recovered from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digiplan.assessments.models import Campaign, Group, Response
from digiplan.assessments.selectors.common import GROUPS, Figure, _leader_area_means, _leader_values, _mean
from digiplan.assessments.selectors.context import _Context
from digiplan.frameworks.models import Item, RespondentGroup, ScaleLevel
from digiplan.organisations.models import Organisation


@dataclass
class LeaderRow:
    item: Item
    level: ScaleLevel | None
    value: int | None
    answered: bool
    comment: str
    change: int | None = None
    is_new: bool = False


@dataclass
class UnitArea:
    item: Item | None
    leader: list[LeaderRow]
    groups: dict[str, list[tuple[Item, Figure]]]
    leader_mean: float | None
    means: dict[str, float | None]
    changes: dict[str, float | None]
    gap: float | None  # leader − staff; None when either is missing or suppressed


def _unit_areas(
    ctx: _Context,
    unit_id: int,
    leader: dict[tuple[int, object], tuple[int | None, str]],
    leader_means: dict[tuple[int, int | None], float],
) -> list[UnitArea]:
    """A unit's areas: leader rows, figures per group, area means, changes and the gap. The
    context, leader values and leader area means may cover many units."""
    level_by_value: dict[tuple[int | None, int | None], ScaleLevel] = {
        (lv.scale_id, lv.value): lv for levels in ctx.levels.values() for lv in levels
    }
    areas: list[UnitArea] = []
    for area in ctx.areas:
        rows: list[LeaderRow] = []
        for item in area.indicators.get(RespondentGroup.LEADER, []):
            value, comment = leader.get((unit_id, item.pk), (None, ""))
            row = LeaderRow(
                item=item,
                value=value,
                answered=(unit_id, item.pk) in leader,
                level=level_by_value.get((item.scale_id, value)),
                comment=comment,
            )
            if ctx.previous:
                row.is_new = item.code not in ctx.previous_codes
                before = ctx.previous_leader.get((unit_id, item.code), (None, ""))[0]
                if value is not None and before is not None:
                    row.change = value - before
            rows.append(row)
        groups: dict[str, list[tuple[Item, Figure]]] = {
            g: [(item, ctx.figure(unit_id, item, g)) for item in area.indicators.get(g, [])]
            for g in GROUPS
            if area.indicators.get(g)
        }
        means: dict[str, float | None] = {
            g: _mean(f.mean for _i, f in figures) for g, figures in groups.items()
        }
        changes: dict[str, float | None] = {}
        for g in groups:
            mean, before_mean = means[g], ctx.previous_area_mean(unit_id, area, g)
            changes[g] = mean - before_mean if mean is not None and before_mean is not None else None
        leader_mean = leader_means.get((unit_id, area.pk))
        staff_mean = means.get(Group.STAFF)
        areas.append(
            UnitArea(
                item=area.item,
                leader=rows,
                groups=groups,
                leader_mean=leader_mean,
                means=means,
                changes=changes,
                gap=leader_mean - staff_mean if leader_mean is not None and staff_mean is not None else None,
            )
        )
    return areas


def unit_results(campaign: Campaign, unit: Organisation) -> dict[str, Any]:
    units = Organisation.objects.filter(pk=unit.pk)
    ctx = _Context(campaign, units)
    leader = _leader_values(campaign, units) if ctx.available else {}
    leader_means = _leader_area_means(campaign, units) if ctx.available else {}
    areas = _unit_areas(ctx, unit.pk, leader, leader_means)
    staff_responses = ctx.responses.get((unit.pk, Group.STAFF), 0)
    comments: list[str] = []
    if ctx.available and staff_responses >= ctx.k:
        # Random order and nothing but the text: no date, no order of arrival.
        comments = list(
            Response.objects.filter(campaign=campaign, unit=unit, group=Group.STAFF)
            .exclude(comment="")
            .order_by("?")
            .values_list("comment", flat=True)
        )
    return {
        "k": ctx.k,
        "available": ctx.available,
        "previous": ctx.previous,
        "areas": areas,
        "responses": {g: ctx.responses.get((unit.pk, g), 0) for g in GROUPS},
        "comments": comments,
        "comments_shown": ctx.available and staff_responses >= ctx.k,
    }
