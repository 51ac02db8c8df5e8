"""The plan services refuse bad input with a clear error and lose nothing; carry-forward copies
only what it should; every write leaves an audit row with its actor."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from digiplan.audit.models import AuditEvent
from digiplan.frameworks.exchange import import_framework
from digiplan.organisations.services import role_title_save
from digiplan.plans import services
from digiplan.plans.models import (
    Activity,
    ActivityStatus,
    Goal,
    GoalOrigin,
    GoalOutcome,
    Plan,
    PlanStatus,
    ProgressNote,
)
from tests.assessment_helpers import INDICATORS, build_campaign

SEPT, JUNE = datetime.date(2026, 9, 1), datetime.date(2027, 6, 1)
HTML = '<script>alert("x")</script><b>fet</b> & "citat"'
ONE_MB = "x" * 1_000_000


@pytest.fixture
def plan(world):
    return services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2026/27")


@pytest.fixture
def items(world):
    return build_campaign(world, open_it=False).items


def messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def create_activity(world, plan, **kwargs):
    values = {"actor": world.leader_a, "plan": plan, "title": "Aktivitet", **kwargs}
    return services.activity_create(**values)


# ---- Bad input ---------------------------------------------------------------------------------


def test_due_before_start_is_refused(world, plan):
    with pytest.raises(ValidationError) as error:
        create_activity(world, plan, starts_on=JUNE, due_on=SEPT)
    assert str(services.ERROR_DUE_BEFORE_START) in messages(error.value)
    assert not Activity.objects.exists()


@pytest.mark.parametrize("field", ["owner", "participants"])
@pytest.mark.parametrize("who", ["leader_b", "other_strategist"])
def test_a_person_from_another_unit_or_huvudman_is_refused(world, plan, field, who):
    person = getattr(world, who)
    value = person if field == "owner" else [person]
    with pytest.raises(ValidationError) as error:
        create_activity(world, plan, **{field: value})
    assert field in error.value.message_dict
    assert person.name in messages(error.value)
    assert not Activity.objects.exists()


def test_people_of_the_unit_and_above_it_may_be_named(world, plan):
    activity = create_activity(
        world, plan, owner=world.staff, participants=[world.leader_a, world.strategist]
    )
    assert set(activity.participants.all()) == {world.leader_a, world.strategist}


def test_a_role_title_of_another_huvudman_is_refused(world, plan):
    foreign = role_title_save(
        actor=None, huvudman=world.other_huvudman, role="coordinator", name="IT-pedagog"
    )
    with pytest.raises(ValidationError) as error:
        create_activity(world, plan, role_title=foreign)
    assert "role_title" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.library_create(
            actor=world.strategist, huvudman=world.huvudman, title="X", role_title=foreign
        )


def test_items_of_another_huvudmans_framework_are_refused(world, plan, items):
    foreign = import_framework(INDICATORS, huvudman=world.other_huvudman, actor=None, publish=True).items.get(
        code="KOMP"
    )
    with pytest.raises(ValidationError) as error:
        services.goal_create(actor=world.leader_a, plan=plan, title="Mål", items=[foreign])
    assert "items" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.library_create(actor=world.strategist, huvudman=world.huvudman, title="X", items=[foreign])
    with pytest.raises(ValidationError):
        services.suggestion_dismiss(actor=world.leader_a, plan=plan, item=foreign)
    assert not Goal.objects.exists()
    services.goal_create(actor=world.leader_a, plan=plan, title="Eget", items=[items["KOMP"]])


def _followed_up(world, plan):
    goal = services.goal_create(actor=world.leader_a, plan=plan, title="Mål")
    activity = create_activity(world, plan, goal=goal)
    services.plan_publish(actor=world.leader_a, plan=plan)
    services.goal_follow_up(
        actor=world.leader_a, goal=goal, revision=None, outcome=GoalOutcome.ACHIEVED, reflection="Bra."
    )
    plan = services.plan_follow_up(actor=world.leader_a, plan=plan, summary="Klart.")
    return plan, goal, activity


def test_a_followed_up_plan_cannot_be_changed(world, plan):
    plan, goal, activity = _followed_up(world, plan)
    attempts = [
        lambda: services.plan_update(actor=world.leader_a, plan=plan, revision=None, title="Ny"),
        lambda: services.goal_create(actor=world.leader_a, plan=plan, title="Nytt mål"),
        lambda: services.goal_update(actor=world.leader_a, goal=goal, revision=None, title="Ny"),
        lambda: services.goal_delete(actor=world.leader_a, goal=goal),
        lambda: create_activity(world, plan),
        lambda: services.activity_progress(actor=world.leader_a, activity=activity, note="Sent"),
        lambda: services.activity_delete(actor=world.leader_a, activity=activity),
        lambda: services.plan_follow_up(actor=world.leader_a, plan=plan, summary="Igen"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert str(services.ERROR_FOLLOWED_UP) in messages(error.value)
    plan.refresh_from_db()
    assert plan.title != "Ny" and plan.summary == "Klart."
    assert list(plan.goals.values_list("title", flat=True)) == ["Mål"]
    assert plan.activities.count() == 1 and not ProgressNote.objects.exists()


def test_a_stale_plan_save_raises_a_conflict_and_overwrites_nothing(world, plan):
    opened = plan.revision
    services.plan_update(
        actor=world.strategist,
        plan=plan,
        revision=opened,
        title="Strategens titel",
        introduction="Strategens text",
    )
    with pytest.raises(services.PlanConflict) as conflict:
        services.plan_update(
            actor=world.leader_a,
            plan=plan,
            revision=opened,
            title="Rektorns titel",
            introduction="Rektorns text",
        )
    assert conflict.value.code == "stale"
    assert conflict.value.current.title == "Strategens titel"
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.title, stored.introduction) == ("Strategens titel", "Strategens text")
    assert stored.revision == opened + 1


def test_a_stale_activity_or_goal_save_raises_a_conflict(world, plan):
    goal = services.goal_create(actor=world.leader_a, plan=plan, title="Mål")
    activity = create_activity(world, plan, goal=goal)
    services.activity_update(actor=world.strategist, activity=activity, revision=0, title="Först", goal=goal)
    with pytest.raises(services.PlanConflict) as conflict:
        services.activity_update(actor=world.leader_a, activity=activity, revision=0, title="Sist", goal=goal)
    assert conflict.value.current.title == "Först"
    with pytest.raises(services.PlanConflict):
        services.activity_progress(actor=world.leader_a, activity=activity, note="Hej", revision=0)
    assert Activity.objects.get(pk=activity.pk).title == "Först"
    assert not ProgressNote.objects.exists()
    services.goal_update(actor=world.strategist, goal=goal, revision=0, title="Mål A")
    with pytest.raises(services.PlanConflict) as conflict:
        services.goal_update(actor=world.leader_a, goal=goal, revision=0, title="Mål B")
    assert conflict.value.current.title == "Mål A"
    assert Goal.objects.get(pk=goal.pk).title == "Mål A"


def test_html_is_stored_verbatim(world, plan):
    """Escaping is the views' job: the service keeps exactly what was typed."""
    services.plan_update(actor=world.leader_a, plan=plan, revision=None, title=HTML, introduction=HTML)
    goal = services.goal_create(
        actor=world.leader_a, plan=plan, title=HTML, description=HTML, target_text=HTML
    )
    activity = create_activity(world, plan, title=HTML, description=HTML, goal=goal)
    services.activity_progress(actor=world.leader_a, activity=activity, note=HTML)
    entry = services.library_create(
        actor=world.strategist, huvudman=world.huvudman, title=HTML, description=HTML
    )
    plan.refresh_from_db()
    goal.refresh_from_db()
    activity.refresh_from_db()
    assert plan.title == plan.introduction == HTML
    assert goal.title == goal.description == goal.target_text == HTML
    assert activity.title == activity.description == HTML
    assert activity.notes.get().text == HTML
    assert entry.title == entry.description == HTML


def test_a_one_megabyte_note_is_refused(world, plan):
    activity = create_activity(world, plan)
    with pytest.raises(ValidationError) as error:
        services.activity_progress(actor=world.leader_a, activity=activity, note=ONE_MB)
    assert "note" in error.value.message_dict
    assert not ProgressNote.objects.exists()
    assert Activity.objects.get(pk=activity.pk).revision == activity.revision
    services.goal_create(actor=world.leader_a, plan=plan, title="Mål")
    services.plan_publish(actor=world.leader_a, plan=plan)
    with pytest.raises(ValidationError):
        services.activity_follow_up(actor=world.leader_a, activity=activity, done=True, note=ONE_MB)
    with pytest.raises(ValidationError):
        services.plan_follow_up(actor=world.leader_a, plan=plan, summary=ONE_MB)
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.PLANNED


def test_one_megabyte_texts_are_refused(world, plan):
    refused = 0
    for call in (
        lambda: services.plan_update(
            actor=world.leader_a, plan=plan, revision=None, title="Plan", introduction=ONE_MB
        ),
        lambda: services.goal_create(actor=world.leader_a, plan=plan, title="Mål", description=ONE_MB),
        lambda: create_activity(world, plan, title="Ny", description=ONE_MB),
    ):
        try:
            call()
        except ValidationError as error:
            assert "10000" in messages(error)
            refused += 1
    assert refused == 3
    plan.refresh_from_db()
    assert plan.introduction != ONE_MB and not plan.goals.filter(description=ONE_MB).exists()


def test_an_empty_note_without_status_is_refused(world, plan):
    activity = create_activity(world, plan)
    with pytest.raises(ValidationError) as error:
        services.activity_progress(actor=world.leader_a, activity=activity, note="   ")
    assert str(services.ERROR_NOTE_EMPTY) in messages(error.value)


def test_a_second_plan_for_the_same_unit_and_year_is_refused(world, plan):
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2026/27")
    assert "school_year" in error.value.message_dict
    assert Plan.objects.count() == 1


def test_an_area_gets_no_plan(world):
    with pytest.raises(ValidationError):
        services.plan_create(actor=world.strategist, organisation=world.omrade, school_year="2026/27")


def test_a_goal_of_another_plan_is_refused(world, plan):
    other = services.plan_create(actor=world.leader_b, organisation=world.unit_b, school_year="2026/27")
    foreign_goal = services.goal_create(actor=world.leader_b, plan=other, title="B:s mål")
    with pytest.raises(ValidationError) as error:
        create_activity(world, plan, goal=foreign_goal)
    assert "goal" in error.value.message_dict


# ---- Carry-forward -----------------------------------------------------------------------------


@pytest.fixture
def last_year(world, items):
    old = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2025/26")
    goal = services.goal_create(
        actor=world.leader_a,
        plan=old,
        title="Trygg med verktygen",
        items=[items["KOMP.P1"]],
        baseline_text="medel 2,1",
        target_text="medel 3",
    )
    other_goal = services.goal_create(actor=world.leader_a, plan=old, title="Klart mål")
    made = {
        status: create_activity(
            world,
            old,
            title=f"Aktivitet {status}",
            goal=goal,
            status=status,
            owner=world.staff,
            participants=[world.leader_a],
        )
        for status in ActivityStatus.values
        if status != ActivityStatus.CARRIED  # set only by carrying forward
    }
    made["loose"] = create_activity(world, old, title="Utan mål")
    made["other_goal_done"] = create_activity(
        world, old, title="Gjord", goal=other_goal, status=ActivityStatus.DONE
    )
    return old, goal, made


def test_carry_forward_copies_the_chosen_unfinished_activities_and_their_goal_once(world, last_year):
    old, goal, made = last_year
    chosen = [made[ActivityStatus.PLANNED], made[ActivityStatus.ONGOING], made["loose"]]
    plan = services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year="2026/27", carry=chosen
    )
    assert plan.previous == old
    copies = {a.title: a for a in plan.activities.all()}
    assert set(copies) == {"Aktivitet planned", "Aktivitet ongoing", "Utan mål"}
    [copied_goal] = plan.goals.all()
    assert copied_goal.title == "Trygg med verktygen" and copied_goal.origin == GoalOrigin.CARRIED
    assert copied_goal.baseline_text == "medel 2,1" and copied_goal.target_text == "medel 3"
    assert list(copied_goal.items.all()) == list(goal.items.all())
    for status in (ActivityStatus.PLANNED, ActivityStatus.ONGOING):
        copy = copies[f"Aktivitet {status}"]
        assert copy.goal == copied_goal and copy.status == status
        assert copy.carried_from == made[status] and copy.owner == world.staff
        assert list(copy.participants.all()) == [world.leader_a]
    assert copies["Utan mål"].goal is None
    # The earlier plan keeps its own.
    assert old.activities.count() == 6 and old.goals.count() == 2
    event = AuditEvent.objects.filter(action="plan.create", object_id=str(plan.pk)).get()
    assert event.actor == world.leader_a and event.changes["after"]["carried"] == 3


@pytest.mark.parametrize("status", [ActivityStatus.DONE, ActivityStatus.CANCELLED])
def test_finished_activities_are_not_carried(world, last_year, status):
    _old, _goal, made = last_year
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=world.leader_a, organisation=world.unit_a, school_year="2026/27", carry=[made[status]]
        )
    assert str(services.ERROR_CARRY) in messages(error.value)
    assert not Plan.objects.filter(school_year="2026/27").exists()


def test_another_units_activity_is_not_carried(world, last_year):
    b_old = services.plan_create(actor=world.leader_b, organisation=world.unit_b, school_year="2025/26")
    foreign = create_activity(world, b_old, title="B:s aktivitet")
    with pytest.raises(ValidationError):
        services.plan_create(
            actor=world.leader_a, organisation=world.unit_a, school_year="2026/27", carry=[foreign]
        )
    assert not Plan.objects.filter(school_year="2026/27").exists()
    assert Activity.objects.filter(carried_from__isnull=False).count() == 0


def test_a_later_plans_activity_is_not_carried_back(world, last_year):
    newer = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2027/28")
    later = create_activity(world, newer, title="Framtida")
    with pytest.raises(ValidationError):
        services.plan_create(
            actor=world.leader_a, organisation=world.unit_a, school_year="2026/27", carry=[later]
        )


# ---- Publishing and follow-up ------------------------------------------------------------------


def test_publishing_needs_a_goal(world, plan):
    with pytest.raises(ValidationError) as error:
        services.plan_publish(actor=world.leader_a, plan=plan)
    assert str(services.ERROR_EMPTY_PLAN) in messages(error.value)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    services.goal_create(actor=world.leader_a, plan=plan, title="Mål")
    assert services.plan_publish(actor=world.leader_a, plan=plan).status == PlanStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.plan_publish(actor=world.leader_a, plan=plan)


def test_the_follow_up_needs_every_outcome(world, plan):
    first = services.goal_create(actor=world.leader_a, plan=plan, title="Första")
    services.goal_create(actor=world.leader_a, plan=plan, title="Andra målet")
    with pytest.raises(ValidationError):  # a draft is not followed up
        services.plan_follow_up(actor=world.leader_a, plan=plan, summary="")
    services.plan_publish(actor=world.leader_a, plan=plan)
    services.goal_follow_up(actor=world.leader_a, goal=first, revision=None, outcome=GoalOutcome.ACHIEVED)
    with pytest.raises(ValidationError) as error:
        services.plan_follow_up(actor=world.leader_a, plan=plan, summary="Sammanfattning")
    assert "Andra målet" in messages(error.value) and "Första" not in messages(error.value)
    stored = Plan.objects.get(pk=plan.pk)
    assert stored.status == PlanStatus.PUBLISHED and stored.summary == ""
    with pytest.raises(ValidationError):
        services.goal_follow_up(actor=world.leader_a, goal=first, revision=None, outcome="bra")


# ---- Audit -------------------------------------------------------------------------------------


def test_every_write_leaves_an_audit_row_with_its_actor(world, plan, items):
    def audited(action, actor, call):
        before = AuditEvent.objects.filter(action=action).count()
        result = call()
        events = AuditEvent.objects.filter(action=action)
        assert events.count() == before + 1, action
        event = events.latest("pk")
        assert event.actor == actor and event.huvudman == world.huvudman, action
        return result

    leader, strategist = world.leader_a, world.strategist
    assert AuditEvent.objects.get(action="plan.create").actor == leader
    audited(
        "plan.update",
        leader,
        lambda: services.plan_update(actor=leader, plan=plan, revision=None, title="Vår plan"),
    )
    goal = audited(
        "goal.create",
        leader,
        lambda: services.goal_create(actor=leader, plan=plan, title="Mål", items=[items["KOMP"]]),
    )
    audited(
        "goal.update",
        strategist,
        lambda: services.goal_update(actor=strategist, goal=goal, revision=None, title="Mål 2"),
    )
    audited(
        "goal.dismiss_suggestion",
        leader,
        lambda: services.suggestion_dismiss(actor=leader, plan=plan, item=items["LED.L1"]),
    )
    entry = audited(
        "library.create",
        strategist,
        lambda: services.library_create(
            actor=strategist, huvudman=world.huvudman, title="Exempel", publish=True
        ),
    )
    audited(
        "library.update",
        strategist,
        lambda: services.library_update(
            actor=strategist, entry=entry, revision=None, title="Exempel 2", publish=True
        ),
    )
    activity = audited(
        "activity.create",
        leader,
        lambda: services.activity_from_library(actor=leader, plan=plan, library_activity=entry, goal=goal),
    )
    audited(
        "activity.update",
        leader,
        lambda: services.activity_update(
            actor=leader, activity=activity, revision=None, title="Ändrad", goal=goal, owner=world.staff
        ),
    )
    extra = audited("activity.create", leader, lambda: create_activity(world, plan))
    audited("activity.delete", leader, lambda: services.activity_delete(actor=leader, activity=extra))
    audited("plan.publish", leader, lambda: services.plan_publish(actor=leader, plan=plan))
    audited(
        "activity.progress",
        world.staff,
        lambda: services.activity_progress(
            actor=world.staff, activity=activity, status=ActivityStatus.ONGOING, note="Igång"
        ),
    )
    audited(
        "activity.follow_up",
        leader,
        lambda: services.activity_follow_up(actor=leader, activity=activity, done=True, note="Klar"),
    )
    audited(
        "goal.follow_up",
        leader,
        lambda: services.goal_follow_up(actor=leader, goal=goal, revision=None, outcome=GoalOutcome.PARTLY),
    )
    audited(
        "plan.follow_up",
        leader,
        lambda: services.plan_follow_up(actor=leader, plan=plan, summary="Summering"),
    )
    audited("calendar.create", world.staff, lambda: services.calendar_feed_secret(person=world.staff))
    audited("library.delete", strategist, lambda: services.library_delete(actor=strategist, entry=entry))
    # The copy in the plan stays when its example is deleted.
    assert Activity.objects.filter(pk=activity.pk, library_activity__isnull=True).exists()


def test_a_suggested_goal_whose_example_activity_is_refused_is_not_added_either(world):
    from decimal import Decimal

    from tests.plan_helpers import build_plan

    fx = build_plan(world, publish=False)
    withdrawn = services.library_create(
        actor=world.strategist, huvudman=world.huvudman, title="Tillbakadragen", publish=False
    )
    goals, audited = fx.plan.goals.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.goal_from_suggestion(
            actor=world.leader_a,
            plan=fx.plan,
            item=fx.items["KOMP.L1"],
            title="Föreslaget mål",
            baseline=Decimal("2.00"),
            baseline_text="Ledningens skattning: Planerad (2)",
            target=Decimal("3.00"),
            target_text="Påbörjad (3)",
            library_activities=[fx.entry, withdrawn],
        )
    assert refused.value.messages == [str(services.ERROR_LIBRARY)]
    assert fx.plan.goals.count() == goals
    assert not fx.plan.activities.filter(library_activity=fx.entry).exclude(pk=fx.activity.pk).exists()
    assert AuditEvent.objects.count() == audited
