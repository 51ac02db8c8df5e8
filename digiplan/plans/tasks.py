"""E-mail reminders for plans: activity owners before their due dates, and the plan's editors
before the spring follow-up. `manage.py send_plan_reminders` queues them once a day (see
docs/operations.md); a worker sends them.

Each reminder is sent once per date: Activity.due_reminded_on and Plan.follow_up_reminded_on
hold the due date that was reminded about. Running the task twice on a day sends nothing new;
moving a due date (to one again within reach) earns one reminder for the new date. Each person's
mail is sent and recorded in its own small transaction, so a task that fails halfway keeps what
it had already sent, and a rerun sends only the rest.
"""

import datetime
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiplan.organisations.models import Membership, OrganisationType, Person, Role
from digiplan.plans.access import PLANNERS
from digiplan.plans.models import OPEN_STATUSES, Activity, Plan, PlanStatus

log = logging.getLogger(__name__)

REMIND_DAYS = 14


def _link(name: str, kwargs: dict | None, fallback: str) -> str:
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # the plan pages live beside this part
        path = fallback
    return settings.SITE_URL.rstrip("/") + path


def plan_link(plan: Plan) -> str:
    return _link("plan_detail", {"pk": plan.pk}, f"/planer/{plan.pk}/")


def my_activities_link() -> str:
    return _link("my_activities", None, "/mina-aktiviteter/")


def _due_activities(today: datetime.date, days: int):
    """Open activities of published plans, due from today to `days` ahead, with an owner who
    can be mailed, and not yet reminded about this due date."""
    return (
        Activity.objects.filter(
            status__in=OPEN_STATUSES,
            plan__status=PlanStatus.PUBLISHED,
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=days),
            owner__is_active=True,
        )
        .exclude(owner__email="")
        .filter(Q(due_reminded_on__isnull=True) | ~Q(due_reminded_on=F("due_on")))
    )


def _send(connection, person: Person, subject: str, template: str, context: dict) -> None:
    body = render_to_string(template, {"person": person, **context})
    connection.send_messages([EmailMessage(subject, body, None, [person.email])])


def remind_activity_owners(today: datetime.date | None = None, days: int = REMIND_DAYS) -> dict:
    today = today or timezone.localdate()
    owners: dict[int, list[int]] = defaultdict(list)
    for pk, owner_id in (
        _due_activities(today, days).order_by("owner_id", "due_on", "pk").values_list("pk", "owner_id")
    ):
        owners[owner_id].append(pk)
    sent = refused = 0
    if not owners:
        return {"sent": 0, "refused": 0}
    people = Person.objects.in_bulk(list(owners))
    with translation.override("sv"), mailers.default as connection:
        for owner_id, ids in owners.items():
            person = people[owner_id]
            try:
                with transaction.atomic():
                    # Lock and look again: another run, a status change or a new due date may
                    # have come in between.
                    activities = list(
                        _due_activities(today, days)
                        .select_for_update(of=("self",))
                        .filter(pk__in=ids, owner_id=owner_id)
                        .select_related("plan__organisation")
                        .order_by("due_on", "title", "pk")
                    )
                    if not activities:
                        continue
                    subject = ngettext(
                        "Reminder: %(count)s activity due soon",
                        "Reminder: %(count)s activities due soon",
                        len(activities),
                    ) % {"count": len(activities)}
                    _send(
                        connection,
                        person,
                        subject,
                        "plans/email_due_reminder.txt",
                        {
                            "activities": [(a, plan_link(a.plan)) for a in activities],
                            "days": days,
                            "mine": my_activities_link(),
                        },
                    )
                    for activity in activities:
                        Activity.objects.filter(pk=activity.pk).update(due_reminded_on=activity.due_on)
            except smtplib.SMTPRecipientsRefused:
                # One bad address must not stop the others; it is tried again tomorrow.
                log.warning("plan reminders: the mail server refused the address of person %s", owner_id)
                refused += 1
                continue
            sent += 1
    log.info("plan reminders: %s due-date reminders sent, %s refused", sent, refused)
    return {"sent": sent, "refused": refused}


def editors_of(plan: Plan) -> list[Person]:
    """Who is reminded of a plan's follow-up: the leaders and coordinators of its node; for a
    central plan, also the strategists there."""
    roles = list(PLANNERS)
    if plan.organisation.type != OrganisationType.SKOLENHET:
        roles.append(Role.STRATEGIST)
    ids = Membership.objects.filter(organisation=plan.organisation, role__in=roles).values("person_id")
    return list(Person.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("name", "pk"))


def _follow_ups_due(today: datetime.date, days: int):
    return Plan.objects.filter(
        status=PlanStatus.PUBLISHED,
        follow_up_due__gte=today,
        follow_up_due__lte=today + datetime.timedelta(days=days),
    ).filter(Q(follow_up_reminded_on__isnull=True) | ~Q(follow_up_reminded_on=F("follow_up_due")))


def remind_plan_editors(today: datetime.date | None = None, days: int = REMIND_DAYS) -> dict:
    today = today or timezone.localdate()
    ids = list(_follow_ups_due(today, days).order_by("pk").values_list("pk", flat=True))
    sent = refused = 0
    if not ids:
        return {"sent": 0, "refused": 0}
    with translation.override("sv"), mailers.default as connection:
        for pk in ids:
            with transaction.atomic():
                plan = (
                    _follow_ups_due(today, days)
                    .select_for_update(of=("self",))
                    .select_related("organisation")
                    .filter(pk=pk)
                    .first()
                )
                if plan is None:
                    continue
                open_goals = plan.goals.filter(outcome="").count()
                subject = _("Reminder: follow up %(plan)s, %(unit)s by %(date)s") % {
                    "plan": plan.title,
                    "unit": plan.organisation.name,
                    "date": _date(plan.follow_up_due),
                }
                for person in editors_of(plan):
                    try:
                        _send(
                            connection,
                            person,
                            subject,
                            "plans/email_follow_up_reminder.txt",
                            {
                                "plan": plan,
                                "unit": plan.organisation,
                                "link": plan_link(plan),
                                "open_goals": open_goals,
                            },
                        )
                    except smtplib.SMTPRecipientsRefused:
                        log.warning(
                            "plan reminders: the mail server refused the address of person %s", person.pk
                        )
                        refused += 1
                        continue
                    sent += 1
                Plan.objects.filter(pk=plan.pk).update(follow_up_reminded_on=plan.follow_up_due)
    log.info("plan reminders: %s follow-up reminders sent, %s refused", sent, refused)
    return {"sent": sent, "refused": refused}


def _date(day: datetime.date) -> str:
    return date_format(day, "j F Y")


@task
def send_plan_reminders(days: int = REMIND_DAYS) -> dict:
    """Mails each activity owner about their open activities due within `days`, and each
    published plan's editors before its follow-up deadline; each once per date."""
    return {"activities": remind_activity_owners(days=days), "follow_ups": remind_plan_editors(days=days)}
