"""What the figures of a set of units rest on, shared by the unit page, the organisation page and
the snapshot, so that all three read the same figures and suppress them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from digiplan.assessments.models import Campaign
from digiplan.assessments.selectors.common import (
    Figure,
    _answer_stats,
    _figure,
    _indicators,
    _leader_values,
    _levels_by_scale,
    _mean,
    _Raw,
    _response_counts,
    previous_campaign,
    results_available,
)
from digiplan.assessments.selectors.stored import _stored
from digiplan.frameworks.models import Item, ItemKind, RespondentGroup
from digiplan.organisations.models import Organisation


@dataclass
class Area:
    item: Item | None  # None collects indicators without an area
    indicators: dict[str, list[Item]]  # group → indicators

    @property
    def pk(self) -> int | None:
        return self.item.pk if self.item else None


def _areas(items: list[Item]) -> list[Area]:
    areas: dict[int | None, Area] = {}
    for item in items:
        area = areas.setdefault(item.parent_id, Area(item=item.parent, indicators={}))
        area.indicators.setdefault(item.respondent, []).append(item)
    return list(areas.values())


class _Context:
    """Everything the figures of a set of units rest on, fetched in a fixed number of queries."""

    def __init__(
        self,
        campaign: Campaign,
        units: QuerySet[Organisation],
        *,
        with_previous: bool = True,
        live: bool = False,
    ) -> None:
        """live: aggregate the answers even when ResultFigures holds them (as the snapshot
        itself is computed)."""
        self.campaign, self.k = campaign, campaign.k
        self.available = results_available(campaign)
        included: dict[str, bool] = {
            RespondentGroup.LEADER: campaign.include_leader,
            RespondentGroup.STAFF: campaign.include_staff,
            RespondentGroup.PUPIL: campaign.include_pupils,
        }
        indicators = _indicators(campaign.framework_version)
        self.items = [i for i in indicators if included.get(i.respondent)]
        # The levels of every indicator's scale (a key of the version, whatever is included).
        self.levels = _levels_by_scale(campaign.framework_version, indicators)
        self.areas = _areas(self.items)
        stored = _stored(campaign, units, items=self.items) if self.available and not live else None
        # Read from ResultFigures: a closed campaign's figures, which never change again.
        self.stored = stored is not None
        if stored is not None:
            self.stats, self.responses = stored
        else:
            self.responses = _response_counts(campaign, units)
            self.stats = _answer_stats(campaign, units) if self.available else {}
        self.previous = previous_campaign(campaign) if with_previous and self.available else None
        self.previous_stats: dict[tuple[int, object, str], _Raw] = {}
        self.previous_codes: set[str] = set()
        self.previous_leader: dict[tuple[int, object], tuple[int | None, str]] = {}
        if self.previous:
            stored = None if live else _stored(self.previous, units)
            self.previous_stats = (
                stored[0] if stored is not None else _answer_stats(self.previous, units, by_code=True)
            )
            self.previous_codes = set(
                Item.objects.filter(
                    version=self.previous.framework_version,
                    kind=ItemKind.INDICATOR,
                ).values_list("code", flat=True)
            )
            self.previous_leader = _leader_values(self.previous, units, by_code=True)

    def figure(self, unit_id: int, item: Item, group: str) -> Figure:
        figure = _figure(
            self.stats.get((unit_id, item.pk, group)), self.k, self.levels.get(item.scale_id, [])
        )
        if self.previous and not figure.suppressed:
            if item.code not in self.previous_codes:
                figure.is_new = True
            else:
                before = self.previous_stats.get((unit_id, item.code, group))
                # A shown figure (n ≥ k) has a mean: the checks of None only tell mypy so.
                if (
                    before is not None
                    and before.n >= self.previous.k
                    and figure.mean is not None
                    and before.mean is not None
                ):
                    figure.change = figure.mean - before.mean
        elif self.previous and item.code not in self.previous_codes:
            figure.is_new = True
        return figure

    def previous_area_mean(self, unit_id: int, area: Area, group: str) -> float | None:
        """The same area's mean in the previous campaign, over the indicators that were shown
        then (matched by code)."""
        if not self.previous:
            return None
        return _mean(
            raw.mean
            for item in area.indicators.get(group, [])
            if (raw := self.previous_stats.get((unit_id, item.code, group))) is not None
            and raw.n >= self.previous.k
        )
