"""The activity pages: the plan's table with filters and sorting, creating (by hand and from an
example activity), reading with the notes' history, editing with conflict detection, recording
progress, deleting, and "Mina aktiviteter"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Role
from digiplan.organisations.services import role_title_save
from digiplan.plans import services
from digiplan.plans.models import Activity, ActivityStatus, ProgressNote
from tests.conftest import _person
from tests.plan_helpers import build_plan


def _titles(response) -> list[str]:
    """The activity titles in the table, in the order shown."""
    return re.findall(r'<th scope="row"><a href="/aktiviteter/\d+/">([^<]*)</a>', response.content.decode())


def _add(world, plan, title, **fields):
    return services.activity_create(actor=world.leader_a, plan=plan, title=title, **fields)


def _form(fx, **fields):
    data = {
        "title": "Pedagogiska caféer",
        "description": "",
        "goal": fx.goal.pk,
        "role_title": "",
        "owner": "",
        "starts_on": "2026-10-01",
        "due_on": "2026-12-15",
        "status": "planned",
        "revision": "",
    }
    data.update(fields)
    return data


def _colleague(world):
    """A second staff member of unit A who is named on nothing."""
    return _person(world.huvudman, "Karin Kollega", "kollega@sjovik.test", world.unit_a, Role.STAFF)


# ---- The plan's table ---------------------------------------------------------------------------


@pytest.fixture
def table(world):
    fx = build_plan(world)
    plan = fx.plan
    title = role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog")
    other_goal = services.goal_create(actor=world.leader_a, plan=plan, title="Digital källkritik")
    _add(
        world,
        plan,
        "Bokcirkel",
        goal=other_goal,
        owner=world.leader_a,
        starts_on=datetime.date(2026, 8, 20),
        due_on=datetime.date(2026, 8, 25),
        status=ActivityStatus.ONGOING,
    )  # late: due long ago, still open
    _add(
        world,
        plan,
        "Avslutad kurs",
        role_title=title,
        due_on=datetime.date(2030, 1, 10),
        status=ActivityStatus.DONE,
    )
    _add(world, plan, "Ångrad plan", status=ActivityStatus.CANCELLED)
    return fx, other_goal, title


def test_readers_see_every_activity_sorted_by_due_date_with_counts(world, client_for, table):
    fx, _goal, _title = table
    response = client_for("staff").get(reverse("plan_activities", args=[fx.plan.pk]))
    assert response.status_code == 200
    # No due date sorts last.
    assert _titles(response) == ["Bokcirkel", fx.activity.title, "Avslutad kurs", "Ångrad plan"]
    assert (
        "4 av 4 aktiviteter visas" in response.content.decode()
        or "4 of 4 activities shown" in response.content.decode()
    )
    assert response.context["counts"]["late"] == 1
    assert response.context["counts"]["done"] == 1
    assert response.context["shown_count"] == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "late"}, ["Bokcirkel"]),
        ({"status": "open"}, ["Bokcirkel", "Studiecirkel om lärplattformen"]),
        ({"status": "done"}, ["Avslutad kurs"]),
        ({"status": "cancelled"}, ["Ångrad plan"]),
        ({"sort": "title"}, ["Avslutad kurs", "Bokcirkel", "Studiecirkel om lärplattformen", "Ångrad plan"]),
        # Planned, ongoing, done, cancelled: the work still to do first.
        ({"sort": "status"}, ["Studiecirkel om lärplattformen", "Bokcirkel", "Avslutad kurs", "Ångrad plan"]),
        ({"sort": "start"}, ["Bokcirkel", "Studiecirkel om lärplattformen", "Avslutad kurs", "Ångrad plan"]),
    ],
)
def test_the_table_filters_and_sorts_by_the_query_string(world, client_for, table, query, expected):
    fx, _goal, _title = table
    response = client_for("leader_a").get(reverse("plan_activities", args=[fx.plan.pk]), query)
    assert _titles(response) == expected


def test_filters_by_goal_person_and_role_and_keeps_the_chosen_values(world, client_for, table):
    fx, other_goal, role = table
    client = client_for("leader_a")
    url = reverse("plan_activities", args=[fx.plan.pk])
    assert _titles(client.get(url, {"goal": other_goal.pk})) == ["Bokcirkel"]
    assert _titles(client.get(url, {"owner": world.staff.pk})) == [fx.activity.title]
    response = client.get(url, {"role": role.pk, "sort": "title"})
    assert _titles(response) == ["Avslutad kurs"]
    page = response.content.decode()
    assert f'<option value="{role.pk}" selected>' in page
    assert '<option value="title" selected>' in page
    assert response.context["counts"]["total"] == 4  # the counts are the whole plan's


def test_an_unknown_filter_value_filters_nothing(world, client_for, table):
    fx, _goal, _title = table
    response = client_for("leader_a").get(
        reverse("plan_activities", args=[fx.plan.pk]), {"status": "<b>", "goal": "999999"}
    )
    assert response.status_code == 200
    assert len(_titles(response)) == 4
    assert "<b>" not in response.content.decode()


def test_a_draft_plans_activities_are_hidden_from_staff(world, client_for):
    fx = build_plan(world, publish=False)
    assert client_for("staff").get(reverse("plan_activities", args=[fx.plan.pk])).status_code == 404
    assert client_for("leader_a").get(reverse("plan_activities", args=[fx.plan.pk])).status_code == 200


# ---- Create -------------------------------------------------------------------------------------


def test_a_leader_adds_an_activity_with_people_and_an_audit_row(world, client_for):
    fx = build_plan(world)
    response = client_for("leader_a").post(
        reverse("activity_create", args=[fx.plan.pk]),
        {**_form(fx, owner=world.staff.pk), "participants": [world.leader_a.pk]},
    )
    activity = Activity.objects.get(title="Pedagogiska caféer")
    assert response.status_code == 302
    assert response["Location"] == reverse("activity_detail", args=[activity.pk])
    assert activity.owner == world.staff and activity.goal == fx.goal
    assert list(activity.participants.all()) == [world.leader_a]
    assert activity.due_on == datetime.date(2026, 12, 15)
    assert AuditEvent.objects.filter(action="activity.create", object_id=str(activity.pk)).exists()


def test_the_goal_in_the_address_is_chosen_in_the_form(world, client_for):
    fx = build_plan(world)
    response = client_for("leader_a").get(reverse("activity_create", args=[fx.plan.pk]), {"goal": fx.goal.pk})
    assert f'<option value="{fx.goal.pk}" selected>' in response.content.decode()
    # A goal of some other plan is not offered, and is not chosen.
    response = client_for("leader_a").get(reverse("activity_create", args=[fx.plan.pk]), {"goal": "999999"})
    assert response.status_code == 200 and "selected>" + fx.goal.title not in response.content.decode()


def test_a_due_date_before_the_start_is_refused_at_the_due_field(world, client_for):
    fx = build_plan(world)
    response = client_for("leader_a").post(
        reverse("activity_create", args=[fx.plan.pk]), _form(fx, starts_on="2026-12-01", due_on="2026-11-01")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["due_on"] == [str(services.ERROR_DUE_BEFORE_START)]
    page = response.content.decode()
    assert 'aria-describedby="id_due_on_error"' in page
    assert 'value="2026-12-01"' in page and 'value="2026-11-01"' in page
    assert not Activity.objects.filter(title="Pedagogiska caféer").exists()


@pytest.mark.parametrize("who", ["leader_b", "other_strategist"])
def test_a_person_from_another_unit_or_huvudman_cannot_be_named(world, client_for, who):
    fx = build_plan(world)
    stranger = getattr(world, who)
    response = client_for("leader_a").post(
        reverse("activity_create", args=[fx.plan.pk]),
        {**_form(fx, owner=stranger.pk), "participants": [stranger.pk]},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"owner", "participants"}
    assert stranger.name not in response.content.decode()  # not even offered as a choice
    assert not Activity.objects.filter(title="Pedagogiska caféer").exists()


def test_the_service_names_the_field_when_a_person_leaves_before_the_save(world, client_for, monkeypatch):
    """The form offered the person; by the time of the save the service refuses them."""
    fx = build_plan(world)
    real = services.activities._check_people

    def person_gone(plan, people, field):
        if field == "owner" and people and people[0] is not None:
            raise services.ValidationError({"owner": services.ERROR_PERSON % {"name": people[0].name}})
        return real(plan, people, field)

    monkeypatch.setattr(services.activities, "_check_people", person_gone)
    response = client_for("leader_a").post(
        reverse("activity_create", args=[fx.plan.pk]), _form(fx, owner=world.staff.pk)
    )
    assert response.status_code == 200
    assert "Per Personal" in response.context["form"].errors["owner"][0]


def test_html_in_the_title_and_description_is_shown_as_text(world, client_for):
    fx = build_plan(world)
    client = client_for("leader_a")
    title = '<script>alert("x")</script>'
    client.post(
        reverse("activity_create", args=[fx.plan.pk]), _form(fx, title=title, description="<b>fet</b>")
    )
    activity = Activity.objects.get(title=title)
    for url in (
        reverse("activity_detail", args=[activity.pk]),
        reverse("plan_activities", args=[fx.plan.pk]),
        reverse("activity_edit", args=[activity.pk]),
    ):
        page = client.get(url).content.decode()
        assert title not in page and "<b>fet</b>" not in page, url
        assert escape(title) in page


def test_a_megabyte_description_is_refused_and_kept_in_the_form(world, client_for):
    fx = build_plan(world)
    text = "Lång text. " * 95_000  # a little over 1 MB
    response = client_for("leader_a").post(
        reverse("activity_create", args=[fx.plan.pk]), _form(fx, description=text)
    )
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert text.strip() in response.content.decode()
    assert not Activity.objects.filter(title="Pedagogiska caféer").exists()


def test_staff_may_not_add_activities_and_other_units_see_nothing(world, client_for):
    fx = build_plan(world)
    url = reverse("activity_create", args=[fx.plan.pk])
    assert client_for("staff").post(url, _form(fx)).status_code == 403
    assert client_for("leader_b").post(url, _form(fx)).status_code == 404
    assert client_for("other_strategist").post(url, _form(fx)).status_code == 404
    assert not Activity.objects.filter(title="Pedagogiska caféer").exists()


def test_a_followed_up_plan_takes_no_new_activities(world, client_for):
    fx = build_plan(world)
    services.goal_follow_up(actor=world.leader_a, goal=fx.goal, revision=None, outcome="achieved")
    services.plan_follow_up(actor=world.leader_a, plan=fx.plan, summary="Klart.")
    response = client_for("leader_a").post(reverse("activity_create", args=[fx.plan.pk]), _form(fx))
    assert response.status_code == 302
    assert not Activity.objects.filter(title="Pedagogiska caféer").exists()


def test_a_followed_up_plans_activities_are_read_only(world, client_for):
    fx = build_plan(world)
    services.goal_follow_up(actor=world.leader_a, goal=fx.goal, revision=None, outcome="achieved")
    services.plan_follow_up(actor=world.leader_a, plan=fx.plan, summary="Klart.")
    detail = reverse("activity_detail", args=[fx.activity.pk])
    page = client_for("staff").get(detail)
    assert page.status_code == 200 and page.context["can_update"] is False
    response = client_for("staff").post(
        reverse("activity_progress", args=[fx.activity.pk]), {"status": "done"}
    )
    assert response["Location"] == detail
    assert client_for("leader_a").get(reverse("activity_edit", args=[fx.activity.pk]))["Location"] == detail
    fx.activity.refresh_from_db()
    assert fx.activity.status == ActivityStatus.PLANNED and not ProgressNote.objects.exists()


# ---- From the library ---------------------------------------------------------------------------


def test_an_example_activity_is_copied_and_opened_for_editing(world, client_for):
    fx = build_plan(world)
    response = client_for("leader_a").post(
        reverse("activity_from_library", args=[fx.plan.pk, fx.entry.pk]), {"goal": fx.goal.pk}
    )
    copy = Activity.objects.exclude(pk=fx.activity.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activity_edit", args=[copy.pk])
    assert (copy.library_activity, copy.goal, copy.title) == (fx.entry, fx.goal, fx.entry.title)


def test_only_published_examples_of_the_own_huvudman_are_copied(world, client_for):
    fx = build_plan(world)
    draft = services.library_create(actor=world.strategist, huvudman=world.huvudman, title="Utkast")
    foreign = services.library_create(
        actor=world.other_strategist, huvudman=world.other_huvudman, title="Annans", publish=True
    )
    client = client_for("leader_a")
    for entry in (draft, foreign):
        url = reverse("activity_from_library", args=[fx.plan.pk, entry.pk])
        assert client.post(url).status_code == 404
    url = reverse("activity_from_library", args=[fx.plan.pk, fx.entry.pk])
    assert client_for("staff").post(url).status_code == 403
    assert Activity.objects.count() == 1


# ---- Detail and progress ------------------------------------------------------------------------


def test_the_detail_page_shows_the_notes_history(world, client_for):
    fx = build_plan(world)
    services.activity_progress(
        actor=world.staff, activity=fx.activity, status=ActivityStatus.ONGOING, note="Första träffen hölls."
    )
    services.activity_progress(actor=world.leader_a, activity=fx.activity, note="Bra jobbat!")
    response = client_for("staff").get(reverse("activity_detail", args=[fx.activity.pk]))
    page = response.content.decode()
    assert page.index("Bra jobbat!") < page.index("Första träffen hölls.")  # newest first
    assert "Per Personal" in page and "Anna Rektor" in page
    assert response.context["can_update"] is True  # the owner records progress
    assert response.context["can_edit"] is False
    assert f'action="{reverse("activity_progress", args=[fx.activity.pk])}"' in page


def test_a_reader_who_is_not_named_sees_no_progress_form(world, client_for):
    fx = build_plan(world)
    colleague = _colleague(world)
    client = client_for("staff")
    client.force_login(colleague)
    response = client.get(reverse("activity_detail", args=[fx.activity.pk]))
    assert response.status_code == 200 and response.context["can_update"] is False


def test_a_staff_member_not_named_on_the_activity_may_not_record_progress(world, client_for):
    fx = build_plan(world)
    client = client_for("staff")
    client.force_login(_colleague(world))
    response = client.post(
        reverse("activity_progress", args=[fx.activity.pk]), {"status": "done", "note": ""}
    )
    assert response.status_code == 403
    fx.activity.refresh_from_db()
    assert fx.activity.status == ActivityStatus.PLANNED
    assert not ProgressNote.objects.exists()


def test_a_participant_records_progress_with_a_note(world, client_for):
    fx = build_plan(world)
    activity = _add(world, fx.plan, "Workshop", participants=[world.staff])
    response = client_for("staff").post(
        reverse("activity_progress", args=[activity.pk]), {"status": "ongoing", "note": "Vi har börjat."}
    )
    assert response.status_code == 302
    note = ProgressNote.objects.get(activity=activity)
    assert (note.text, note.status, note.author) == ("Vi har börjat.", "ongoing", world.staff)


def test_progress_without_a_note_or_a_new_status_is_refused(world, client_for):
    fx = build_plan(world)
    response = client_for("staff").post(
        reverse("activity_progress", args=[fx.activity.pk]), {"status": "planned", "note": "  "}
    )
    assert response.status_code == 200
    assert response.context["progress_form"].errors
    assert not ProgressNote.objects.exists()


def test_a_too_long_note_is_refused_and_kept(world, client_for):
    fx = build_plan(world)
    note = "Anteckning " * 600
    response = client_for("staff").post(
        reverse("activity_progress", args=[fx.activity.pk]), {"status": "ongoing", "note": note}
    )
    assert response.status_code == 200
    assert "note" in response.context["progress_form"].errors
    assert note.strip() in response.content.decode()
    fx.activity.refresh_from_db()
    assert fx.activity.status == ActivityStatus.PLANNED


def test_progress_goes_back_only_to_an_address_on_this_site(world, client_for):
    fx = build_plan(world)
    response = client_for("staff").post(
        reverse("activity_progress", args=[fx.activity.pk]),
        {"status": "ongoing", "next": "https://evil.test/"},
    )
    assert response["Location"] == reverse("activity_detail", args=[fx.activity.pk])


# ---- Edit and the conflict case -----------------------------------------------------------------


def _edit_data(response, **changes):
    """What the edit page posts back, from the values it showed."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "participants":
            data[name] = [str(v) for v in value or []]
        else:
            data[name] = (
                "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
            )
        if hasattr(data[name], "pk"):
            data[name] = data[name].pk
    data.update(changes)
    return data


def test_an_editor_changes_an_activity(world, client_for):
    fx = build_plan(world)
    client = client_for("leader_a")
    url = reverse("activity_edit", args=[fx.activity.pk])
    response = client.post(url, _edit_data(client.get(url), title="Ny titel", status="ongoing"))
    assert response.status_code == 302
    fx.activity.refresh_from_db()
    assert (fx.activity.title, fx.activity.status, fx.activity.owner) == ("Ny titel", "ongoing", world.staff)
    assert AuditEvent.objects.filter(action="activity.update").exists()


def test_the_second_save_sees_both_versions_and_the_first_stays(world, client_for):
    fx = build_plan(world)
    url = reverse("activity_edit", args=[fx.activity.pk])
    anna, sara = client_for("leader_a"), client_for("strategist")
    annas_page, saras_page = anna.get(url), sara.get(url)

    assert anna.post(url, _edit_data(annas_page, title="Annas titel")).status_code == 302
    response = sara.post(url, _edit_data(saras_page, title="Saras titel", description="Saras beskrivning"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Annas titel" in page and "Saras titel" in page and "Saras beskrivning" in page
    rows = {row["label"]: row for row in response.context["conflict"]}
    title_row = next(row for row in rows.values() if row["mine"] == "Saras titel")
    assert title_row["stored"] == "Annas titel" and title_row["differs"]
    fx.activity.refresh_from_db()
    assert fx.activity.title == "Annas titel"

    # Having seen both, Sara saves on purpose: the form now carries the stored revision.
    again = sara.post(url, _edit_data(response))
    assert again.status_code == 302
    fx.activity.refresh_from_db()
    assert fx.activity.title == "Saras titel"


def test_only_editors_open_the_edit_page(world, client_for):
    fx = build_plan(world)
    url = reverse("activity_edit", args=[fx.activity.pk])
    assert client_for("staff").get(url).status_code == 403
    assert client_for("staff").post(url, {"title": "x"}).status_code == 403
    assert client_for("leader_b").get(url).status_code == 404


# ---- Delete -------------------------------------------------------------------------------------


def test_an_editor_deletes_after_confirming(world, client_for):
    fx = build_plan(world)
    url = reverse("activity_delete", args=[fx.activity.pk])
    assert client_for("staff").post(url).status_code == 403
    client = client_for("leader_a")
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response["Location"] == reverse("plan_activities", args=[fx.plan.pk])
    assert not Activity.objects.exists()
    assert AuditEvent.objects.filter(action="activity.delete").exists()


# ---- Mina aktiviteter ---------------------------------------------------------------------------


def test_my_activities_lists_the_open_ones_across_units_by_due_date(world, client_for):
    fx = build_plan(world)
    _add(world, fx.plan, "Tidigt", participants=[world.staff], due_on=datetime.date(2026, 10, 1))
    _add(world, fx.plan, "Redan klart", owner=world.staff, status=ActivityStatus.DONE)
    _add(world, fx.plan, "Någon annans", owner=world.leader_a)
    response = client_for("staff").get(reverse("my_activities"))
    assert _titles(response) == ["Tidigt", fx.activity.title]
    page = response.content.decode()
    assert fx.plan.title in page and "Almskolan" in page and fx.goal.title in page
    response = client_for("staff").get(reverse("my_activities"), {"status": "all"})
    assert set(_titles(response)) == {"Tidigt", fx.activity.title, "Redan klart"}
    response = client_for("staff").get(reverse("my_activities"), {"status": "done"})
    assert _titles(response) == ["Redan klart"]


def test_my_activities_says_late_in_words(world, client_for):
    fx = build_plan(world)
    _add(world, fx.plan, "Försenad sak", owner=world.staff, due_on=datetime.date(2020, 1, 1))
    response = client_for("staff").get(reverse("my_activities"), {"status": "late"})
    assert _titles(response) == ["Försenad sak"]
    assert 'class="badge badge-late"' in response.content.decode()
    assert response.context["late_count"] == 1


def test_staff_marks_their_activity_done_from_my_activities(world, client_for):
    fx = build_plan(world)
    client = client_for("staff")
    page = client.get(reverse("my_activities"))
    assert f'action="{reverse("activity_progress", args=[fx.activity.pk])}"' in page.content.decode()
    response = client.post(
        reverse("activity_progress", args=[fx.activity.pk]),
        {"status": "done", "next": reverse("my_activities")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("my_activities")
    fx.activity.refresh_from_db()
    assert fx.activity.status == ActivityStatus.DONE
    note = ProgressNote.objects.get(activity=fx.activity)
    assert (note.status, note.author) == (ActivityStatus.DONE, world.staff)
    event = AuditEvent.objects.get(action="activity.progress", object_id=str(fx.activity.pk))
    assert event.actor == world.staff
    # Done activities leave the default list.
    assert _titles(client.get(reverse("my_activities"))) == []


def test_my_activities_leave_out_draft_plans(world, client_for):
    build_plan(world, publish=False)
    assert _titles(client_for("staff").get(reverse("my_activities"))) == []


def test_my_activities_show_the_calendar_address_once_there_is_one(world, client_for):
    build_plan(world)
    client = client_for("staff")
    assert client.get(reverse("my_activities")).context["calendar_url"] is None
    secret = services.calendar_feed_secret(person=world.staff)
    url = client.get(reverse("my_activities")).context["calendar_url"]
    assert url == f"http://testserver/kalender/{secret}.ics"
