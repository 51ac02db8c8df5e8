"""E-mail reminders: owners before due dates, editors before the follow-up; each once per date,
in Swedish, and never for finished work or finished plans."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from digiplan.organisations import services as org_services
from digiplan.organisations.models import Role
from digiplan.plans import services, tasks
from digiplan.plans.models import ActivityStatus, GoalOutcome, Plan
from tests.plan_helpers import build_plan

DUE = datetime.date(2027, 3, 31)  # the due date of build_plan's activity
BEFORE_DUE = datetime.date(2027, 3, 20)
BEFORE_FOLLOW_UP = datetime.date(2027, 5, 20)  # the plan's follow-up is due 31 May 2027
DATABASE_TASKS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


@pytest.fixture
def fx(world):
    return build_plan(world)


def mails_to(email):
    return [m for m in mail.outbox if email in m.to]


def test_the_owner_is_reminded_once_in_swedish_with_links(fx, world):
    result = tasks.remind_activity_owners(today=BEFORE_DUE)
    assert result == {"sent": 1, "refused": 0}
    [message] = mail.outbox
    assert message.to == [world.staff.email]
    body = message.body
    assert "Hej Per Personal!" in body  # Swedish greeting
    assert "Studiecirkel om lärplattformen" in body
    assert "Almskolan" in body
    assert "31 mars 2027" in body  # Swedish date
    assert f"/planer/{fx.plan.pk}/" in body
    assert "<" not in body.replace("<b>", "")  # plain text, no HTML escaping artefacts
    fx.activity.refresh_from_db()
    assert fx.activity.due_reminded_on == DUE

    assert tasks.remind_activity_owners(today=BEFORE_DUE) == {"sent": 0, "refused": 0}
    assert tasks.remind_activity_owners(today=BEFORE_DUE + datetime.timedelta(days=1)) == {
        "sent": 0,
        "refused": 0,
    }
    assert len(mail.outbox) == 1


def test_one_mail_lists_all_of_a_persons_activities(fx, world):
    services.activity_create(
        actor=world.leader_a,
        plan=fx.plan,
        title="Andra aktiviteten",
        owner=world.staff,
        due_on=DUE - datetime.timedelta(days=3),
    )
    tasks.remind_activity_owners(today=BEFORE_DUE)
    [message] = mail.outbox
    assert "Studiecirkel om lärplattformen" in message.body
    assert "Andra aktiviteten" in message.body


def test_a_moved_due_date_gets_its_own_reminder(fx, world):
    tasks.remind_activity_owners(today=BEFORE_DUE)
    activity = fx.activity
    activity.refresh_from_db()
    services.activity_update(
        actor=world.leader_a,
        activity=activity,
        revision=activity.revision,
        title=activity.title,
        goal=fx.goal,
        owner=world.staff,
        starts_on=activity.starts_on,
        due_on=DUE + datetime.timedelta(days=2),
    )
    assert tasks.remind_activity_owners(today=BEFORE_DUE)["sent"] == 1
    assert len(mails_to(world.staff.email)) == 2


def test_nothing_outside_the_window(fx):
    assert tasks.remind_activity_owners(today=DUE - datetime.timedelta(days=15))["sent"] == 0
    assert tasks.remind_activity_owners(today=DUE + datetime.timedelta(days=1))["sent"] == 0
    assert tasks.remind_activity_owners(today=DUE - datetime.timedelta(days=30), days=30)["sent"] == 1
    assert not mails_to("rektor.a@sjovik.test")


@pytest.mark.parametrize("status", [ActivityStatus.DONE, ActivityStatus.CANCELLED])
def test_no_reminder_for_finished_activities(fx, world, status):
    services.activity_progress(actor=world.staff, activity=fx.activity, status=status)
    assert tasks.remind_activity_owners(today=BEFORE_DUE)["sent"] == 0
    assert mail.outbox == []


def test_no_reminder_from_a_draft(world):
    fx = build_plan(world, publish=False)
    assert tasks.remind_activity_owners(today=BEFORE_DUE)["sent"] == 0
    assert tasks.remind_plan_editors(today=BEFORE_FOLLOW_UP)["sent"] == 0
    assert fx.plan.status == "draft" and mail.outbox == []


def test_no_reminder_for_an_inactive_owner(fx, world):
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    assert tasks.remind_activity_owners(today=BEFORE_DUE)["sent"] == 0


def _coordinator(world):
    person = org_services.person_create(
        actor=None, huvudman=world.huvudman, name="Cia Pedagog", email="pedagog.a@sjovik.test"
    )
    org_services.membership_create(
        actor=None, person=person, organisation=world.unit_a, role=Role.COORDINATOR
    )
    return person


def test_the_editors_are_reminded_of_the_follow_up_once(fx, world):
    coordinator = _coordinator(world)
    result = tasks.remind_plan_editors(today=BEFORE_FOLLOW_UP)
    assert result == {"sent": 2, "refused": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.leader_a.email, coordinator.email])
    message = mails_to(world.leader_a.email)[0]
    assert "Hej Anna Rektor!" in message.body
    assert "Almskolan" in message.subject and "31 maj 2027" in message.subject
    assert f"/planer/{fx.plan.pk}/" in message.body
    assert Plan.objects.get(pk=fx.plan.pk).follow_up_reminded_on == datetime.date(2027, 5, 31)
    # Staff, the other unit's leader and the strategist are not the plan's editors here.
    for person in (world.staff, world.leader_b, world.strategist, world.other_strategist):
        assert not mails_to(person.email)

    assert tasks.remind_plan_editors(today=BEFORE_FOLLOW_UP)["sent"] == 0
    assert len(mail.outbox) == 2


def test_no_follow_up_reminder_for_a_followed_up_plan(fx, world):
    services.goal_follow_up(actor=world.leader_a, goal=fx.goal, revision=None, outcome=GoalOutcome.ACHIEVED)
    services.plan_follow_up(actor=world.leader_a, plan=fx.plan, summary="Klart.")
    assert tasks.remind_plan_editors(today=BEFORE_FOLLOW_UP)["sent"] == 0
    assert tasks.remind_activity_owners(today=BEFORE_DUE)["sent"] == 0
    assert mail.outbox == []


def _due_soon(world):
    """A published plan with an activity due in a week and a follow-up due in ten days,
    counted from the real today (the command takes no date)."""
    today = timezone.localdate()
    plan = services.plan_create(
        actor=world.leader_b,
        organisation=world.unit_b,
        school_year="2026/27",
        follow_up_due=today + datetime.timedelta(days=10),
    )
    goal = services.goal_create(actor=world.leader_b, plan=plan, title="Ett mål")
    services.activity_create(
        actor=world.leader_b,
        plan=plan,
        goal=goal,
        title="Snart klar",
        owner=world.leader_b,
        due_on=today + datetime.timedelta(days=7),
    )
    return services.plan_publish(actor=world.leader_b, plan=plan)


def test_the_command_sends_at_once_with_the_immediate_backend(world):
    _due_soon(world)
    out = io.StringIO()
    call_command("send_plan_reminders", stdout=out)
    assert "Påminnelser skickade: 1 om aktiviteter, 1 om uppföljningar." in out.getvalue()
    assert len(mails_to(world.leader_b.email)) == 2
    out = io.StringIO()
    call_command("send_plan_reminders", stdout=out)
    assert "0 om aktiviteter, 0 om uppföljningar" in out.getvalue()
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_the_command_only_queues_with_the_database_backend(world):
    _due_soon(world)
    with DATABASE_TASKS:
        out = io.StringIO()
        call_command("send_plan_reminders", "--days", "30", stdout=out)
    assert "köade" in out.getvalue()
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "digiplan.plans.tasks.send_plan_reminders"
    assert task.args_kwargs == {"args": [], "kwargs": {"days": 30}}
