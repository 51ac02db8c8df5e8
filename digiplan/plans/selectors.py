"""Reads for plan pages: suggested goals from the latest results, the activities a person
carries, the year view and the organisation overview."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from digiplan.assessments import selectors as results
from digiplan.assessments.models import Campaign, CampaignStatus, Group
from digiplan.frameworks.models import Item, ScaleLevel
from digiplan.lib import schoolyear
from digiplan.organisations.models import Organisation, OrganisationType
from digiplan.plans.models import (
    OPEN_STATUSES,
    Activity,
    ActivityStatus,
    Goal,
    LibraryActivity,
    Plan,
    PlanStatus,
)

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


def latest_results_campaign(unit: Organisation) -> Campaign | None:
    """The last closed campaign that included the unit."""
    return (
        Campaign.objects.filter(huvudman_id=unit.huvudman_id, status=CampaignStatus.CLOSED, units__unit=unit)
        .select_related("framework_version__framework")
        .order_by("-closed_at", "-pk")
        .first()
    )


def _counting_levels(items: list[Item]) -> dict[int, list[ScaleLevel]]:
    """Scale id → the levels that count (not "vet ej" / "ej relevant"), lowest first."""
    levels: dict[int, list[ScaleLevel]] = {}
    for level in ScaleLevel.objects.filter(
        scale_id__in={i.scale_id for i in items if i.scale_id}, not_applicable=False
    ).order_by("value"):
        levels.setdefault(level.scale_id, []).append(level)
    return levels


def _counting(scale_id: int | None, levels: dict[int, list[ScaleLevel]]) -> list[ScaleLevel]:
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
    taken = set(Goal.items.through.objects.filter(goal__plan=plan).values_list("item_id", flat=True))
    taken |= set(plan.dismissed.values_list("item_id", flat=True))
    items = [row.item for area in data["areas"] for row in area.leader]
    items += [item for area in data["areas"] for figures in area.groups.values() for item, _figure in figures]
    levels = _counting_levels(items)

    weak: list[Suggestion] = []
    for area in data["areas"]:
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

    gaps: list[Suggestion] = []
    for area in data["areas"]:
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

    weak.sort(key=lambda s: s.position)
    gaps.sort(key=lambda s: -s.position)
    chosen_gaps = gaps[:MAX_DISAGREEMENTS]
    chosen = weak[: MAX_SUGGESTIONS - len(chosen_gaps)] + chosen_gaps
    _attach_library(plan, chosen)
    return chosen


def _item_keys(item: Item) -> set[tuple[int, str]]:
    """(framework, code) of the item and its parents: matches across versions of a framework."""
    keys, current = set(), item
    while current is not None:
        keys.add((current.version.framework_id, current.code))
        current = current.parent
    return keys


def library_for(
    huvudman_id: int, *, school_forms=None, for_staff: bool | None = None
) -> list[LibraryActivity]:
    entries = (
        LibraryActivity.objects.filter(huvudman_id=huvudman_id, is_published=True)
        .select_related("role_title")
        .prefetch_related("items__version")
        .annotate(uses=Count("copies"))
    )
    if for_staff is not None:
        entries = entries.filter(for_staff=for_staff)
    result = list(entries)
    if school_forms:
        wanted = set(school_forms)
        result = [e for e in result if not e.school_forms or wanted & set(e.school_forms)]
    return result


def matching_library(item: Item, entries: list[LibraryActivity]) -> list[LibraryActivity]:
    """Example activities linked to the item, to one of its parents, or to an item with the same
    code in another version of the same framework."""
    keys = _item_keys(item)
    return [e for e in entries if any((i.version.framework_id, i.code) in keys for i in e.items.all())]


def _attach_library(plan: Plan, chosen: list[Suggestion]) -> None:
    if not chosen:
        return
    forms = list(plan.organisation.school_forms.values_list("school_form", flat=True))
    entries = library_for(plan.huvudman_id, school_forms=forms, for_staff=False)
    for suggestion in chosen:
        suggestion.activities = matching_library(suggestion.item, entries)


# ---- Activities ------------------------------------------------------------------------------


def activities_of(person) -> QuerySet[Activity]:
    """Activities the person owns or takes part in, in plans that have been published."""
    if not person.is_authenticated:
        return Activity.objects.none()
    return (
        Activity.objects.filter(
            Q(owner=person) | Q(participants=person), plan__huvudman_id=person.huvudman_id
        )
        .exclude(plan__status=PlanStatus.DRAFT)
        .distinct()
        .select_related("plan__organisation", "goal", "role_title", "owner")
    )


def late(queryset: QuerySet[Activity], day: datetime.date | None = None) -> QuerySet[Activity]:
    day = day or timezone.localdate()
    return queryset.filter(status__in=OPEN_STATUSES, due_on__lt=day)


@dataclass
class Month:
    first: datetime.date
    events: list[dict]


def year_view(plans: QuerySet[Plan], school_year: str, campaigns: QuerySet[Campaign]) -> list[Month]:
    """The yearly cycle month by month (July to June): the self-assessment opening and closing,
    activity due dates of every plan, and the follow-up deadlines."""
    first, last = schoolyear.bounds(school_year)
    events: list[dict] = []
    for campaign in campaigns.filter(opens_on__lte=last, closes_on__gte=first):
        events.append(
            {
                "date": campaign.opens_on,
                "kind": "campaign_opens",
                "title": str(campaign),
                "campaign": campaign,
            }
        )
        events.append(
            {
                "date": campaign.closes_on,
                "kind": "campaign_closes",
                "title": str(campaign),
                "campaign": campaign,
            }
        )
    plans = plans.filter(school_year=school_year).select_related("organisation")
    for plan in plans:
        if plan.follow_up_due:
            events.append(
                {
                    "date": plan.follow_up_due,
                    "kind": "follow_up",
                    "title": plan.title,
                    "plan": plan,
                    "unit": plan.organisation,
                }
            )
    today = timezone.localdate()
    for activity in Activity.objects.filter(plan__in=plans, due_on__range=(first, last)).select_related(
        "plan__organisation", "owner"
    ):
        events.append(
            {
                "date": activity.due_on,
                "kind": "activity",
                "title": activity.title,
                "plan": activity.plan,
                "unit": activity.plan.organisation,
                "activity": activity,
                "late": activity.is_late_on(today),
            }
        )
    months = []
    for offset in range(12):
        year, month = first.year + (first.month - 1 + offset) // 12, (first.month - 1 + offset) % 12 + 1
        months.append(Month(first=datetime.date(year, month, 1), events=[]))
    for event in sorted(events, key=lambda e: (e["date"], e["kind"], e["title"])):
        if first <= event["date"] <= last:
            index = (event["date"].year - first.year) * 12 + event["date"].month - first.month
            months[index].events.append(event)
    return months


# ---- The organisation overview ---------------------------------------------------------------


@dataclass
class UnitPlanRow:
    unit: Organisation
    plan: Plan | None
    goals: int = 0
    activities: int = 0
    done: int = 0
    late: int = 0
    cancelled: int = 0

    @property
    def status(self) -> str:
        return self.plan.status if self.plan else "none"

    @property
    def done_percent(self) -> int | None:
        counted = self.activities - self.cancelled
        return round(100 * self.done / counted) if counted else None


def area_of(item: Item) -> Item:
    """The top item above this one: the area a goal belongs to."""
    current = item
    while current.parent_id is not None:
        current = current.parent
    return current


def overview(units: QuerySet[Organisation], school_year: str, huvudman_id: int) -> dict:
    """Plan status and progress per unit, the areas unit goals fall in, library use, and the
    national sub-goals unit goals reach."""
    today = timezone.localdate()
    units = list(units.filter(type=OrganisationType.SKOLENHET, is_active=True).order_by("name"))
    plans = {
        p.organisation_id: p for p in Plan.objects.filter(organisation__in=units, school_year=school_year)
    }
    counts = (
        Activity.objects.filter(plan__in=plans.values())
        .values("plan_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ActivityStatus.DONE)),
            cancelled=Count("pk", filter=Q(status=ActivityStatus.CANCELLED)),
            late=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        )
        .order_by()
    )
    by_plan = {row["plan_id"]: row for row in counts}
    goals = dict(
        Goal.objects.filter(plan__in=plans.values())
        .values("plan_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("plan_id", "n")
    )
    rows = []
    for unit in units:
        plan = plans.get(unit.pk)
        row = UnitPlanRow(unit=unit, plan=plan)
        if plan:
            c = by_plan.get(plan.pk, {})
            row.goals = goals.get(plan.pk, 0)
            row.activities, row.done = c.get("total", 0), c.get("done", 0)
            row.late, row.cancelled = c.get("late", 0), c.get("cancelled", 0)
        rows.append(row)
    status_counts = Counter(row.status for row in rows)

    goal_items = (
        Item.objects.filter(plan_goals__plan__in=plans.values())
        .select_related("parent__parent__parent", "version__framework")
        .annotate(goals=Count("plan_goals"))
    )
    areas: Counter = Counter()
    area_items: dict[int, Item] = {}
    for item in goal_items:
        area = area_of(item)
        areas[area.pk] += item.goals
        area_items[area.pk] = area
    priorities = [(area_items[pk], n) for pk, n in areas.most_common()]

    library = (
        LibraryActivity.objects.filter(huvudman_id=huvudman_id)
        .annotate(
            uses=Count("copies", filter=Q(copies__plan__in=plans.values())),
            units=Count(
                "copies__plan__organisation", distinct=True, filter=Q(copies__plan__in=plans.values())
            ),
        )
        .order_by("-uses", "title")
    )
    return {
        "rows": rows,
        "status_counts": status_counts,
        "priorities": priorities,
        "library": library,
        "national": national_coverage(
            Goal.objects.filter(plan__in=plans.values()).prefetch_related("items__links")
        ),
    }


def national_coverage(goals) -> list[dict]:
    """The built-in national strategy's sub-goals, each with how many of the given goals reach
    it through the chain of links (goal item → its parents → linked items → …)."""
    reached: dict[int, set[int]] = defaultdict(set)
    for goal in goals:
        for item in goal.items.all():
            for target in reach_up(item):
                reached[target].add(goal.pk)
    national = (
        Item.objects.filter(
            version__framework__huvudman__isnull=True,
            version__framework__kind="national",
            version__status="published",
            kind="sub_goal",
        )
        .select_related("version__framework")
        .order_by("version__framework__slug", "order", "code")
    )
    return [{"item": item, "goals": len(reached.get(item.pk, ()))} for item in national]


def reach_up(item: Item, depth: int = 0) -> set[int]:
    """The item, its parents and everything they link to, up the chain of steering."""
    if depth > 8:
        return set()
    found, current = set(), item
    while current is not None:
        found.add(current.pk)
        for target in current.links.all():
            found |= reach_up(target, depth + 1)
        current = current.parent
    return found


# ---- The chain of steering ---------------------------------------------------------------------
# added by plans-library


def unit_goals_for_chain(item: Item, person, down: list[dict]) -> dict:
    """Unit goals the person may read that serve the item: linked to it ("direct"), or to an
    item below it or to one that cites it (`down`, as frameworks.selectors.chain_down gives it)
    and the items below those ("below"). Plans out of the person's reach never show."""
    cited: set[int] = set()

    def flatten(nodes: list[dict]) -> None:
        for node in nodes:
            cited.add(node["item"].pk)
            flatten(node["down"])

    flatten(down)
    reached = {item.pk} | cited
    frontier = set(reached)
    for _depth in range(10):
        frontier = set(Item.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= reached
        if not frontier:
            break
        reached |= frontier
    from digiplan.plans.access import readable_plans

    goals = (
        Goal.objects.filter(items__in=reached, plan__in=readable_plans(person))
        .distinct()
        .select_related("plan__organisation")
        .prefetch_related("items")
        .order_by("-plan__school_year", "plan__organisation__name", "order", "pk")
    )
    direct, below = [], []
    for goal in goals:
        linked = [i for i in goal.items.all() if i.pk in reached]
        goal.via = linked
        (direct if any(i.pk == item.pk for i in linked) else below).append(goal)
    return {"direct": direct, "below": below}
