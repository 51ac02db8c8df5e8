"""Reads of activities: the ones a person carries, the late ones, a plan's activity table, the
year view of the cycle and the personal calendar feed."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.utils import timezone

from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.lib import schoolyear
from digiplan.organisations.models import Person
from digiplan.plans.models import (
    OPEN_STATUSES,
    Activity,
    ActivityStatus,
    CalendarFeed,
    Goal,
    LibraryActivity,
    Plan,
    PlanStatus,
    ProgressNote,
)

# The order a "sort by status" follows: the work still to do first.
STATUS_ORDER = Case(
    *(When(status=s, then=Value(i)) for i, s in enumerate(ActivityStatus.values)), output_field=IntegerField()
)
SORTS: dict[str, tuple[str | OrderBy | Case, ...]] = {
    "due": (F("due_on").asc(nulls_last=True), "title", "pk"),
    "start": (F("starts_on").asc(nulls_last=True), F("due_on").asc(nulls_last=True), "title", "pk"),
    "title": ("title", "pk"),
    "status": (STATUS_ORDER, F("due_on").asc(nulls_last=True), "title", "pk"),
}
# Filter values beyond the stored statuses: "late" is derived from the due date.
LATE = "late"
OPEN = "open"
ALL = "all"


def activities_of(person: Person) -> QuerySet[Activity]:
    """Activities the person owns or takes part in, in plans that have been published."""
    if not person.is_authenticated or person.huvudman_id is None:
        return Activity.objects.none()
    return (
        Activity.objects.filter(
            Q(owner=person) | Q(participants=person), plan__huvudman_id=person.huvudman_id
        )
        .exclude(plan__status=PlanStatus.DRAFT)
        # Carried forward: the same work is listed in the newer plan.
        .exclude(status=ActivityStatus.CARRIED)
        .distinct()
        .select_related("plan__organisation", "goal", "role_title", "owner")
    )


def late(queryset: QuerySet[Activity], day: datetime.date | None = None) -> QuerySet[Activity]:
    day = day or timezone.localdate()
    return queryset.filter(status__in=OPEN_STATUSES, due_on__lt=day)


def with_status(activities: QuerySet[Activity], status: str, today: datetime.date) -> QuerySet[Activity]:
    """The activities with the chosen status, or open, or late; any other value keeps them all."""
    if status == OPEN:
        return activities.filter(status__in=OPEN_STATUSES)
    if status == LATE:
        return late(activities, today)
    if status in ActivityStatus.values:
        return activities.filter(status=status)
    return activities


def activity_for_reader(person: Person, pk: int) -> Activity | None:
    """The activity with what its pages show beside it, if it is of the person's huvudman."""
    if person.huvudman_id is None:
        return None
    return (
        Activity.objects.filter(pk=pk, plan__huvudman_id=person.huvudman_id)
        .select_related(
            "plan__organisation",
            "plan__huvudman",
            "goal",
            "role_title",
            "owner",
            "library_activity",
            "carried_from__plan",
        )
        .first()
    )


def participants_of(activity: Activity) -> QuerySet[Person]:
    return activity.participants.all()


def progress_notes(activity: Activity) -> QuerySet[ProgressNote]:
    """The activity's history of progress notes, with their authors."""
    return activity.notes.select_related("author")


def plan_goal(plan: Plan, pk: str) -> Goal | None:
    """One of the plan's goals by the id a form or address names; None for anything else."""
    return plan.goals.filter(pk=int(pk)).first() if pk.isdigit() else None


def published_library_entry(plan: Plan, pk: int) -> LibraryActivity | None:
    return LibraryActivity.objects.filter(pk=pk, huvudman_id=plan.huvudman_id, is_published=True).first()


def activity_owners(plan: Plan) -> QuerySet[Person]:
    """The people who own an activity of the plan: the choices of the owner filter."""
    return Person.objects.filter(owned_activities__plan=plan).distinct().order_by("name")


def plan_activity_table(
    plan: Plan,
    *,
    status: str,
    goal: Goal | None,
    owner: Person | None,
    role: Any,
    sort: str,
    today: datetime.date,
) -> list[Activity]:
    """The plan's activities as the table filters and sorts them."""
    shown = with_status(plan.activities.all(), status, today)
    if goal:
        shown = shown.filter(goal=goal)
    if owner:
        shown = shown.filter(owner=owner)
    if role:
        shown = shown.filter(role_title=role)
    return list(shown.order_by(*SORTS[sort]).select_related("goal", "role_title", "owner"))


def status_counts(plan: Plan, today: datetime.date) -> dict[str, Any]:
    """How many of the plan's activities have each status, and how many are late."""
    counts: dict[str, Any] = plan.activities.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        **{s: Count("pk", filter=Q(status=s)) for s in ActivityStatus.values},
    )
    counts["rows"] = [{"value": s, "label": label, "count": counts[s]} for s, label in ActivityStatus.choices]
    return counts


# ---- The calendar feed ------------------------------------------------------------------------


def calendar_feed_person(secret: str) -> Person | None:
    """The active person whose feed has this secret."""
    feed = CalendarFeed.objects.filter(secret=secret, person__is_active=True).select_related("person").first()
    return feed.person if feed is not None else None


def calendar_secret(person: Person) -> str | None:
    """The person's feed secret, if they made one."""
    return CalendarFeed.objects.filter(person=person).values_list("secret", flat=True).first()


def calendar_activities(person: Person) -> QuerySet[Activity]:
    """What the person's calendar shows: their activities that have a due date."""
    return activities_of(person).filter(due_on__isnull=False).order_by("due_on", "pk")


# ---- The year view -----------------------------------------------------------------------------


@dataclass
class Month:
    first: datetime.date
    events: list[dict[str, Any]]


def year_campaigns(huvudman_id: int, *, strategist: bool) -> QuerySet[Campaign]:
    """The campaigns the year view shows: a campaign not yet opened is the strategists' draft."""
    campaigns = Campaign.objects.filter(huvudman_id=huvudman_id)
    return campaigns if strategist else campaigns.exclude(status=CampaignStatus.DRAFT)


def year_view(plans: QuerySet[Plan], school_year: str, campaigns: QuerySet[Campaign]) -> list[Month]:
    """The yearly cycle month by month (July to June): the self-assessment opening and closing,
    activity due dates of every plan, and the follow-up deadlines."""
    first, last = schoolyear.bounds(school_year)
    plans = plans.filter(school_year=school_year).select_related("organisation")
    events = [
        *_campaign_events(campaigns, first, last),
        *_follow_up_events(plans),
        *_activity_events(plans, first, last),
    ]
    months = []
    for offset in range(12):
        year, month = first.year + (first.month - 1 + offset) // 12, (first.month - 1 + offset) % 12 + 1
        months.append(Month(first=datetime.date(year, month, 1), events=[]))
    for event in sorted(events, key=lambda e: (e["date"], e["kind"], e["title"])):
        if first <= event["date"] <= last:
            index = (event["date"].year - first.year) * 12 + event["date"].month - first.month
            months[index].events.append(event)
    return months


def _campaign_events(
    campaigns: QuerySet[Campaign], first: datetime.date, last: datetime.date
) -> list[dict[str, Any]]:
    events = []
    for campaign in campaigns.filter(opens_on__lte=last, closes_on__gte=first):
        for kind, day in (("campaign_opens", campaign.opens_on), ("campaign_closes", campaign.closes_on)):
            events.append({"date": day, "kind": kind, "title": str(campaign), "campaign": campaign})
    return events


def _follow_up_events(plans: QuerySet[Plan]) -> list[dict[str, Any]]:
    return [
        {
            "date": plan.follow_up_due,
            "kind": "follow_up",
            "title": plan.title,
            "plan": plan,
            "unit": plan.organisation,
        }
        for plan in plans
        if plan.follow_up_due
    ]


def _activity_events(
    plans: QuerySet[Plan], first: datetime.date, last: datetime.date
) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "date": activity.due_on,
            "kind": "activity",
            "title": activity.title,
            "plan": activity.plan,
            "unit": activity.plan.organisation,
            "activity": activity,
            "late": activity.is_late_on(today),
        }
        for activity in Activity.objects.filter(plan__in=plans, due_on__range=(first, last)).select_related(
            "plan__organisation", "owner"
        )
    ]
