"""The figures of a closed campaign, aggregated once when it closes (ResultFigures).

A closed campaign's answers can no longer change, so every results page after the close reads
these numbers back instead of aggregating every answer again.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from digiplan.assessments.models import Campaign, Group, ResultFigures
from digiplan.assessments.selectors.common import (
    _answer_stats,
    _Raw,
    _response_counts,
    previous_campaign,
    results_available,
)
from digiplan.frameworks.models import Item, ItemKind
from digiplan.organisations.models import Organisation


def _stored(
    campaign: Campaign, units: QuerySet[Organisation], *, items: list[Item] | None = None
) -> tuple[dict[tuple[int, object, str], _Raw], dict[tuple[int, str], int]] | None:
    """The figures and response counts of a closed campaign as ResultFigures stores them,
    keyed as _answer_stats and _response_counts key them (figures by item id when items are
    given, else by code); None when the campaign has none stored (closed before they were),
    and the answers must be aggregated. Closing stores a row for every unit of the campaign, so
    a unit without one was not in it.

    Only the shown figures (n ≥ k) are stored, exactly as _answer_stats computed them at
    closing. That is all any page uses: a figure below k is suppressed, and the organisation's
    figures, the changes and the previous area means rest on shown figures alone."""
    rows = list(
        ResultFigures.objects.filter(campaign_id=campaign.pk, unit__in=units.values("pk")).values_list(
            "unit_id", "figures", "staff_responses", "pupil_responses"
        )
    )
    if not rows and not ResultFigures.objects.filter(campaign_id=campaign.pk).exists():
        return None
    pk_by_code = {item.code: item.pk for item in items} if items is not None else None
    stats: dict[tuple[int, object, str], _Raw] = {}
    responses: dict[tuple[int, str], int] = {}
    for unit_id, figures, staff, pupils in rows:
        for group, count in ((Group.STAFF, staff), (Group.PUPIL, pupils)):
            if count:
                responses[(unit_id, group)] = count
        for figure in figures:
            code, group, n, n_na, total, mean = figure[:6]
            if pk_by_code is None:
                item_key = code
            elif (item_key := pk_by_code.get(code)) is None:
                continue  # an indicator of a group the campaign did not ask
            stats[(unit_id, item_key, group)] = _Raw(n, n_na, total, mean, row=figure)
    return stats, responses


def result_figures(campaign: Campaign) -> dict[int, dict[str, Any]]:
    """For ResultFigures, when the campaign closes: unit id → the numbers of its shown figures
    (n ≥ k) as [code, group, n, "don't know", sum, mean, value, answers, value, answers, …]
    (flat: it is read back on every organisation page), aggregated from the answers, and its
    numbers of responses. Nothing of a suppressed figure."""
    if not results_available(campaign):
        raise ValueError("Only a closed campaign's figures are stored.")
    units = Organisation.objects.filter(pk__in=campaign.units.values("unit_id"))
    codes: dict[object, str] = dict(
        Item.objects.filter(version=campaign.framework_version, kind=ItemKind.INDICATOR).values_list(
            "pk", "code"
        )
    )
    responses = _response_counts(campaign, units)
    rows: dict[int, dict[str, Any]] = {
        unit_id: {
            "figures": [],
            "staff_responses": responses.get((unit_id, Group.STAFF), 0),
            "pupil_responses": responses.get((unit_id, Group.PUPIL), 0),
        }
        for unit_id in units.values_list("pk", flat=True)
    }
    stats = _answer_stats(campaign, units)
    for (unit_id, item_id, group), raw in sorted(
        stats.items(), key=lambda kv: (kv[0][0], codes.get(kv[0][1], ""), kv[0][2])
    ):
        if raw.n >= campaign.k and item_id in codes and unit_id in rows:
            rows[unit_id]["figures"].append(
                [
                    codes[item_id],
                    group,
                    raw.n,
                    raw.n_na,
                    raw.total,
                    raw.mean,
                    *(number for pair in sorted(raw.counts.items()) for number in pair),
                ]
            )
    return rows


def last_closed_staff_means(campaign: Campaign, unit_id: int) -> tuple[Campaign | None, dict[object, float]]:
    """For the thank-you page of an open campaign: the last closed campaign of the same
    framework and the unit's shown staff means in it, by indicator code. Figures that were
    suppressed then are absent. Nothing of the open campaign is read: what it shows cannot move
    while colleagues answer."""
    previous = previous_campaign(campaign)
    if previous is None:
        return None, {}
    units = Organisation.objects.filter(pk=unit_id)
    stored = _stored(previous, units)
    stats = stored[0] if stored is not None else _answer_stats(previous, units, by_code=True)
    return previous, {
        code: raw.mean
        for (unit, code, group), raw in stats.items()
        if unit == unit_id and group == Group.STAFF and raw.n >= previous.k and raw.mean is not None
    }
