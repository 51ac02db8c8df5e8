"""A person's data: exported whole, erased without breaking the organisation's history."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from digiplan.assessments.models import Participation
from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Membership, Person
from digiplan.organisations.services import person_update
from digiplan.plans import services as plan_services
from digiplan.plans.models import Activity, ProgressNote
from tests.conftest import PASSWORD
from tests.plan_helpers import build_plan

pytestmark = pytest.mark.django_db


def _names_in_audit(person_name: str, email: str) -> list[AuditEvent]:
    return [
        e
        for e in AuditEvent.objects.all()
        if person_name in f"{e.actor_label}{e.object_label}{json.dumps(e.changes, ensure_ascii=False)}"
        or email in f"{e.actor_label}{e.object_label}{json.dumps(e.changes, ensure_ascii=False)}"
    ]


def test_strategist_downloads_everything_stored_about_a_person(world, client_for):
    fx = build_plan(world)
    plan_services.activity_progress(
        actor=world.staff, activity=fx.activity, note="Halvvägs", status="ongoing"
    )
    response = client_for("strategist").get(reverse("person_data_export", args=[world.staff.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["person"]["email"] == "personal@sjovik.test"
    assert [m["organisation"] for m in data["memberships"]] == ["Almskolan"]
    assert [a["title"] for a in data["activities"]] == [fx.activity.title]
    assert [n["text"] for n in data["progress_notes"]] == ["Halvvägs"]
    assert data["self_assessments"][0]["unit"] == "Almskolan"
    # Answers are never linked to the person: nothing in the file can carry them.
    assert "answers" not in json.dumps(data)
    assert AuditEvent.objects.filter(action="person.export_data", object_id=str(world.staff.pk)).exists()


def test_the_person_downloads_their_own_data_and_nobody_elses(world, client_for):
    response = client_for("staff").get(reverse("my_data_export"))
    assert json.loads(response.content)["person"]["name"] == "Per Personal"
    for persona in ("leader_a", "staff"):
        assert (
            client_for(persona).get(reverse("person_data_export", args=[world.staff.pk])).status_code == 403
        )
    assert (
        client_for("other_strategist").get(reverse("person_data_export", args=[world.staff.pk])).status_code
        == 404
    )
    assert client_for("anonymous").get(reverse("my_data_export")).status_code == 302


def test_erasure_removes_the_person_everywhere_and_keeps_the_history(world, client_for):
    fx = build_plan(world)
    plan_services.activity_progress(actor=world.staff, activity=fx.activity, note="Klar snart")
    plan_services.calendar_feed_secret(person=world.staff)
    asked = Participation.objects.filter(campaign=fx.campaign).count()
    assert _names_in_audit("Per Personal", "personal@sjovik.test")

    client = client_for("strategist")
    url = reverse("person_erase", args=[world.staff.pk])
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"confirm_email": "fel@sjovik.test"})
    assert wrong.status_code == 200 and "e-postadress" in wrong.content.decode()
    assert Person.objects.get(pk=world.staff.pk).name == "Per Personal"

    assert client.post(url, {"confirm_email": "Personal@sjovik.test"}).status_code == 302
    person = Person.objects.get(pk=world.staff.pk)
    assert person.name.startswith("Raderad person") and not person.is_active
    assert "sjovik" not in person.email and not person.has_usable_password()
    assert not Membership.objects.filter(person=person).exists()
    assert Activity.objects.get(pk=fx.activity.pk).owner is None
    assert ProgressNote.objects.get(activity=fx.activity).author_name.startswith("Raderad")
    assert not _names_in_audit("Per Personal", "personal@sjovik.test")
    # Response rates of earlier campaigns stay true.
    assert Participation.objects.filter(campaign=fx.campaign).count() == asked
    assert (
        client_for("anonymous")
        .post(reverse("login"), {"username": "personal@sjovik.test", "password": "x"})
        .status_code
        == 200
    )


def test_erasure_is_for_the_own_huvudmans_strategists_and_never_oneself(world, client_for):
    url = reverse("person_erase", args=[world.staff.pk])
    assert client_for("leader_a").post(url, {"confirm_email": "personal@sjovik.test"}).status_code == 403
    assert (
        client_for("other_strategist").post(url, {"confirm_email": "personal@sjovik.test"}).status_code == 404
    )
    own = client_for("strategist").post(
        reverse("person_erase", args=[world.strategist.pk]), {"confirm_email": "strateg@sjovik.test"}
    )
    assert own.status_code == 200 and "dig själv" in own.content.decode()
    assert Person.objects.get(pk=world.staff.pk).is_active


def test_the_export_holds_sign_ins_lockouts_sessions_and_the_audit_events_about_them(
    world, client_for, settings
):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    fx = build_plan(world)
    login = reverse("login")
    assert (
        Client(REMOTE_ADDR="198.51.100.10")
        .post(login, {"username": "personal@sjovik.test", "password": PASSWORD})
        .status_code
        == 302
    )
    guesser = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post(login, {"username": "Personal@sjovik.test", "password": "fel"})
    plan_services.activity_progress(actor=world.staff, activity=fx.activity, note="Halvvägs")
    person_update(
        actor=world.strategist,
        person=world.staff,
        name="Per Personal",
        email="personal@sjovik.test",
        external_id="ext-1",
    )

    data = json.loads(
        client_for("strategist").get(reverse("person_data_export", args=[world.staff.pk])).content
    )
    assert [s["address"] for s in data["sign_ins"]] == ["198.51.100.10"]
    assert len(data["failed_sign_ins"]) == settings.AXES_FAILURE_LIMIT
    assert data["failed_sign_ins"][-1]["locked_out"]
    (lockout,) = data["sign_in_lockouts"]
    assert lockout["address"] == "203.0.113.66" and lockout["locked"]
    assert len(data["sessions"]) == 1
    actions = {(e["action"], e["by_the_person"]) for e in data["audit_trail"]}
    assert {
        ("activity.progress", True),
        ("person.update", False),
        ("membership.create", False),
        ("person.create", False),
    } <= actions


def test_the_export_lists_every_other_record_linked_to_the_person(world, client_for):
    fx = build_plan(world)
    data = json.loads(client_for("leader_a").get(reverse("my_data_export")).content)
    assert {"type": "plan", "id": fx.plan.pk, "link": "created by", "record": str(fx.plan)} in data[
        "other_records"
    ]
