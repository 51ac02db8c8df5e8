from django.urls import reverse

from digiplan.frameworks.models import Item
from digiplan.organisations.services import role_title_save
from tests.framework_helpers import build_frameworks


def test_the_chain_reaches_the_national_strategy(world, client_for):
    fw = build_frameworks(world)
    page = client_for("staff").get(reverse("item_chain", args=[fw.published_item.pk])).content.decode()
    assert "1.2 Personal har kompetens" in page
    assert "Digital kompetens för alla i skolväsendet" in page  # the sub-goal's focus area


def test_the_national_item_lists_what_cites_it_within_the_huvudman_only(world, client_for):
    fw = build_frameworks(world)
    national_item = Item.objects.get(version=fw.national, code="1.2")
    page = client_for("strategist").get(reverse("item_chain", args=[national_item.pk])).content.decode()
    assert "Sjöviks digitaliseringsplan" in page
    assert "Friskolans digitaliseringsplan" not in page
    other = client_for("other_strategist").get(reverse("item_chain", args=[national_item.pk]))
    assert "Friskolans digitaliseringsplan" in other.content.decode()
    assert "Sjöviks digitaliseringsplan" not in other.content.decode()


def test_my_responsibilities_follow_the_roles(world, client_for):
    build_frameworks(world)
    staff = client_for("staff").get(reverse("my_responsibilities")).content.decode()
    assert "Ansvara för min egen digitala kompetens." in staff
    assert "Planera kompetensutveckling" not in staff
    leader = client_for("leader_a").get(reverse("my_responsibilities")).content.decode()
    assert "Planera kompetensutveckling för personalen." in leader and "Almskolan" in leader
    strategist = client_for("strategist").get(reverse("my_responsibilities")).content.decode()
    assert "Säkra likvärdig tillgång." in strategist


def test_drafts_do_not_count_as_responsibilities(world, client_for):
    fw = build_frameworks(world)
    from digiplan.frameworks import services

    services.responsibility_save(
        actor=world.strategist, version=fw.draft, role="staff", text="Bara i utkastet"
    )
    assert "Bara i utkastet" not in client_for("staff").get(reverse("my_responsibilities")).content.decode()


def test_another_huvudmans_frameworks_stay_hidden(world, client_for):
    fw = build_frameworks(world)
    page = client_for("strategist").get(reverse("framework_list")).content.decode()
    assert "Sjöviks digitaliseringsplan" in page and "Friskolans" not in page
    assert client_for("strategist").get(reverse("version_detail", args=[fw.other.pk])).status_code == 404


def test_role_titles_are_highlighted(world, client_for):
    build_frameworks(world)
    title = role_title_save(actor=None, huvudman=world.huvudman, role="unit_leader", name="Rektor")
    membership = world.leader_a.memberships.get()
    membership.title = title
    membership.save()
    page = client_for("leader_a").get(reverse("my_responsibilities")).content.decode()
    assert 'class="highlight"' in page
