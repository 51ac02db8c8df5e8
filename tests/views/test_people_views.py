import pytest
from django.urls import reverse

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import Membership, Person, Role


def test_strategist_adds_a_person_and_gives_a_role(world, client_for):
    client = client_for("strategist")
    response = client.post(
        reverse("person_create"), {"name": "Ida Nilsson", "email": "Ida.Nilsson@Sjovik.test"}
    )
    ida = Person.objects.get(email="ida.nilsson@sjovik.test")
    assert response["Location"] == reverse("person_detail", args=[ida.pk])
    assert ida.huvudman == world.huvudman and not ida.has_usable_password()
    client.post(
        reverse("person_detail", args=[ida.pk]), {"organisation": world.unit_b.pk, "role": Role.COORDINATOR}
    )
    assert ida.memberships.get().organisation == world.unit_b
    assert AuditEvent.objects.filter(action="membership.create", actor=world.strategist).exists()
    assert "Ida Nilsson" in client.get(reverse("people_list") + "?q=ida").content.decode()


def test_an_email_in_use_is_refused_without_saying_by_whom(world, client_for):
    response = client_for("strategist").post(
        reverse("person_create"), {"name": "Kopia", "email": "strateg@friskolan.test"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "kan inte användas" in page and "Olle" not in page


def test_another_huvudmans_people_are_out_of_reach(world, client_for):
    client = client_for("other_strategist")
    assert client.get(reverse("person_detail", args=[world.staff.pk])).status_code == 404
    membership = world.staff.memberships.get()
    assert client.post(reverse("membership_delete", args=[membership.pk])).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    page = client.get(reverse("people_list")).content.decode()
    assert "Per Personal" not in page and "Olle Annan" in page


def test_a_role_from_another_huvudman_cannot_be_given(world, client_for):
    response = client_for("strategist").post(
        reverse("person_detail", args=[world.staff.pk]),
        {"organisation": world.other_unit.pk, "role": Role.STAFF},
    )
    assert response.status_code == 200
    assert not world.staff.memberships.filter(organisation=world.other_unit).exists()


def test_removing_a_role_is_audited(world, client_for):
    membership = world.staff.memberships.get()
    client_for("strategist").post(reverse("membership_delete", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.get(action="membership.delete").actor == world.strategist


def test_the_last_strategist_role_cannot_remove_itself(world, client_for):
    membership = world.strategist.memberships.get()
    client_for("strategist").post(reverse("membership_delete", args=[membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_role_titles_rename_roles_for_the_huvudman(world, client_for):
    client = client_for("strategist")
    client.post(reverse("role_titles"), {"role": Role.COORDINATOR, "name": "IT-pedagog"})
    client.post(reverse("role_titles"), {"role": Role.COORDINATOR, "name": "it-pedagog"})
    assert world.huvudman.role_titles.count() == 1
    title = world.huvudman.role_titles.get()
    client.post(
        reverse("person_detail", args=[world.staff.pk]),
        {"organisation": world.unit_a.pk, "role": Role.COORDINATOR, "title": title.pk},
    )
    assert "IT-pedagog" in client.get(reverse("organisation_detail", args=[world.unit_a.pk])).content.decode()
    # Another huvudman neither sees nor can use it.
    assert "IT-pedagog" not in client_for("other_strategist").get(reverse("role_titles")).content.decode()


@pytest.mark.parametrize("persona", ["leader_a", "staff"])
def test_people_pages_are_for_strategists(world, client_for, persona):
    assert (
        client_for(persona)
        .post(reverse("person_create"), {"name": "X", "email": "x@sjovik.test"})
        .status_code
        == 403
    )
    assert not Person.objects.filter(email="x@sjovik.test").exists()


def test_a_person_who_left_is_deactivated_and_cannot_sign_in(world, client_for):
    from django.test import Client

    from tests.conftest import PASSWORD

    client_for("strategist").post(reverse("person_set_active", args=[world.staff.pk]), {"active": "0"})
    world.staff.refresh_from_db()
    assert not world.staff.is_active
    assert AuditEvent.objects.filter(action="person.update", object_id=str(world.staff.pk)).exists()
    response = Client().post(reverse("login"), {"username": world.staff.email, "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect home
    client_for("strategist").post(reverse("person_set_active", args=[world.staff.pk]), {"active": "1"})
    world.staff.refresh_from_db()
    assert world.staff.is_active


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("other_strategist", 404)])
def test_only_the_huvudmans_strategists_deactivate_people(world, client_for, persona, status):
    response = client_for(persona).post(reverse("person_set_active", args=[world.staff.pk]), {"active": "0"})
    assert response.status_code == status
    world.staff.refresh_from_db()
    assert world.staff.is_active


def test_a_strategist_cannot_deactivate_themselves(world, client_for):
    client_for("strategist").post(reverse("person_set_active", args=[world.strategist.pk]), {"active": "0"})
    world.strategist.refresh_from_db()
    assert world.strategist.is_active
