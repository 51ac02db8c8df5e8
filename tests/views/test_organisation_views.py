import pytest
from django.urls import reverse

from digiplan.audit.models import AuditEvent
from digiplan.organisations import services
from digiplan.organisations.models import Organisation


def test_strategist_creates_a_unit_and_the_write_is_audited(world, client_for):
    client = client_for("strategist")
    response = client.post(
        reverse("organisation_create", args=[world.omrade.pk]),
        {
            "type": "skolenhet",
            "name": "Tallskolan",
            "school_unit_code": "12345678",
            "school_forms": ["GR", "FTH"],
            "pupils": "GR F-3=100, GR 4-6=90",
            "staff_count": "25",
        },
    )
    unit = Organisation.objects.get(school_unit_code="12345678")
    assert response.status_code == 302 and response["Location"] == reverse(
        "organisation_detail", args=[unit.pk]
    )
    assert unit.parent == world.omrade and unit.path == f"{world.omrade.path}{unit.pk}/"
    event = AuditEvent.objects.get(action="organisation.create", object_id=str(unit.pk))
    assert event.actor == world.strategist and event.huvudman == world.huvudman
    page = client.get(response["Location"]).content.decode()
    assert "Tallskolan" in page and "12345678" in page and "190" in page


@pytest.mark.parametrize(
    "code, message", [("1234567", "8 siffror"), ("22222222", "redan skolenhetskod 22222222")]
)
def test_bad_school_unit_codes_are_refused_in_swedish(world, client_for, code, message):
    response = client_for("strategist").post(
        reverse("organisation_create", args=[world.omrade.pk]),
        {"type": "skolenhet", "name": "Ny skola", "school_unit_code": code},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="Ny skola").exists()


def test_moving_a_node_under_its_own_descendant_is_refused(world):
    with pytest.raises(Exception, match="under sig själv"):
        services.organisation_move(actor=None, node=world.forvaltning, new_parent=world.omrade)
    world.forvaltning.refresh_from_db()
    assert world.forvaltning.parent == world.root


def test_moving_an_area_moves_its_whole_subtree(world, client_for):
    second = services.organisation_create(
        actor=None, parent=world.root, type="forvaltning", name="Förskoleförvaltningen"
    )
    response = client_for("strategist").post(
        reverse("organisation_move", args=[world.omrade.pk]), {"new_parent": second.pk}
    )
    assert response.status_code == 302
    world.unit_a.refresh_from_db()
    assert world.unit_a.path == f"{second.path}{world.omrade.pk}/{world.unit_a.pk}/"
    # The leader of unit A still reaches it; the tree follows the move.
    assert (
        client_for("leader_a").get(reverse("organisation_detail", args=[world.unit_a.pk])).status_code == 200
    )


def test_the_move_form_does_not_offer_the_nodes_own_subtree(world, client_for):
    page = (
        client_for("strategist")
        .get(reverse("organisation_move", args=[world.forvaltning.pk]))
        .content.decode()
    )
    assert "Område Norr" not in page and "Almskolan" not in page


@pytest.mark.parametrize(
    "persona, status", [("leader_a", 403), ("staff", 403), ("leader_b", 404), ("other_strategist", 404)]
)
def test_only_strategists_deactivate(world, client_for, persona, status):
    response = client_for(persona).post(reverse("organisation_deactivate", args=[world.unit_a.pk]))
    assert response.status_code == status
    world.unit_a.refresh_from_db()
    assert world.unit_a.is_active


def test_a_deactivated_unit_keeps_its_history_and_can_return(world, client_for):
    client = client_for("strategist")
    client.post(reverse("organisation_deactivate", args=[world.unit_a.pk]))
    world.unit_a.refresh_from_db()
    assert not world.unit_a.is_active and world.unit_a.memberships.count() == 2
    client.get(reverse("home"))  # shows and clears the confirmation message
    tree = client.get(reverse("organisation_tree")).content.decode()
    assert "Almskolan" not in tree
    assert "Almskolan" in client.get(reverse("organisation_tree") + "?inaktiva=1").content.decode()
    client.post(reverse("organisation_reactivate", args=[world.unit_a.pk]))
    world.unit_a.refresh_from_db()
    assert world.unit_a.is_active


def test_a_node_with_active_children_cannot_be_deactivated(world, client_for):
    response = client_for("strategist").post(
        reverse("organisation_deactivate", args=[world.omrade.pk]), follow=True
    )
    assert "Inaktivera eller flytta" in response.content.decode()
    world.omrade.refresh_from_db()
    assert world.omrade.is_active


def test_html_in_names_is_shown_as_text(world, client_for):
    services.organisation_update(actor=None, node=world.unit_a, name="<script>alert(1)</script><b>Alm</b>")
    for url in (reverse("organisation_tree"), reverse("organisation_detail", args=[world.unit_a.pk])):
        page = client_for("strategist").get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Alm&lt;/b&gt;" in page


def test_a_ten_thousand_character_name_is_refused(world, client_for):
    response = client_for("strategist").post(
        reverse("organisation_edit", args=[world.unit_a.pk]),
        {"type": "skolenhet", "name": "x" * 10000, "school_unit_code": "11111111"},
    )
    assert response.status_code == 200 and "som mest 200 tecken" in response.content.decode()


def test_no_huvudman_sees_anothers_tree(world, client_for):
    page = client_for("other_strategist").get(reverse("organisation_tree")).content.decode()
    assert "Ekskolan" in page
    for name in ("Almskolan", "Björkskolan", "Område Norr", "Sjöviks kommun"):
        assert name not in page
    page = client_for("strategist").get(reverse("organisation_tree")).content.decode()
    assert "Ekskolan" not in page


def test_a_unit_leader_sees_only_their_own_unit(world, client_for):
    page = client_for("leader_a").get(reverse("organisation_tree")).content.decode()
    assert "Almskolan" in page and "Björkskolan" not in page and "Område Norr" not in page
