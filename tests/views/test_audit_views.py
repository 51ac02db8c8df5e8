from django.urls import reverse

from digiplan.organisations import services


def test_strategists_browse_and_filter_their_own_trail(world, client_for):
    services.organisation_update(actor=world.strategist, node=world.unit_a, name="Almskolan 2")
    services.organisation_update(actor=world.other_strategist, node=world.other_unit,
                                 name="Ekskolan 2")
    page = client_for("strategist").get(reverse("audit_list")).content.decode()
    assert "Almskolan 2" in page and "name: Almskolan → Almskolan 2" in page
    assert "Ekskolan" not in page
    filtered = client_for("strategist").get(reverse("audit_list") + "?typ=person").content.decode()
    assert "Almskolan 2" not in filtered and "Per Personal" in filtered
    by_actor = client_for("strategist").get(reverse("audit_list") + "?vem=Sara").content.decode()
    assert "Almskolan 2" in by_actor and "Per Personal" not in by_actor


def test_every_service_write_leaves_an_audit_row_in_its_transaction(world):
    from digiplan.audit.models import AuditEvent

    count = AuditEvent.objects.count()
    services.organisation_move(actor=world.strategist, node=world.unit_b, new_parent=world.forvaltning)
    services.organisation_deactivate(actor=world.strategist, node=world.unit_b)
    services.person_update(actor=world.strategist, person=world.staff, name="Per P")
    assert AuditEvent.objects.count() == count + 3
    assert set(AuditEvent.objects.order_by("-id")[:3].values_list("action", flat=True)) == {
        "organisation.move", "organisation.deactivate", "person.update"}
