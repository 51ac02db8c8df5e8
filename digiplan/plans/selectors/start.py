"""Reads behind the start page's plan boxes: the units without a plan or with late activities
(a strategist's), the plan to write or follow up and the late activities of the units a leader
or coordinator plans for, and a person's own activities that are due.

Each read is a fixed handful of queries, whatever the number of units: counts are grouped in
SQL, never asked unit by unit."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from digiplan.lib.due import Due
from digiplan.organisations.models import Organisation, OrganisationType, Person
from digiplan.plans.models import OPEN_STATUSES, Activity, Plan, PlanStatus

# A follow-up or an activity shows this long before its date.
LEAD_DAYS = 30
# How many units or activities a box names before it links to the whole list.
NAMED = 5
# A person's own activities due: the soonest; "Mina aktiviteter" has them all.
SHOWN_ACTIVITIES = 10


def _units(huvudman_id: int, paths: list[str]) -> QuerySet[Organisation]:
    reach = Q(pk__in=[])
    for path in paths:
        reach |= Q(path__startswith=path)
    return Organisation.objects.filter(
        reach, huvudman_id=huvudman_id, type=OrganisationType.SKOLENHET, is_active=True
    )


@dataclass
class LateUnit:
    plan_id: int
    unit_name: str
    late: int
    since: datetime.date  # the earliest due date passed


@dataclass
class FollowUpDue:
    plan_id: int
    unit_name: str
    due: Due


@dataclass
class OrganisationPlanWork:
    """A strategist's view of the year's plans across the units they manage."""

    school_year: str
    unit_count: int
    without_plan: list[str]  # unit names
    late: list[LateUnit]
    follow_ups: list[FollowUpDue]

    @property
    def is_empty(self) -> bool:
        return not (self.without_plan or self.late or self.follow_ups)


def organisation_plan_work(
    huvudman_id: int, paths: list[str], school_year: str, today: datetime.date
) -> OrganisationPlanWork:
    """Units without a plan for the school year, units whose plan has late activities, and the
    follow-ups due within LEAD_DAYS (or passed) that are not done: three queries."""
    units = _units(huvudman_id, paths)
    year_plans = Plan.objects.filter(organisation=OuterRef("pk"), school_year=school_year)
    rows = list(units.annotate(has_plan=Exists(year_plans)).order_by("name").values_list("name", "has_plan"))
    late = [
        LateUnit(r["plan_id"], r["plan__organisation__name"], r["n"], r["since"])
        for r in Activity.objects.filter(
            plan__organisation__in=units,
            plan__school_year=school_year,
            status__in=OPEN_STATUSES,
            due_on__lt=today,
        )
        .exclude(plan__status=PlanStatus.DRAFT)
        .values("plan_id", "plan__organisation__name")
        .annotate(n=Count("pk"), since=Min("due_on"))
        .order_by("since", "plan__organisation__name")
    ]
    # Plain rows, not plans: a strategist of 60 units may have 60 follow-ups due at once.
    follow_ups = [
        FollowUpDue(row["pk"], row["organisation__name"], Due.of(row["follow_up_due"], today))
        for row in Plan.objects.filter(
            organisation__in=units,
            school_year=school_year,
            status=PlanStatus.PUBLISHED,
            follow_up_due__lte=today + datetime.timedelta(days=LEAD_DAYS),
        )
        .order_by("follow_up_due", "organisation__name")
        .values("pk", "organisation__name", "follow_up_due")
        if row["follow_up_due"] is not None  # always, by the filter; said for the type checker
    ]
    return OrganisationPlanWork(
        school_year=school_year,
        unit_count=len(rows),
        without_plan=[name for name, has_plan in rows if not has_plan],
        late=late,
        follow_ups=follow_ups,
    )


@dataclass
class UnitPlanWork:
    """One unit a leader or coordinator plans for: its plan of the year and what is late."""

    unit: Organisation
    plan: Plan | None
    follow_up: Due | None = None
    late: list[Activity] = field(default_factory=list)
    late_count: int = 0

    @property
    def soonest(self) -> datetime.date | None:
        dates = [a.due_on for a in self.late if a.due_on] + ([self.follow_up.date] if self.follow_up else [])
        return min(dates, default=None)


def led_plan_work(
    huvudman_id: int, paths: list[str], school_year: str, today: datetime.date
) -> list[UnitPlanWork]:
    """Per unit under the paths: the school year's plan (none, a draft to publish, a follow-up
    due within LEAD_DAYS), and its late activities, the longest overdue first. Three queries."""
    units = list(_units(huvudman_id, paths).order_by("name"))
    if not units:
        return []
    plans = {
        p.organisation_id: p for p in Plan.objects.filter(organisation__in=units, school_year=school_year)
    }
    late_all = list(
        Activity.objects.filter(plan__in=list(plans.values()), status__in=OPEN_STATUSES, due_on__lt=today)
        .exclude(plan__status=PlanStatus.DRAFT)
        .order_by("due_on", "title", "pk")
    )
    works = []
    for unit in units:
        plan = plans.get(unit.pk)
        work = UnitPlanWork(unit, plan)
        if plan is not None:
            plan.organisation = unit
            if (
                plan.status == PlanStatus.PUBLISHED
                and plan.follow_up_due is not None
                and plan.follow_up_due <= today + datetime.timedelta(days=LEAD_DAYS)
            ):
                work.follow_up = Due.of(plan.follow_up_due, today)
            late = [a for a in late_all if a.plan_id == plan.pk]
            work.late, work.late_count = late[:NAMED], len(late)
        works.append(work)
    return works


def _own_open_activities(person: Person) -> QuerySet[Activity]:
    """activities_of's activities (owned or taken part in, in plans not in draft) that are still
    open. Written as "owner, or id among the person's participations" rather than a join with
    DISTINCT, so that both sides use their index: the start page asks it of everyone."""
    if not person.is_authenticated or person.huvudman_id is None:
        return Activity.objects.none()
    taking_part = Activity.participants.through.objects.filter(person_id=person.pk).values("activity_id")
    return Activity.objects.filter(
        Q(owner_id=person.pk) | Q(pk__in=taking_part),
        plan__huvudman_id=person.huvudman_id,
        status__in=OPEN_STATUSES,
    ).exclude(plan__status=PlanStatus.DRAFT)


def due_activities(person: Person, today: datetime.date) -> list[tuple[Activity, Due]]:
    """The person's own open activities that are late or due within LEAD_DAYS, the
    SHOWN_ACTIVITIES soonest."""
    found = (
        _own_open_activities(person)
        .filter(due_on__lte=today + datetime.timedelta(days=LEAD_DAYS))
        .select_related("plan__organisation")
        .order_by("due_on", "title", "pk")[:SHOWN_ACTIVITIES]
    )
    return [(a, Due.of(a.due_on, today)) for a in found if a.due_on is not None]


def next_plan_date(
    person: Person, paths: list[str], today: datetime.date
) -> tuple[datetime.date, str, Activity | Plan] | None:
    """The next date ahead from today: the person's own next activity due, or the next follow-up
    of a plan under the paths (the person's planning or strategist memberships)."""
    found: list[tuple[datetime.date, str, Activity | Plan]] = []
    activity = _own_open_activities(person).filter(due_on__gte=today).order_by("due_on", "pk").first()
    if activity is not None and activity.due_on is not None:
        found.append((activity.due_on, "activity", activity))
    if paths and person.huvudman_id is not None:
        reach = Q(pk__in=[])
        for path in paths:
            reach |= Q(organisation__path__startswith=path)
        plan = (
            Plan.objects.filter(
                reach,
                huvudman_id=person.huvudman_id,
                status=PlanStatus.PUBLISHED,
                follow_up_due__gte=today,
            )
            .select_related("organisation")
            .order_by("follow_up_due", "pk")
            .first()
        )
        if plan is not None and plan.follow_up_due is not None:
            found.append((plan.follow_up_due, "follow_up", plan))
    return min(found, key=lambda f: f[0], default=None)
