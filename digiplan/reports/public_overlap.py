"""Complementary suppression of the public reports: no report, read beside every other one the
huvudman has published, may let anyone work out the figures of fewer than MIN_UNITS units.

A strategist may publish a public report per school year for the whole organisation or a part
of it (an administration or area, a school form, or both). Two reports of the same year whose
scopes differ by one unit give that unit's figures by subtraction: whole minus part is one
unit's staff asked and answered and pupil answers (which may be fewer than k), its plans,
goals and activities; and medians of nearby scopes pin down a unit's own mean (with four
units the median is the mean of the middle two; leave one out and it is one of them).

What each audience sees and what it may derive — the rule this module enforces:

- The public reads the public reports. Every figure there is a total, median or quartile over
  the units of a scope that the figure covers. No combination of the released figures of one
  kind may tell anything about fewer than MIN_UNITS units (disclosure.exposed, below=MIN_UNITS):
  a reader learns organisation figures, never a unit's or a pair's.
- A unit's leader, coordinators and staff also know the unit's own figures, and every unit's
  report shows the organisation's medians over all units of the campaign. Those medians are
  therefore counted as released beside the public ones (the campaign's "whole"). Rule: never
  another single unit's figure; the public rule implies it (a combination on the reader's unit
  and one other rests on two units, fewer than MIN_UNITS).
- Whoever has a membership at an administration or area (a strategist there, whose pages show
  every unit below it) knows all those units' figures. Rule: never a single unit outside that
  part (below=MIN_UNITS − 1 with the part's units known), checked for every administration and
  area of the huvudman, whether or not someone has a membership there today.
- Two leaders together know two units, and may then learn a group of MIN_UNITS units minus
  those two, i.e. one unit, where some released combination rests on exactly those three. The
  threshold is what bounds collusion; raising MIN_UNITS raises it.

Which released figures are of one kind, and over which units (the key of a kind):

- counts of a campaign: staff asked and answered, the response rate, pupil answers, and the
  number of units with figures per area and group, over the scope's units in the campaign;
- median of a campaign, area and group: median and quartiles of the units' area means, and the
  change between two campaigns (which needs both), over the scope's units with a shown mean.
  A median is not a sum; asking the same of its family as of a sum's is conservative: two
  medians over sets that differ by one or two units are never both published;
- plans of a school year: plan, goal and activity totals, goals per area and per national
  sub-goal, over the scope's active units.

Every earlier report of the huvudman counts, in any school year (a trend shows earlier
campaigns), withdrawn or not: what was published may have been copied. Where the new report
would expose a small group, its figures of that kind are withheld (the earlier ones are out
already), the page says why, and the strategist is told which reports it conflicts with. What
each report released, over which units, is kept in PublicReport.disclosure and never shown.
A report published before that field existed is taken to have released every kind it could
have, over the units its scope names today.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from digiplan.assessments.models import Campaign
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, UnitSchoolForm
from digiplan.reports import disclosure, reach, selectors
from digiplan.reports.models import PublicReport
from digiplan.reports.selectors import OrgReport

MIN_UNITS = selectors.MEDIAN_MIN_UNITS
COUNTS, MEDIAN, PLANS = "counts", "median", "plans"

Withhold = Callable[[], None]  # blanks one figure of the new report's data


def kind_key(*parts) -> str:
    return json.dumps(parts, ensure_ascii=False)


@dataclass
class _Kind:
    """One kind of figure of the new report: the units it rests on, the units it could rest on
    (for reports published before their units were kept), what every unit's report shows of it
    (the campaign's whole, for medians), and how to withhold it."""

    units: frozenset[int]
    universe: frozenset[int]
    whole: frozenset[int] = frozenset()
    closed_at: datetime.datetime | None = None  # the campaign's close; None for plans
    school_year: str = ""
    withhold: list[Withhold] = field(default_factory=list)


class _Kinds(dict[str, _Kind]):
    def add(self, key: str, withhold: Withhold, **kwargs: Any) -> None:
        kind = self.get(key)
        if kind is None:
            kind = self[key] = _Kind(**kwargs)
        kind.withhold.append(withhold)


def _blank(entry: dict, *names: str, value: object = None) -> None:
    for name in names:
        entry[name] = value


@dataclass
class _Collector:
    """Gathers the kinds of figure of a new report: the counts of a campaign (participation and
    units with figures) and the medians of a campaign's area and group, over the report's units."""

    kinds: _Kinds
    shown: dict[int, selectors.Shown]
    scope: frozenset[int]

    def counts(self, campaign: Campaign, withhold: Withhold) -> None:
        universe = frozenset(self.shown[campaign.pk].unit_ids)
        self.kinds.add(
            kind_key(COUNTS, campaign.pk),
            withhold,
            units=self.scope & universe,
            universe=universe,
            closed_at=campaign.closed_at,
        )

    def median(self, campaign: Campaign, code: str | None, group: str, withhold: Withhold) -> None:
        s = self.shown[campaign.pk]
        universe = frozenset(u for u in s.unit_ids if s.means.get(u, {}).get(code, {}).get(group) is not None)
        # Every unit's report shows the median over all of them (from MIN_UNITS units).
        self.kinds.add(
            kind_key(MEDIAN, campaign.pk, code, group),
            withhold,
            units=self.scope & universe,
            universe=universe,
            whole=universe if len(universe) >= MIN_UNITS else frozenset(),
            closed_at=campaign.closed_at,
        )


def _participation_withheld(p: dict) -> Withhold:
    def withhold() -> None:
        p.update(withheld=True, overlap=True)
        _blank(p, "asked", "answered", "rate", "pupil_responses")

    return withhold


def _area_kinds(collect: _Collector, row: dict, campaign: Campaign, previous: Campaign | None) -> None:
    """An area's count of units with figures, its median and quartiles, and its change (which
    with this year's median gives last year's)."""

    def units_withheld() -> None:
        _blank(row, "units_shown")

    def median_withheld() -> None:
        _blank(row, "median", "q1", "q3", "change")
        row.update(overlap=True, change_overlap=True)

    def change_withheld() -> None:
        _blank(row, "change")
        row.update(change_overlap=True)

    collect.counts(campaign, units_withheld)
    if row["median"] is not None:
        collect.median(campaign, row["code"], "staff", median_withheld)
    if row["change"] is not None and previous is not None:
        collect.median(previous, row["code"], "staff", change_withheld)


def _trend_kinds(collect: _Collector, code: str | None, line: dict, campaigns: list[Campaign]) -> None:
    """A trend line's count of units and median in each campaign."""
    line["overlap"] = [False] * len(campaigns)

    def units_withheld(i: int) -> Withhold:
        def withhold() -> None:
            line["units"][i] = None

        return withhold

    def value_withheld(i: int) -> Withhold:
        def withhold() -> None:
            line["values"][i] = None
            line["overlap"][i] = True

        return withhold

    for i, c in enumerate(campaigns):
        collect.counts(c, units_withheld(i))
        if line["values"][i] is not None:
            collect.median(c, code, line["group"], value_withheld(i))


def _plan_kinds(
    kinds: _Kinds, plans: dict, school_year: str, scope: frozenset[int], active: frozenset[int]
) -> None:
    """The plans' totals, over the report's active units."""

    def withhold() -> None:
        plans.update(withheld=True, overlap=True, priorities=[], national=[])
        _blank(plans, "units_with_plan", "plans", "goals", "activities", "done", "late", "cancelled")

    kinds.add(
        kind_key(PLANS, school_year),
        withhold,
        units=scope & active,
        universe=active,
        school_year=school_year,
    )


def _kinds(data: dict, report: OrgReport, scope: frozenset[int], active: frozenset[int]) -> _Kinds:
    """Every kind of figure data releases, with its units and how to withhold each figure."""
    kinds = _Kinds()
    collect = _Collector(kinds, {c.pk: selectors.shown_in(c) for c in report["trend_campaigns"]}, scope)
    campaigns = report["trend_campaigns"] if data["available"] else []
    campaign = report["campaign"]
    p = data["participation"]
    if p and not p["withheld"] and campaign is not None and campaign.pk in collect.shown:
        collect.counts(campaign, _participation_withheld(p))
    if campaigns and campaign is not None:
        previous = campaigns[-2] if len(campaigns) > 1 else None
        for row in data["areas"]:
            _area_kinds(collect, row, campaign, previous)
        for area in data["trend"]["areas"]:
            for line in area["lines"]:
                _trend_kinds(collect, area["code"], line, campaigns)
    if not data["plans"]["withheld"]:
        _plan_kinds(kinds, data["plans"], data["school_year"], scope, active)
    return kinds


# ---- The earlier reports -------------------------------------------------------------------


def _scope_units(report: PublicReport, units: QuerySet[Organisation]) -> frozenset[int]:
    """The units a report published before its units were kept covers, as its scope ("Område
    Söder, GR") names them in today's tree; the whole organisation when it names nothing known."""
    parts = [p for p in (report.data.get("scope") or "").split(", ") if p]
    forms = set(UnitSchoolForm.objects.filter(organisation__in=units).values_list("school_form", flat=True))
    form = parts.pop() if parts and parts[-1] in forms else ""
    node = (
        Organisation.objects.filter(
            huvudman_id=report.huvudman_id,
            name=", ".join(parts),
            type__in=(OrganisationType.FORVALTNING, OrganisationType.OMRADE),
        ).first()
        if parts
        else None
    )
    return frozenset(selectors.report_units(units, node=node, school_form=form).values_list("pk", flat=True))


def _earlier(
    huvudman: Huvudman, kinds: _Kinds, units: QuerySet[Organisation]
) -> dict[str, list[tuple[PublicReport, frozenset[int]]]]:
    """Per kind, every earlier report of the huvudman that released it and its units."""
    found: dict[str, list] = {key: [] for key in kinds}
    for report in PublicReport.objects.filter(huvudman=huvudman).order_by("published_at", "pk"):
        released = (report.disclosure or {}).get("released")
        if released is None:  # published before units were kept: assume the most it could
            covered = _scope_units(report, units)
            released = {
                key: kind.universe & covered
                for key, kind in kinds.items()
                if (
                    kind.school_year == report.school_year
                    if kind.closed_at is None
                    else kind.closed_at <= report.published_at
                )
            }
        for key, ids in released.items():
            if key in found:
                found[key].append((report, frozenset(ids)))
    return found


def _exposes(
    sets: list[frozenset[int]], whole: frozenset[int], units: frozenset[int], reaches: list[frozenset[int]]
) -> bool:
    """Whether releasing a figure over `units` beside the earlier `sets` (and the whole
    campaign's, which the units' own reports show) exposes a small group to the public, to a
    unit's readers or to the readers of an administration or area."""
    before = [*sets, whole] if whole else list(sets)
    if disclosure.exposed(before, [*before, units], below=MIN_UNITS):
        return True
    universe = frozenset().union(*before, units)
    for known in reaches:
        if not known & universe or universe <= known:
            continue
        # The units' reports below the part hide the whole's median from its readers when a
        # single unit lies outside (reach.org_figure_shown): it is not theirs to subtract.
        seen = [*sets, whole] if whole and len(whole - known) != 1 else list(sets)
        if disclosure.exposed(seen, [*seen, units], below=MIN_UNITS - 1, known=known):
            return True
    return False


# ---- Withholding ---------------------------------------------------------------------------


def withhold_overlaps(
    data: dict,
    *,
    report: OrgReport,
    huvudman: Huvudman,
    units: QuerySet[Organisation],
    all_units: QuerySet[Organisation],
) -> dict:
    """Withholds in data (changed in place) every figure that, beside the huvudman's earlier
    public reports and the organisation figures of the units' own reports, would let figures of
    fewer than MIN_UNITS units be worked out. Returns what PublicReport.disclosure keeps: per
    kind released, its units; per kind withheld, the earlier reports it conflicts with."""
    scope = frozenset(units.values_list("pk", flat=True))
    active = frozenset(all_units.filter(is_active=True).values_list("pk", flat=True))
    kinds = _kinds(data, report, scope, active)
    earlier = _earlier(huvudman, kinds, all_units)
    reaches = reach.part_units(huvudman)
    answers: dict[tuple, bool] = {}

    def exposes(sets, whole: frozenset[int], units: frozenset[int]) -> bool:
        # Kinds of one campaign mostly rest on the same units: each question is asked once.
        question = (frozenset(sets), whole, units)
        if question not in answers:
            answers[question] = _exposes(list(question[0]), whole, units, reaches)
        return answers[question]

    released, withheld = {}, {}
    for key, kind in kinds.items():
        if not kind.units:
            continue  # a total over no unit tells nothing
        sets = [ids for _report, ids in earlier[key]]
        if not exposes(sets, kind.whole, kind.units):
            released[key] = sorted(kind.units)
            continue
        for withhold in kind.withhold:
            withhold()
        small = exposes([], frozenset(), kind.units)
        withheld[key] = {
            "small": small,
            "reports": []
            if small
            else sorted({r.pk for r, ids in earlier[key] if exposes([ids], frozenset(), kind.units)}),
            "unit_reports": not small and exposes([], kind.whole, kind.units),
        }
    data["overlap"] = bool(withheld)
    return {"units": sorted(scope), "released": released, "withheld": withheld}


def conflicts(report: PublicReport) -> tuple[list[PublicReport], bool, list[str]]:
    """What a report's withheld figures conflict with: the earlier reports, whether the units'
    own reports (their organisation medians), and the kinds withheld (counts, median, plans)."""
    withheld = (report.disclosure or {}).get("withheld") or {}
    ids = {pk for entry in withheld.values() for pk in entry["reports"]}
    kinds = sorted({json.loads(key)[0] for key in withheld})
    return (
        list(PublicReport.objects.filter(pk__in=ids).order_by("published_at", "pk")),
        any(entry["unit_reports"] for entry in withheld.values()),
        kinds,
    )
