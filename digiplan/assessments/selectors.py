"""Reads behind the results pages and their downloads.

Every figure is aggregated in SQL, a fixed number of queries whatever the number of units. A
closed campaign's figures are aggregated once, when it closes, and read back from ResultFigures
(see _stored); its answers can no longer change. Suppression happens here, once, so that the
pages and the downloads cannot disagree:

- a unit × indicator × group figure (n, "don't know", mean, distribution) rests on the answers
  that count (n); it is shown only when n ≥ campaign.k, otherwise every part of it is None;
- an area mean of a unit is the mean of the area's *shown* indicator means (not the mean of all
  answers in the area, which would let a suppressed indicator be recovered by subtraction);
- every organisation figure (pooled indicator means, medians, spread, the units furthest
  behind) is computed only over the unit figures that are themselves shown. It is therefore a
  function of shown figures alone, and no difference of shown figures — between the
  organisation and its units, or between two filters — yields a suppressed one;
- the leader's rating is the unit's own statement, not an anonymous answer, and is not
  suppressed; the gap between it and staff's view is shown only when the staff figure is;
- answer figures are only shown once the campaign is closed: watching live results change as
  one more person answers would reveal that person's answers by subtraction.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save

from digiplan.assessments.models import (
    Answer,
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Group,
    LeaderAnswer,
    Participation,
    RatingStatus,
    Response,
    ResultFigures,
    ResultSnapshot,
)
from digiplan.frameworks.models import (
    FrameworkVersion,
    Item,
    ItemKind,
    RespondentGroup,
    Scale,
    ScaleLevel,
    VersionStatus,
)
from digiplan.organisations.models import Organisation, OrganisationType, UnitSchoolForm

GROUPS = (Group.STAFF, Group.PUPIL)
FURTHEST_BEHIND = 3
HEAT_BANDS = 5


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
    (thousands of them on the organisation page: a plain class with slots)."""

    __slots__ = ("n", "n_na", "total", "mean", "counts")

    def __init__(self, n: int = 0, n_na: int = 0, total: int = 0, mean: float | None = None,
                 counts: dict[int, int] | None = None):
        self.n, self.n_na, self.total, self.mean = n, n_na, total, mean
        self.counts = counts if counts is not None else {}


def _figure(raw: _Raw | None, k: int, levels: list[ScaleLevel]) -> Figure:
    if raw is None or raw.n < k:
        return Figure(suppressed=True)
    return Figure(suppressed=False, n=raw.n, n_na=raw.n_na, mean=raw.mean,
                  distribution=[(lv, raw.counts.get(lv.value, 0),
                                 100 * raw.counts.get(lv.value, 0) / raw.n) for lv in levels])


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


# ---- A published framework version, loaded once per process --------------------------------

# A published (or archived) version never changes: editing makes a new draft version, and its
# scales are never edited either. So its statements, areas and scale levels are read once per
# process, keyed by the version's id, instead of on every request. The objects are shared
# between requests and must be read only. Drafts are never kept. Saving or deleting any
# version, item, scale or level empties the store, so that a database reusing an id (a test
# database rolled back) never finds an old entry.
_FROZEN: dict[tuple, object] = {}
FROZEN_KEPT = 200


def frozen(version_id: int, kind: str, load):
    """load() for this version, kept when the version is frozen."""
    key = (version_id, kind)
    if key in _FROZEN:
        return _FROZEN[key]
    frozen_version = FrameworkVersion.objects.filter(pk=version_id).exclude(
        status=VersionStatus.DRAFT).exists()
    value = load()
    if frozen_version:
        if len(_FROZEN) >= FROZEN_KEPT:
            _FROZEN.clear()
        _FROZEN[key] = value
    return value


def _forget_frozen(**_kwargs) -> None:
    _FROZEN.clear()


for _model in (FrameworkVersion, Item, Scale, ScaleLevel):
    post_save.connect(_forget_frozen, sender=_model, dispatch_uid=f"frozen-{_model.__name__}")
    post_delete.connect(_forget_frozen, sender=_model, dispatch_uid=f"frozen-{_model.__name__}-d")


def questionnaire_items(version_id: int, group: str) -> list[Item]:
    """A group's statements of a version in the order of the questionnaire, with their areas
    and their scales' levels (answers that do not count included)."""
    return frozen(version_id, f"questionnaire-{group}", lambda: list(
        Item.objects.filter(version_id=version_id, kind=ItemKind.INDICATOR, respondent=group)
        .select_related("parent", "scale").prefetch_related("scale__levels")
        .order_by("parent__order", "order")))


# ---- Queries ---------------------------------------------------------------------------------


def _indicators(version) -> list[Item]:
    return frozen(version.pk, "indicators", lambda: list(
        Item.objects.filter(version=version, kind=ItemKind.INDICATOR)
        .select_related("parent", "scale")
        .order_by("parent__order", "parent__code", "order", "code")))


def _levels_by_scale(version, items: list[Item]) -> dict[int, list[ScaleLevel]]:
    def load():
        levels: dict[int, list[ScaleLevel]] = {}
        for level in ScaleLevel.objects.filter(
                scale_id__in={i.scale_id for i in items if i.scale_id},
                not_applicable=False).order_by("order", "value"):
            levels.setdefault(level.scale_id, []).append(level)
        return levels

    return frozen(version.pk, "levels", load)


def _answer_stats(campaign: Campaign, units: QuerySet, *, by_code: bool = False
                  ) -> dict[tuple[int, object, str], _Raw]:
    """(unit id, item id or code, group) → n, n "don't know", sum, mean and counts per value,
    in two grouped queries."""
    item_key = "item__code" if by_code else "item_id"
    answers = Answer.objects.filter(response__campaign=campaign,
                                    response__unit__in=units.values("pk"))
    keys = ("response__unit_id", item_key, "response__group")
    stats: dict[tuple, _Raw] = {}
    for row in answers.values(*keys).annotate(
            n=Count("value"), n_na=Count("pk", filter=Q(value__isnull=True)),
            total=Sum("value"), mean=Avg("value")).order_by():
        stats[tuple(row[k] for k in keys)] = _Raw(
            n=row["n"], n_na=row["n_na"], total=row["total"] or 0,
            mean=float(row["mean"]) if row["mean"] is not None else None)
    if not by_code:
        for row in answers.filter(value__isnull=False).values(*keys, "value").annotate(
                answers=Count("pk")).order_by():
            stats[tuple(row[k] for k in keys)].counts[row["value"]] = row["answers"]
    return stats


def _leader_values(campaign: Campaign, units: QuerySet, *, by_code: bool = False
                   ) -> dict[tuple[int, object], tuple[int | None, str]]:
    item_key = "item__code" if by_code else "item_id"
    rows = LeaderAnswer.objects.filter(
        rating__campaign=campaign, rating__status=RatingStatus.SUBMITTED,
        rating__unit__in=units.values("pk")).values_list("rating__unit_id", item_key, "value",
                                                          "comment")
    return {(unit_id, key): (value, comment) for unit_id, key, value, comment in rows}


def _leader_area_means(campaign: Campaign, units: QuerySet) -> dict[tuple[int, int], float]:
    rows = LeaderAnswer.objects.filter(
        rating__campaign=campaign, rating__status=RatingStatus.SUBMITTED,
        rating__unit__in=units.values("pk"), value__isnull=False,
    ).values("rating__unit_id", "item__parent_id").annotate(mean=Avg("value")).order_by()
    return {(r["rating__unit_id"], r["item__parent_id"]): float(r["mean"]) for r in rows}


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The last closed campaign of the same huvudman on the same framework (by slug)."""
    earlier = Campaign.objects.filter(
        huvudman_id=campaign.huvudman_id, status=CampaignStatus.CLOSED,
        framework_version__framework__slug=campaign.framework_version.framework.slug,
    ).exclude(pk=campaign.pk)
    if campaign.closed_at:
        earlier = earlier.filter(closed_at__lt=campaign.closed_at)
    return earlier.select_related("framework_version").order_by("-closed_at").first()


def _response_counts(campaign: Campaign, units: QuerySet) -> dict[tuple[int, str], int]:
    rows = Response.objects.filter(campaign=campaign, unit__in=units.values("pk")).values(
        "unit_id", "group").annotate(responses=Count("pk")).order_by()
    return {(r["unit_id"], r["group"]): r["responses"] for r in rows}


def _stored(campaign: Campaign, units: QuerySet, *, items: list[Item] | None = None
            ) -> tuple[dict[tuple[int, object, str], _Raw], dict[tuple[int, str], int]] | None:
    """The figures and response counts of a closed campaign as ResultFigures stores them,
    keyed as _answer_stats and _response_counts key them (figures by item id when items are
    given, else by code); None when the campaign has none stored (closed before they were),
    and the answers must be aggregated. Closing stores a row for every unit of the campaign, so
    a unit without one was not in it.

    Only the shown figures (n ≥ k) are stored, exactly as _answer_stats computed them at
    closing. That is all any page uses: a figure below k is suppressed, and the organisation's
    figures, the changes and the previous area means rest on shown figures alone."""
    rows = list(ResultFigures.objects.filter(campaign_id=campaign.pk, unit__in=units.values(
        "pk")).values_list("unit_id", "figures", "staff_responses", "pupil_responses"))
    if not rows and not ResultFigures.objects.filter(campaign_id=campaign.pk).exists():
        return None
    pk_by_code = {item.code: item.pk for item in items} if items is not None else None
    stats: dict[tuple, _Raw] = {}
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
            counts = dict(zip(figure[6::2], figure[7::2], strict=True))
            stats[(unit_id, item_key, group)] = _Raw(n, n_na, total, mean, counts)
    return stats, responses


def result_figures(campaign: Campaign) -> dict[int, dict]:
    """For ResultFigures, when the campaign closes: unit id → the numbers of its shown figures
    (n ≥ k) as [code, group, n, "don't know", sum, mean, value, answers, value, answers, …]
    (flat: it is read back on every organisation page), aggregated from the answers, and its
    numbers of responses. Nothing of a suppressed figure."""
    if not results_available(campaign):
        raise ValueError("Only a closed campaign's figures are stored.")
    units = Organisation.objects.filter(pk__in=campaign.units.values("unit_id"))
    codes = dict(Item.objects.filter(version=campaign.framework_version,
                                     kind=ItemKind.INDICATOR).values_list("pk", "code"))
    responses = _response_counts(campaign, units)
    rows = {unit_id: {"figures": [],
                      "staff_responses": responses.get((unit_id, Group.STAFF), 0),
                      "pupil_responses": responses.get((unit_id, Group.PUPIL), 0)}
            for unit_id in units.values_list("pk", flat=True)}
    stats = _answer_stats(campaign, units)
    for (unit_id, item_id, group), raw in sorted(stats.items(), key=lambda kv: (
            kv[0][0], codes.get(kv[0][1], ""), kv[0][2])):
        if raw.n >= campaign.k and item_id in codes and unit_id in rows:
            rows[unit_id]["figures"].append(
                [codes[item_id], group, raw.n, raw.n_na, raw.total, raw.mean,
                 *(number for pair in sorted(raw.counts.items()) for number in pair)])
    return rows


# ---- Shared between unit and organisation ---------------------------------------------------


@dataclass
class Area:
    item: Item | None  # None collects indicators without an area
    indicators: dict[str, list[Item]]  # group → indicators

    @property
    def pk(self):
        return self.item.pk if self.item else None


def _areas(items: list[Item]) -> list[Area]:
    areas: dict[int | None, Area] = {}
    for item in items:
        area = areas.setdefault(item.parent_id, Area(item=item.parent, indicators={}))
        area.indicators.setdefault(item.respondent, []).append(item)
    return list(areas.values())


class _Context:
    """Everything the figures of a set of units rest on, fetched in a fixed number of queries."""

    def __init__(self, campaign: Campaign, units: QuerySet, *, with_previous: bool = True,
                 live: bool = False):
        """live: aggregate the answers even when ResultFigures holds them (as the snapshot
        itself is computed)."""
        self.campaign, self.k = campaign, campaign.k
        self.available = results_available(campaign)
        included = {RespondentGroup.LEADER: campaign.include_leader,
                    RespondentGroup.STAFF: campaign.include_staff,
                    RespondentGroup.PUPIL: campaign.include_pupils}
        indicators = _indicators(campaign.framework_version)
        self.items = [i for i in indicators if included.get(i.respondent)]
        # The levels of every indicator's scale (a key of the version, whatever is included).
        self.levels = _levels_by_scale(campaign.framework_version, indicators)
        self.areas = _areas(self.items)
        stored = _stored(campaign, units, items=self.items) if self.available and not live \
            else None
        if stored is not None:
            self.stats, self.responses = stored
        else:
            self.responses = _response_counts(campaign, units)
            self.stats = _answer_stats(campaign, units) if self.available else {}
        self.previous = previous_campaign(campaign) if with_previous and self.available else None
        self.previous_stats, self.previous_codes, self.previous_leader = {}, set(), {}
        if self.previous:
            stored = None if live else _stored(self.previous, units)
            self.previous_stats = stored[0] if stored is not None else _answer_stats(
                self.previous, units, by_code=True)
            self.previous_codes = set(Item.objects.filter(
                version=self.previous.framework_version, kind=ItemKind.INDICATOR,
            ).values_list("code", flat=True))
            self.previous_leader = _leader_values(self.previous, units, by_code=True)

    def figure(self, unit_id: int, item: Item, group: str) -> Figure:
        figure = _figure(self.stats.get((unit_id, item.pk, group)), self.k,
                         self.levels.get(item.scale_id, []))
        if self.previous and not figure.suppressed:
            if item.code not in self.previous_codes:
                figure.is_new = True
            else:
                before = self.previous_stats.get((unit_id, item.code, group))
                if before is not None and before.n >= self.previous.k:
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
            raw.mean for item in area.indicators.get(group, [])
            if (raw := self.previous_stats.get((unit_id, item.code, group))) is not None
            and raw.n >= self.previous.k)


# ---- The unit page ---------------------------------------------------------------------------


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


def _unit_areas(ctx: _Context, unit_id: int, leader: dict, leader_means: dict
                ) -> list[UnitArea]:
    """A unit's areas: leader rows, figures per group, area means, changes and the gap. The
    context, leader values and leader area means may cover many units."""
    level_by_value = {(lv.scale_id, lv.value): lv for levels in ctx.levels.values()
                      for lv in levels}
    areas = []
    for area in ctx.areas:
        rows = []
        for item in area.indicators.get(RespondentGroup.LEADER, []):
            value, comment = leader.get((unit_id, item.pk), (None, ""))
            row = LeaderRow(item=item, value=value, answered=(unit_id, item.pk) in leader,
                            level=level_by_value.get((item.scale_id, value)), comment=comment)
            if ctx.previous:
                row.is_new = item.code not in ctx.previous_codes
                before = ctx.previous_leader.get((unit_id, item.code), (None, ""))[0]
                if value is not None and before is not None:
                    row.change = value - before
            rows.append(row)
        groups = {g: [(item, ctx.figure(unit_id, item, g)) for item in area.indicators.get(g, [])]
                  for g in GROUPS if area.indicators.get(g)}
        means = {g: _mean(f.mean for _i, f in figures) for g, figures in groups.items()}
        changes = {}
        for g in groups:
            before = ctx.previous_area_mean(unit_id, area, g)
            changes[g] = means[g] - before if means[g] is not None and before is not None else None
        leader_mean = leader_means.get((unit_id, area.pk))
        staff_mean = means.get(Group.STAFF)
        areas.append(UnitArea(
            item=area.item, leader=rows, groups=groups, leader_mean=leader_mean, means=means,
            changes=changes,
            gap=leader_mean - staff_mean if None not in (leader_mean, staff_mean) else None))
    return areas


def unit_results(campaign: Campaign, unit: Organisation) -> dict:
    units = Organisation.objects.filter(pk=unit.pk)
    ctx = _Context(campaign, units)
    leader = _leader_values(campaign, units) if ctx.available else {}
    leader_means = _leader_area_means(campaign, units) if ctx.available else {}
    areas = _unit_areas(ctx, unit.pk, leader, leader_means)
    staff_responses = ctx.responses.get((unit.pk, Group.STAFF), 0)
    comments = []
    if ctx.available and staff_responses >= ctx.k:
        # Random order and nothing but the text: no date, no order of arrival.
        comments = list(Response.objects.filter(campaign=campaign, unit=unit, group=Group.STAFF)
                        .exclude(comment="").order_by("?").values_list("comment", flat=True))
    return {
        "k": ctx.k, "available": ctx.available, "previous": ctx.previous, "areas": areas,
        "responses": {g: ctx.responses.get((unit.pk, g), 0) for g in GROUPS},
        "comments": comments, "comments_shown": ctx.available and staff_responses >= ctx.k,
    }


# ---- The organisation page -------------------------------------------------------------------


@dataclass
class UnitRate:
    unit: Organisation
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


def org_filter_choices(campaign: Campaign, managed: QuerySet) -> dict:
    nodes = managed.filter(type__in=(OrganisationType.FORVALTNING, OrganisationType.OMRADE),
                           is_active=True).order_by("path")
    forms = UnitSchoolForm.objects.filter(
        organisation__in=campaign.units.values("unit_id")).values_list(
        "school_form", flat=True).distinct().order_by("school_form")
    areas = Item.objects.filter(version=campaign.framework_version,
                                children__kind=ItemKind.INDICATOR).distinct().order_by("order",
                                                                                      "code")
    return {"nodes": list(nodes), "school_forms": list(forms), "areas": list(areas)}


def org_units(campaign: Campaign, managed: QuerySet, *, node: Organisation | None = None,
              school_form: str = "") -> QuerySet[Organisation]:
    units = Organisation.objects.filter(pk__in=campaign.units.values("unit_id")).filter(
        pk__in=managed.values("pk"))
    if node is not None:
        units = units.filter(path__startswith=node.path)
    if school_form:
        units = units.filter(pk__in=UnitSchoolForm.objects.filter(
            school_form=school_form).values("organisation_id"))
    return units


def org_results(campaign: Campaign, units: QuerySet, *, area: Item | None = None,
                live: bool = False) -> dict:
    ctx = _Context(campaign, units, with_previous=False, live=live)
    campaign_units = list(CampaignUnit.objects.filter(campaign=campaign, unit__in=units.values(
        "pk")).select_related("unit").order_by("unit__name", "unit__pk"))
    participation = {r["unit_id"]: r for r in Participation.objects.filter(
        campaign=campaign, unit__in=units.values("pk")).values("unit_id").annotate(
        asked=Count("pk"), answered=Count("pk", filter=Q(answered=True))).order_by()}
    rates = []
    for cu in campaign_units:
        p = participation.get(cu.unit_id, {"asked": 0, "answered": 0})
        rates.append(UnitRate(
            unit=cu.unit, asked=p["asked"], answered=p["answered"],
            rate=100 * p["answered"] / p["asked"] if p["asked"] else None,
            pupil_responses=ctx.responses.get((cu.unit_id, Group.PUPIL), 0),
            pupils_expected=cu.pupils_expected))
    asked = sum(r.asked for r in rates)
    answered = sum(r.answered for r in rates)
    totals = UnitRate(unit=None, asked=asked, answered=answered,
                      rate=100 * answered / asked if asked else None,
                      pupil_responses=sum(r.pupil_responses for r in rates),
                      pupils_expected=sum(r.pupils_expected for r in rates))
    result = {"k": ctx.k, "available": ctx.available, "rates": rates, "rate_totals": totals,
              "areas": [], "heatmap": [], "spread": [], "indicators": [], "unit_figures": [],
              "values": []}
    if not ctx.available:
        return result

    areas = [a for a in ctx.areas if a.indicators.get(Group.STAFF)
             and (area is None or a.pk == area.pk)]
    result["areas"] = areas
    result["values"] = sorted({lv.value for item in ctx.items if item.respondent in GROUPS
                               for lv in ctx.levels.get(item.scale_id, [])})
    # Unit × area: the mean of the shown staff indicator means, as on the unit page. A unit
    # figure is shown when it rests on at least k answers (as ctx.figure decides); only the
    # downloads need the figures themselves, with their distributions.
    k = ctx.k
    shown_stats = {key: raw for key, raw in ctx.stats.items() if raw.n >= k}
    # The colour band follows the scale of the area's first staff indicator.
    scales = {a.pk: ctx.levels.get(a.indicators[Group.STAFF][0].scale_id, []) for a in areas}
    heatmap = []
    for cu in campaign_units:
        cells = []
        for a in areas:
            mean = _mean(raw.mean for i in a.indicators[Group.STAFF]
                         if (raw := shown_stats.get((cu.unit_id, i.pk, Group.STAFF))) is not None)
            cells.append(HeatCell(area=a, mean=mean,
                                  band=_band(mean, scales[a.pk]) if mean is not None else None))
        heatmap.append((cu.unit, cells))
    result["heatmap"] = heatmap
    for column, a in enumerate(areas):
        shown = sorted(((row[1][column].mean, unit) for row in heatmap
                        if (unit := row[0]) and row[1][column].mean is not None),
                       key=lambda pair: (pair[0], pair[1].name))
        spread = AreaSpread(area=a, units_shown=len(shown), units_total=len(heatmap))
        if shown:
            values = [v for v, _u in shown]
            spread.median = statistics.median(values)
            spread.minimum, spread.maximum = values[0], values[-1]
            spread.q1, spread.q3 = quartiles(values)
            spread.behind = [(u, v) for v, u in shown[:FURTHEST_BEHIND]]
        result["spread"].append(spread)
    # Per indicator and group, pooled over the units whose own figure is shown.
    result["unit_figures"] = _UnitFigures(ctx, campaign_units, area)
    for a in ctx.areas:
        if area is not None and a.pk != area.pk:
            continue
        for g in GROUPS:
            for item in a.indicators.get(g, []):
                shown = [(cu.unit_id, raw) for cu in campaign_units
                         if (raw := shown_stats.get((cu.unit_id, item.pk, g))) is not None]
                pooled = _Raw()
                for _unit_id, raw in shown:
                    pooled.n += raw.n
                    pooled.n_na += raw.n_na
                    pooled.total += raw.total
                    for value, count in raw.counts.items():
                        pooled.counts[value] = pooled.counts.get(value, 0) + count
                pooled.mean = pooled.total / pooled.n if pooled.n else None
                # The pooled figure rests on shown units only, each with at least k answers.
                figure = _figure(pooled if shown else None, 1,
                                 ctx.levels.get(item.scale_id, []))
                figure.units = len(shown)
                result["indicators"].append((a, g, item, figure, len(campaign_units)))
    return result


class _UnitFigures:
    """(unit, area, group, indicator, figure) for every unit of the organisation page, in the
    order of its indicators, built when first read: the page shows none of them, only the
    downloads list them."""

    def __init__(self, ctx: _Context, campaign_units: list[CampaignUnit], area: Item | None):
        self.ctx, self.campaign_units, self.area = ctx, campaign_units, area
        self.rows: list | None = None

    def __iter__(self):
        if self.rows is None:
            ctx = self.ctx
            self.rows = [(cu.unit, a, g, item, ctx.figure(cu.unit_id, item, g))
                         for a in ctx.areas if self.area is None or a.pk == self.area.pk
                         for g in GROUPS for item in a.indicators.get(g, [])
                         for cu in self.campaign_units]
        return iter(self.rows)

    def __len__(self):
        return sum(1 for _row in self)


# ---- The downloads ---------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[object]]  # None is a suppressed figure; str, int and float as they are


def org_tables(result: dict, *, labels: dict) -> list[Table]:
    """The organisation's results as plain tables for CSV and XLSX, suppressed exactly as on
    the page: every figure the page hides is None here."""
    L = labels
    tables = [Table(L["rates"], [L["unit"], L["asked"], L["answered"], L["rate"],
                                 L["pupil_responses"], L["pupils_expected"]],
                    [[r.unit.name, r.asked, r.answered, r.rate, r.pupil_responses,
                      r.pupils_expected] for r in result["rates"]])]
    t = result["rate_totals"]
    tables[0].rows.append([L["total"], t.asked, t.answered, t.rate, t.pupil_responses,
                           t.pupils_expected])
    if not result["available"]:
        return tables

    def area_name(a):
        return f"{a.item.code} {a.item.title}" if a.item else L["no_area"]

    tables.append(Table(L["heatmap"], [L["unit"], *(area_name(a) for a in result["areas"])],
                        [[unit.name, *(c.mean for c in cells)]
                         for unit, cells in result["heatmap"]]))
    tables.append(Table(L["spread"], [L["area"], L["units_shown"], L["units_total"], L["median"],
                                      L["min"], L["max"], L["q1"], L["q3"], L["behind"]],
                        [[area_name(s.area), s.units_shown, s.units_total, s.median, s.minimum,
                          s.maximum, s.q1, s.q3,
                          ", ".join(f"{u.name}" for u, _v in s.behind)]
                         for s in result["spread"]]))
    # One column per scale value; a value an indicator's scale lacks stays empty.
    values = result["values"]
    level_header = [L["value"] % {"value": v} for v in values]

    def dist(figure):
        if figure.suppressed:
            return [None] * len(values)
        counts = {lv.value: count for lv, count, _share in figure.distribution}
        return [counts.get(v, "") for v in values]

    tables.append(Table(
        L["indicators"], [L["area"], L["group"], L["code"], L["indicator"], L["units_shown"],
                          L["n"], L["n_na"], L["mean"], *level_header],
        [[area_name(a), L[g], item.code, item.title, f.units, f.n, f.n_na, f.mean,
          *dist(f)] for a, g, item, f, _total in result["indicators"]]))
    tables.append(Table(
        L["units"], [L["unit"], L["area"], L["group"], L["code"], L["indicator"], L["n"],
                     L["n_na"], L["mean"], *level_header],
        [[unit.name, area_name(a), L[g], item.code, item.title, f.n, f.n_na, f.mean,
          *dist(f)] for unit, a, g, item, f in result["unit_figures"]]))
    return tables


# ---- The snapshot written when a campaign closes ---------------------------------------------

SNAPSHOT_FORMAT = "digiplan-results/1"


def _area_code(item: Item | None) -> str | None:
    return item.code if item is not None else None


def _titles(item: Item) -> dict:
    """The title as written and in each language the framework has it."""
    return {"title": item.title, "translations": {
        language: fields["title"] for language, fields in sorted((item.translations or {}).items())
        if isinstance(fields, dict) and fields.get("title")}}


def figure_data(figure: Figure) -> dict:
    """A figure as plain data. A suppressed figure is only that: no number of it is kept."""
    if figure.suppressed:
        return {"suppressed": True}
    data = {"suppressed": False, "n": figure.n, "n_na": figure.n_na, "mean": figure.mean,
            "distribution": [{"value": level.value, "answers": answers, "share": share}
                             for level, answers, share in figure.distribution or []],
            "change": figure.change, "is_new": figure.is_new}
    if figure.units is not None:
        data["units"] = figure.units
    return data


def unit_data(unit: Organisation, areas: list[UnitArea], responses: dict) -> dict:
    """A unit's results (as unit_results computes them) as plain data, without staff comments:
    their text stays with the answers and is not copied."""
    return {
        "id": unit.pk, "name": unit.name, "school_unit_code": unit.school_unit_code,
        "responses": {g: responses.get(g, 0) for g in GROUPS},
        "areas": [{
            "area": _area_code(area.item), "leader_mean": area.leader_mean, "gap": area.gap,
            "means": dict(area.means), "changes": dict(area.changes),
            "leader": [{"code": row.item.code, "value": row.value, "answered": row.answered,
                        "comment": row.comment, "change": row.change, "is_new": row.is_new}
                       for row in area.leader],
            "figures": {g: [{"code": item.code, **figure_data(figure)} for item, figure in rows]
                        for g, rows in area.groups.items()},
        } for area in areas],
    }


def org_data(result: dict) -> dict:
    """The organisation's results (as org_results computes them) as plain data."""

    def rate(r: UnitRate) -> dict:
        return {"asked": r.asked, "answered": r.answered, "rate": r.rate,
                "pupil_responses": r.pupil_responses, "pupils_expected": r.pupils_expected}

    return {
        "rates": [{"unit": r.unit.pk, **rate(r)} for r in result["rates"]],
        "rate_totals": rate(result["rate_totals"]),
        "heatmap": [{"unit": unit.pk, "cells": [
            {"area": _area_code(cell.area.item), "mean": cell.mean, "band": cell.band}
            for cell in cells]} for unit, cells in result["heatmap"]],
        "spread": [{"area": _area_code(s.area.item), "units_shown": s.units_shown,
                    "units_total": s.units_total, "median": s.median, "minimum": s.minimum,
                    "maximum": s.maximum, "q1": s.q1, "q3": s.q3,
                    "behind": [{"unit": unit.pk, "mean": mean} for unit, mean in s.behind]}
                   for s in result["spread"]],
        "indicators": [{"area": _area_code(a.item), "group": g, "code": item.code,
                        "units_total": total, **figure_data(figure)}
                       for a, g, item, figure, total in result["indicators"]],
    }


def snapshot_data(campaign: Campaign) -> dict:
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
            "id": campaign.pk, "name": campaign.name, "school_year": campaign.school_year,
            "k": campaign.k, "closed_at": campaign.closed_at.isoformat()
            if campaign.closed_at else None,
            "framework": version.framework.slug, "framework_name": version.framework.name,
            "version": version.number,
            "groups": {"leader": campaign.include_leader, "staff": campaign.include_staff,
                       "pupil": campaign.include_pupils},
            "previous": ctx.previous.pk if ctx.previous else None,
        },
        "areas": [{"code": a.code, **_titles(a)} for a in areas],
        "items": [{
            "code": item.code, "area": _area_code(item.parent), "respondent": item.respondent,
            **_titles(item),
            "scale": [{"value": lv.value, "label": lv.label}
                      for lv in ctx.levels.get(item.scale_id, [])],
        } for item in ctx.items],
        "organisation": org_data(org_results(campaign, units, live=True)),
        "units": [unit_data(unit, _unit_areas(ctx, unit.pk, leader, leader_means),
                            {g: ctx.responses.get((unit.pk, g), 0) for g in GROUPS})
                  for unit in unit_list],
    }


def snapshot_for(campaign: Campaign) -> ResultSnapshot | None:
    """The campaign's ResultSnapshot, or None while it is not closed."""
    return ResultSnapshot.objects.filter(campaign_id=campaign.pk).first()
