"""What the unit page, the organisation page and the stored figures all rest on.

A figure is suppressed in one place, _figure, so that no page or download can decide otherwise;
the statements and scale levels of a published version are read once per process; the answers
are aggregated in grouped queries, a fixed number whatever the number of units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save

from digiplan.assessments.models import (
    Answer,
    Campaign,
    CampaignStatus,
    Group,
    LeaderAnswer,
    Participation,
    PupilCode,
    RatingStatus,
    Response,
)
from digiplan.frameworks.models import FrameworkVersion, Item, ItemKind, Scale, ScaleLevel, VersionStatus
from digiplan.organisations.models import Organisation

GROUPS = (Group.STAFF, Group.PUPIL)


def results_available(campaign: Campaign) -> bool:
    return campaign.status == CampaignStatus.CLOSED


# ---- Plain data handed to templates and exports -------------------------------------------


@dataclass
class Figure:
    """What may be shown of one unit × indicator × group (or its pooled organisation figure).
    When suppressed, every number is None: nothing of it leaves this module."""

    suppressed: bool
    n: int | None = None
    n_na: int | None = None
    mean: float | None = None
    distribution: list[tuple[ScaleLevel, int, float]] | None = None  # level, answers, share %
    change: float | None = None
    is_new: bool = False  # the indicator was not in the previous campaign
    units: int | None = None  # organisation figures: the units it rests on


class _Raw:
    """n, n "don't know", sum, mean and answers per value of one unit × indicator × group
    (thousands of them on the organisation page: a plain class with slots). A stored figure
    keeps its flat row and makes the answers per value only when they are read: the
    organisation page reads them for no unit (issue 17: 1,500 units × 47 figures)."""

    __slots__ = ("n", "n_na", "total", "mean", "_counts", "_row")

    def __init__(
        self,
        n: int = 0,
        n_na: int = 0,
        total: int = 0,
        mean: float | None = None,
        counts: dict[int, int] | None = None,
        *,
        row: list[Any] | None = None,
    ):
        self.n, self.n_na, self.total, self.mean = n, n_na, total, mean
        self._counts = counts if counts is not None or row is not None else {}
        self._row = row  # [code, group, n, n_na, total, mean, value, answers, value, answers, …]

    @property
    def counts(self) -> dict[int, int]:
        if self._counts is None:
            row = self._row or []
            self._counts = dict(zip(row[6::2], row[7::2], strict=True))
        return self._counts


def _figure(raw: _Raw | None, k: int, levels: list[ScaleLevel]) -> Figure:
    if raw is None or raw.n < k:
        return Figure(suppressed=True)
    return Figure(
        suppressed=False,
        n=raw.n,
        n_na=raw.n_na,
        mean=raw.mean,
        distribution=[
            (lv, raw.counts.get(lv.value, 0), 100 * raw.counts.get(lv.value, 0) / raw.n) for lv in levels
        ],
    )


def _mean(values: Iterable[float | None]) -> float | None:
    counted = [v for v in values if v is not None]
    return sum(counted) / len(counted) if counted else None


# ---- A published framework version, loaded once per process --------------------------------

# A published (or archived) version never changes: editing makes a new draft version, and its
# scales are never edited either. So its statements, areas and scale levels are read once per
# process, keyed by the version's id, instead of on every request. The objects are shared
# between requests and must be read only. Drafts are never kept. Saving or deleting any
# version, item, scale or level empties the store, so that a database reusing an id (a test
# database rolled back) never finds an old entry.
_FROZEN: dict[tuple[int, str], object] = {}
FROZEN_KEPT = 200


def frozen[T](version_id: int, kind: str, load: Callable[[], T]) -> T:
    """load() for this version, kept when the version is frozen."""
    key = (version_id, kind)
    if key in _FROZEN:
        return cast(T, _FROZEN[key])
    frozen_version = (
        FrameworkVersion.objects.filter(pk=version_id).exclude(status=VersionStatus.DRAFT).exists()
    )
    value = load()
    if frozen_version:
        if len(_FROZEN) >= FROZEN_KEPT:
            _FROZEN.clear()
        _FROZEN[key] = value
    return value


def _forget_frozen(**_kwargs: Any) -> None:
    _FROZEN.clear()


for _model in (FrameworkVersion, Item, Scale, ScaleLevel):
    post_save.connect(_forget_frozen, sender=_model, dispatch_uid=f"frozen-{_model.__name__}")
    post_delete.connect(_forget_frozen, sender=_model, dispatch_uid=f"frozen-{_model.__name__}-d")


def questionnaire_items(version_id: int, group: str) -> list[Item]:
    """A group's statements of a version in the order of the questionnaire, with their areas
    and their scales' levels (answers that do not count included)."""
    return frozen(
        version_id,
        f"questionnaire-{group}",
        lambda: list(
            Item.objects.filter(version_id=version_id, kind=ItemKind.INDICATOR, respondent=group)
            .select_related("parent", "scale")
            .prefetch_related("scale__levels")
            .order_by("parent__order", "order")
        ),
    )


# ---- Queries ---------------------------------------------------------------------------------


def _indicators(version: FrameworkVersion) -> list[Item]:
    return frozen(
        version.pk,
        "indicators",
        lambda: list(
            Item.objects.filter(version=version, kind=ItemKind.INDICATOR)
            .select_related("parent", "scale")
            .order_by("parent__order", "parent__code", "order", "code")
        ),
    )


def _levels_by_scale(version: FrameworkVersion, items: list[Item]) -> dict[int | None, list[ScaleLevel]]:
    # Keyed as items' scale_id is typed: an item without a scale finds no levels.
    def load() -> dict[int | None, list[ScaleLevel]]:
        levels: dict[int | None, list[ScaleLevel]] = {}
        for level in ScaleLevel.objects.filter(
            scale_id__in={i.scale_id for i in items if i.scale_id}, not_applicable=False
        ).order_by("order", "value"):
            levels.setdefault(level.scale_id, []).append(level)
        return levels

    return frozen(version.pk, "levels", load)


# Set by answer_stats_shared(): _answer_stats' results by campaign, units and key, for one
# block of work. Never across requests: a ContextVar, emptied when the block ends.
_STATS_SHARED: ContextVar[dict[tuple[int, str, bool], dict[tuple[int, object, str], _Raw]] | None] = (
    ContextVar("answer_stats_shared", default=None)
)


@contextmanager
def answer_stats_shared() -> Iterator[None]:
    """Within the block, _answer_stats of the same campaign, units and key is computed once.
    Closing a campaign builds the snapshot (twice over: the units' results and the
    organisation's) and the stored figures from the same answers, which no one can change while
    closing holds the campaign: a 100,000-response close spent a third of its time in these
    aggregates, three times over."""
    token = _STATS_SHARED.set({})
    try:
        yield
    finally:
        _STATS_SHARED.reset(token)


def _answer_stats(
    campaign: Campaign, units: QuerySet[Organisation], *, by_code: bool = False
) -> dict[tuple[int, object, str], _Raw]:
    """(unit id, item id or code, group) → n, n "don't know", sum, mean and counts per value,
    in two grouped queries (once per block of answer_stats_shared). The result is read only."""
    shared = _STATS_SHARED.get()
    if shared is None:
        return _answer_stats_computed(campaign, units, by_code=by_code)
    key = (campaign.pk, str(units.query), by_code)
    if key not in shared:
        shared[key] = _answer_stats_computed(campaign, units, by_code=by_code)
    return shared[key]


def _answer_stats_computed(
    campaign: Campaign, units: QuerySet[Organisation], *, by_code: bool
) -> dict[tuple[int, object, str], _Raw]:
    item_key = "item__code" if by_code else "item_id"
    answers = Answer.objects.filter(response__campaign=campaign, response__unit__in=units.values("pk"))
    keys = ("response__unit_id", item_key, "response__group")
    stats: dict[tuple[int, object, str], _Raw] = {}
    for row in (
        answers.values(*keys)
        .annotate(
            n=Count("value"),
            n_na=Count("pk", filter=Q(value__isnull=True)),
            total=Sum("value"),
            mean=Avg("value"),
        )
        .order_by()
    ):
        stats[tuple(row[k] for k in keys)] = _Raw(
            n=row["n"],
            n_na=row["n_na"],
            total=row["total"] or 0,
            mean=float(row["mean"]) if row["mean"] is not None else None,
        )
    if not by_code:
        for row in (
            answers.filter(value__isnull=False)
            .values(*keys, "value")
            .annotate(answers=Count("pk"))
            .order_by()
        ):
            stats[tuple(row[k] for k in keys)].counts[row["value"]] = row["answers"]
    return stats


def _leader_values(
    campaign: Campaign, units: QuerySet[Organisation], *, by_code: bool = False
) -> dict[tuple[int, object], tuple[int | None, str]]:
    item_key = "item__code" if by_code else "item_id"
    rows = LeaderAnswer.objects.filter(
        rating__campaign=campaign, rating__status=RatingStatus.SUBMITTED, rating__unit__in=units.values("pk")
    ).values_list("rating__unit_id", item_key, "value", "comment")
    return {(unit_id, key): (value, comment) for unit_id, key, value, comment in rows}


def _leader_area_means(
    campaign: Campaign, units: QuerySet[Organisation]
) -> dict[tuple[int, int | None], float]:
    rows = (
        LeaderAnswer.objects.filter(
            rating__campaign=campaign,
            rating__status=RatingStatus.SUBMITTED,
            rating__unit__in=units.values("pk"),
            value__isnull=False,
        )
        .values("rating__unit_id", "item__parent_id")
        .annotate(mean=Avg("value"))
        .order_by()
    )
    return {(r["rating__unit_id"], r["item__parent_id"]): float(r["mean"]) for r in rows}


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The last closed campaign of the same huvudman on the same framework (by slug)."""
    # The slug as a subquery: every thank-you page asks, and a campaign reached by its token
    # has not loaded its framework.
    slug = FrameworkVersion.objects.filter(pk=campaign.framework_version_id).values("framework__slug")
    earlier = Campaign.objects.filter(
        huvudman_id=campaign.huvudman_id,
        status=CampaignStatus.CLOSED,
        framework_version__framework__slug__in=slug,
    ).exclude(pk=campaign.pk)
    if campaign.closed_at:
        earlier = earlier.filter(closed_at__lt=campaign.closed_at)
    return earlier.select_related("framework_version").order_by("-closed_at").first()


def _response_counts(campaign: Campaign, units: QuerySet[Organisation]) -> dict[tuple[int, str], int]:
    """Responses per unit and group. Until the campaign closes its answers are sealed ballots
    with no unit in the clear, so the counts come from who has answered: the participations
    marked answered, and the seats taken on the pupil codes."""
    if campaign.status != CampaignStatus.CLOSED:
        counts: dict[tuple[int, str], int] = {}
        for row in (
            Participation.objects.filter(campaign=campaign, answered=True, unit__in=units.values("pk"))
            .values("unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            counts[(row["unit_id"], Group.STAFF)] = row["n"]
        for row in (
            PupilCode.objects.filter(campaign=campaign, unit__in=units.values("pk"))
            .values("unit_id")
            .annotate(n=Sum("used"))
            .order_by()
        ):
            if row["n"]:
                counts[(row["unit_id"], Group.PUPIL)] = row["n"]
        return counts
    rows = (
        Response.objects.filter(campaign=campaign, unit__in=units.values("pk"))
        .values("unit_id", "group")
        .annotate(responses=Count("pk"))
        .order_by()
    )
    return {(r["unit_id"], r["group"]): r["responses"] for r in rows}
