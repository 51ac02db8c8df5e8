"""Goals proposed from a unit's latest results, and the example activities that serve them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from digiplan.assessments import selectors as results
from digiplan.assessments.models import Campaign, CampaignStatus, Group
from digiplan.frameworks.models import Item, ScaleLevel
from digiplan.organisations.models import Organisation, OrganisationType
from digiplan.plans.models import Goal, LibraryActivity, Plan

# How many goals are proposed at most, and how many of them may come from disagreement.
MAX_SUGGESTIONS = 5
MAX_DISAGREEMENTS = 2
# An indicator is proposed while it sits below this share of its scale (0 = lowest level,
# 1 = highest): on a five-step scale, anything under "nearly there".
WEAK_BELOW = 0.75
# Leader and staff disagree when their area means lie this share of the scale apart (one step
# of a five-step scale).
DISAGREE_FROM = 0.25


@dataclass
class Suggestion:
    item: Item
    kind: str  # "leader", "staff", "pupil" or "gap"
    position: float  # 0..1 on the scale; for "gap" the absolute difference
    baseline: Decimal | None
    baseline_text: str
    target: Decimal | None
    target_text: str
    reason: str
    activities: list[LibraryActivity] = field(default_factory=list)


# Scale id → the levels that count (not "vet ej" / "ej relevant"), lowest first.
type CountingLevels = dict[int, list[ScaleLevel]]


def latest_results_campaign(unit: Organisation) -> Campaign | None:
    """The last closed campaign that included the unit."""
    return (
        Campaign.objects.filter(huvudman_id=unit.huvudman_id, status=CampaignStatus.CLOSED, units__unit=unit)
        .select_related("framework_version__framework")
        .order_by("-closed_at", "-pk")
        .first()
    )


def _counting_levels(items: list[Item]) -> CountingLevels:
    levels: CountingLevels = {}
    for level in ScaleLevel.objects.filter(
        scale_id__in={i.scale_id for i in items if i.scale_id}, not_applicable=False
    ).order_by("value"):
        levels.setdefault(level.scale_id, []).append(level)
    return levels


def _counting(scale_id: int | None, levels: CountingLevels) -> list[ScaleLevel]:
    return levels.get(scale_id, []) if scale_id else []


def _position(value: float, counting: list[ScaleLevel]) -> float | None:
    values = [lv.value for lv in counting]
    if len(values) < 2 or max(values) == min(values):
        return None
    return (value - min(values)) / (max(values) - min(values))


def _decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _fmt(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=1)


def suggestions(plan: Plan, campaign: Campaign | None = None) -> list[Suggestion]:
    """Goals proposed from the unit's latest results: the weakest indicators (leader levels,
    staff and pupil means shown above k) and the areas where the leader's rating and the staff's
    view lie furthest apart. Items already in a goal, and dismissed ones, are left out."""
    unit = plan.organisation
    if unit.type != OrganisationType.SKOLENHET:
        return []
    campaign = campaign or latest_results_campaign(unit)
    if campaign is None:
        return []
    data = results.unit_results(campaign, unit)
    if not data["available"]:
        return []
    areas = data["areas"]
    taken = _taken_items(plan)
    items = [row.item for area in areas for row in area.leader]
    items += [item for area in areas for figures in area.groups.values() for item, _figure in figures]
    levels = _counting_levels(items)
    weak = [*_weak_leader_ratings(areas, taken, levels), *_weak_group_means(areas, taken, levels)]
    gaps = _disagreements(areas, taken, levels)
    weak.sort(key=lambda s: s.position)
    gaps.sort(key=lambda s: -s.position)
    chosen_gaps = gaps[:MAX_DISAGREEMENTS]
    chosen = weak[: MAX_SUGGESTIONS - len(chosen_gaps)] + chosen_gaps
    _attach_library(plan, chosen)
    return chosen


def _taken_items(plan: Plan) -> set[int]:
    """Items the plan already has a goal for, or whose suggestion was dismissed."""
    taken = set(Goal.items.through.objects.filter(goal__plan=plan).values_list("item_id", flat=True))
    return taken | set(plan.dismissed.values_list("item_id", flat=True))


def _weak_leader_ratings(
    areas: list[results.UnitArea], taken: set[int], levels: CountingLevels
) -> list[Suggestion]:
    """Leader indicators rated low; the target is the next level up."""
    weak = []
    for area in areas:
        for row in area.leader:
            if row.value is None or row.item.pk in taken:
                continue
            counting = _counting(row.item.scale_id, levels)
            position = _position(row.value, counting)
            if position is None or position >= WEAK_BELOW:
                continue
            higher = [lv for lv in counting if lv.value > row.value]
            nxt = min(higher, key=lambda lv: lv.value) if higher else None
            weak.append(
                Suggestion(
                    item=row.item,
                    kind="leader",
                    position=position,
                    baseline=_decimal(row.value),
                    baseline_text=_("Leader rating: %(level)s")
                    % {"level": row.level.label if row.level else row.value},
                    target=_decimal(nxt.value) if nxt else None,
                    target_text=nxt.label if nxt else "",
                    reason=_("The leader rated this indicator low."),
                )
            )
    return weak


def _weak_group_means(
    areas: list[results.UnitArea], taken: set[int], levels: CountingLevels
) -> list[Suggestion]:
    """Staff and pupil statements with a low mean (only figures shown above k); the target is
    half a step up."""
    weak = []
    for area in areas:
        for group, figures in area.groups.items():
            for item, figure in figures:
                if figure.suppressed or figure.mean is None or item.pk in taken:
                    continue
                counting = _counting(item.scale_id, levels)
                position = _position(figure.mean, counting)
                if position is None or position >= WEAK_BELOW:
                    continue
                top = max(lv.value for lv in counting)
                target = min(top, round(figure.mean + 0.5, 1))
                who = _("Staff") if group == Group.STAFF else _("Pupils")
                weak.append(
                    Suggestion(
                        item=item,
                        kind=group,
                        position=position,
                        baseline=_decimal(figure.mean),
                        baseline_text=_("%(who)s: mean %(mean)s of %(top)s (%(n)s answers)")
                        % {"who": who, "mean": _fmt(figure.mean), "top": top, "n": figure.n},
                        target=_decimal(target),
                        target_text=_("mean at least %(target)s") % {"target": _fmt(target)},
                        reason=_("Staff agree least with this statement.")
                        if group == Group.STAFF
                        else _("Pupils agree least with this statement."),
                    )
                )
    return weak


def _disagreements(
    areas: list[results.UnitArea], taken: set[int], levels: CountingLevels
) -> list[Suggestion]:
    """Areas where the leader's mean and the staff's mean lie far apart on their scales."""
    gaps = []
    for area in areas:
        staff_mean = area.means.get(Group.STAFF)
        if area.item is None or area.item.pk in taken or area.leader_mean is None or staff_mean is None:
            continue
        leader_scale = next((r.item.scale_id for r in area.leader), None)
        staff_scale = next((i.scale_id for i, _f in area.groups.get(Group.STAFF, [])), None)
        pl = _position(area.leader_mean, _counting(leader_scale, levels))
        ps = _position(staff_mean, _counting(staff_scale, levels))
        if pl is None or ps is None or abs(pl - ps) < DISAGREE_FROM:
            continue
        gaps.append(
            Suggestion(
                item=area.item,
                kind="gap",
                position=abs(pl - ps),
                baseline=None,
                baseline_text=_("Leader %(leader)s %% of the scale, staff %(staff)s %%")
                % {"leader": round(100 * pl), "staff": round(100 * ps)},
                target=None,
                target_text=_("Leader and staff see the area alike"),
                reason=_("The leader rates the area higher than staff do.")
                if pl > ps
                else _("Staff rate the area higher than the leader does."),
            )
        )
    return gaps


# ---- Example activities for a goal -------------------------------------------------------------


def _item_keys(item: Item) -> set[tuple[int, str]]:
    """(framework, code) of the item and its parents: matches across versions of a framework."""
    keys: set[tuple[int, str]] = set()
    current: Item | None = item
    while current is not None:
        keys.add((current.version.framework_id, current.code))
        current = current.parent
    return keys


def library_for(
    huvudman_id: int,
    *,
    school_forms: Iterable[str] | Callable[[], Iterable[str]] | None = None,
    for_staff: bool | None = None,
) -> list[LibraryActivity]:
    """The huvudman's published example activities, with how often each was copied; those for
    other school forms left out (an example naming no school form suits all). school_forms may
    be a function, called only when there are entries to sort out."""
    entries = (
        LibraryActivity.objects.filter(huvudman_id=huvudman_id, is_published=True)
        .select_related("role_title")
        .prefetch_related("items__version")
        .annotate(uses=Count("copies"))
    )
    if for_staff is not None:
        entries = entries.filter(for_staff=for_staff)
    result: list[LibraryActivity] = list(entries)
    if result and callable(school_forms):
        school_forms = school_forms()
    if school_forms and not callable(school_forms):
        wanted = set(school_forms)
        result = [e for e in result if not e.school_forms or wanted & set(e.school_forms)]
    return result


def matching_library(item: Item, entries: list[LibraryActivity]) -> list[LibraryActivity]:
    """Example activities linked to the item, to one of its parents, or to an item with the same
    code in another version of the same framework."""
    keys = _item_keys(item)
    return [e for e in entries if any((i.version.framework_id, i.code) in keys for i in e.items.all())]


def school_forms_of(plan: Plan) -> list[str]:
    """The school forms of the plan's unit (none for a central plan)."""
    return list(plan.organisation.school_forms.values_list("school_form", flat=True))


def _attach_library(plan: Plan, chosen: list[Suggestion]) -> None:
    if not chosen:
        return
    entries = library_for(plan.huvudman_id, school_forms=school_forms_of(plan), for_staff=False)
    for suggestion in chosen:
        suggestion.activities = matching_library(suggestion.item, entries)
