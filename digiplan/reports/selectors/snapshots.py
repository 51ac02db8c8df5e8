"""What a closed campaign's results snapshot shows, keyed for the reports.

The snapshot holds the shown figures only (campaign_close stores them); everything the reports
compute across units or years (medians, quartiles, pooled means) is computed from these, so no
figure below k can be worked out from a report.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from digiplan.assessments import selectors as results
from digiplan.assessments.models import Campaign, ResultSnapshot

GROUPS = ("leader", "staff", "pupil")
ANSWER_GROUPS = ("staff", "pupil")

Entry = dict[str, Any]  # an area or an indicator of a snapshot, as its JSON holds it
# Per unit and area code, the shown mean per group: a group missing when the area does not ask
# it, None when suppressed or not rated.
Means = dict[int, dict[str | None, dict[str, float | None]]]
Figures = dict[int, dict[tuple[str, str], tuple[int, float]]]  # per unit, (code, group): (n, mean)
LeaderLevels = dict[int, dict[str, int | None]]  # per unit and indicator code, the leader's level


@dataclass(frozen=True)
class _Parts:
    areas: list[Entry]
    items: list[Entry]
    means: Means
    figures: Figures
    leader: LeaderLevels


@dataclass
class Shown:
    """What one snapshot shows, keyed for reports: per unit and area code the shown means per
    group, per unit and indicator code the shown n and mean, and the leader's levels."""

    campaign: Campaign
    areas: list[Entry]
    items: list[Entry]
    means: Means
    figures: Figures
    leader: LeaderLevels
    unit_ids: set[int]

    @property
    def area_codes(self) -> list[str | None]:
        return [a["code"] for a in self.areas]

    @property
    def item_codes(self) -> set[str]:
        return {i["code"] for i in self.items}


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    """The campaign's shown figures per unit, as campaign_close stored them; computed again
    (by the same function) for a campaign closed before snapshots existed."""
    snapshot = results.snapshot_for(campaign)
    data: Any = snapshot.data if snapshot is not None else None
    if isinstance(data, dict) and all(key in data for key in ("units", "items", "areas")):
        return data
    return results.snapshot_data(campaign)


def localised(entry: Entry) -> str:
    """A snapshot entry's title in the language of the request."""
    language = (get_language() or "sv")[:2]
    title: str = (entry.get("translations") or {}).get(language) or entry.get("title", "")
    return title


# A snapshot never changes once campaign_close has written it, so what it shows is worked out
# once per process, keyed by the snapshot's id and time, and shared read-only between requests:
# decoding its JSON was most of the time a unit report's figures took. Saving or deleting a
# snapshot empties the store, so that a database reusing an id (a test database rolled back)
# never finds an old entry; a campaign closed before snapshots existed is never kept.
_SHOWN: dict[tuple[int, datetime.datetime], _Parts] = {}
SHOWN_KEPT = 12


def shown_in(campaign: Campaign) -> Shown:
    """What the campaign's snapshot shows."""
    key = ResultSnapshot.objects.filter(campaign_id=campaign.pk).values_list("pk", "created_at").first()
    parts = _SHOWN.get(key) if key else None
    if parts is None:
        parts = _read_shown(_snapshot(campaign))
        if key:
            if len(_SHOWN) >= SHOWN_KEPT:
                _SHOWN.clear()
            _SHOWN[key] = parts
    return Shown(
        campaign=campaign,
        areas=parts.areas,
        items=parts.items,
        means=parts.means,
        figures=parts.figures,
        leader=parts.leader,
        unit_ids=set(parts.means),
    )


def forget(**_kwargs: object) -> None:
    """Empty the store (a snapshot was saved or deleted)."""
    _SHOWN.clear()


post_save.connect(forget, sender=ResultSnapshot, dispatch_uid="reports-shown")
post_delete.connect(forget, sender=ResultSnapshot, dispatch_uid="reports-shown-d")


def _read_shown(data: dict[str, Any]) -> _Parts:
    means: Means = {}
    figures: Figures = {}
    leader: LeaderLevels = {}
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
    return _Parts(data["areas"], data["items"], means, figures, leader)


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def area_values(shown: Shown, unit_ids: Iterable[int], code: str | None, group: str) -> list[float]:
    """The shown area means of the group, of those of the units that have one."""
    return [
        value
        for unit_id in unit_ids
        if (value := shown.means.get(unit_id, {}).get(code, {}).get(group)) is not None
    ]


def pooled(shown: Shown, unit_ids: Iterable[int], code: str, group: str) -> tuple[float | None, int, int]:
    """The indicator's mean over the answers of the units whose own figure is shown, as
    org_results pools it: (mean, answers, units)."""
    parts = [f for unit_id in unit_ids if (f := shown.figures.get(unit_id, {}).get((code, group)))]
    n = sum(p[0] for p in parts)
    return (sum(p[0] * p[1] for p in parts) / n if n else None), n, len(parts)
