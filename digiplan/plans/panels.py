"""What plans adds to the start page (organisations.hooks): a strategist's units without a plan
or with late activities and the follow-ups due; the plan to write, publish or follow up and the
late activities of the units a leader or coordinator plans for; a person's own activities due;
and, when there is nothing to do, the next activity or follow-up date."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from digiplan.lib import schoolyear
from digiplan.organisations import access
from digiplan.organisations.hooks import NextDate, StartPagePanel
from digiplan.organisations.models import Person, Role
from digiplan.plans.access import PLANNERS
from digiplan.plans.models import Activity, PlanStatus
from digiplan.plans.selectors import start


def organisation_plans_panel(person: Person) -> StartPagePanel | None:
    if person.huvudman_id is None or not access.is_strategist(person):
        return None
    today = timezone.localdate()
    paths = access.membership_paths(person, (Role.STRATEGIST,))
    work = start.organisation_plan_work(person.huvudman_id, paths, schoolyear.of(today), today)
    if work.is_empty:
        return None
    dates = [u.since for u in work.late] + [f.due.date for f in work.follow_ups]
    return StartPagePanel(
        "plans/_start_organisation.html",
        {"work": work, "named": start.NAMED},
        work=True,
        due=min(dates, default=None),
    )


def unit_plans_panel(person: Person) -> StartPagePanel | None:
    paths = access.membership_paths(person, PLANNERS)
    if not paths or person.huvudman_id is None:
        return None
    today = timezone.localdate()
    works = start.led_plan_work(person.huvudman_id, paths, schoolyear.of(today), today)
    to_do = [
        w for w in works if w.plan is None or w.plan.status == PlanStatus.DRAFT or w.follow_up or w.late_count
    ]
    if not to_do:
        return None
    dates = [w.soonest for w in to_do if w.soonest is not None]
    return StartPagePanel(
        "plans/_start_units.html",
        {
            "works": to_do,
            "school_year": schoolyear.of(today),
            # One unit: its late activities by name; many (a coordinator of an area): a count each.
            "single": len(to_do) == 1,
        },
        work=True,
        due=min(dates, default=None),
    )


def own_activities_panel(person: Person) -> StartPagePanel | None:
    if not person.is_authenticated:
        return None
    found = start.due_activities(person, timezone.localdate())
    if not found:
        return None
    return StartPagePanel(
        "plans/_start_activities.html",
        {"activities": found, "lead_days": start.LEAD_DAYS},
        work=True,
        due=found[0][1].date,
    )


def next_plan_date(person: Person) -> NextDate | None:
    paths = access.membership_paths(person, (Role.STRATEGIST, *PLANNERS))
    found = start.next_plan_date(person, paths, timezone.localdate())
    if found is None:
        return None
    day, kind, thing = found
    if isinstance(thing, Activity):
        return NextDate(
            day,
            _("%(activity)s is due") % {"activity": thing.title},
            reverse("activity_detail", args=[thing.pk]),
        )
    return NextDate(
        day,
        _("Follow-up of the plan of %(unit)s") % {"unit": thing.organisation.name},
        reverse("plan_follow_up", args=[thing.pk]),
    )
