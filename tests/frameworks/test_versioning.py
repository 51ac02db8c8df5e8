import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from digiplan.frameworks import services
from digiplan.frameworks.models import Item, VersionStatus
from tests.framework_helpers import build_frameworks, reload


def test_a_published_version_is_frozen(world):
    fw = build_frameworks(world)
    with pytest.raises(ValidationError, match="nytt utkast"):
        services.item_update(actor=world.strategist, item=fw.published_item, title="Ändrad")
    with pytest.raises(ValidationError):
        services.item_create(
            actor=world.strategist, version=fw.published, parent=None, kind="area", code="NY", title="Ny"
        )
    assert reload(fw.published).items.get(code="DK.1").title == "All personal har adekvat kompetens"


def test_editing_a_published_version_in_the_ui_offers_a_new_draft(world, client_for):
    fw = build_frameworks(world)
    response = client_for("strategist").post(
        reverse("item_edit", args=[fw.published_item.pk]),
        {"kind": "desired_state", "code": "DK.1", "title": "Ändrad", "revision": 0},
    )
    assert response.status_code == 200
    assert "Starta ett nytt utkast" in response.content.decode()
    assert Item.objects.get(pk=fw.published_item.pk).title != "Ändrad"


def test_publishing_numbers_versions_and_archives_the_previous(world):
    fw = build_frameworks(world)
    services.item_update(actor=world.strategist, item=fw.draft_item, title="Ny lydelse")
    v2 = services.version_publish(actor=world.strategist, version=fw.draft)
    assert (v2.number, v2.status) == (2, VersionStatus.PUBLISHED)
    assert reload(fw.published).status == VersionStatus.ARCHIVED
    # What cited v1 still points at v1's exact wording.
    assert fw.published_item.title == "All personal har adekvat kompetens"
    assert Item.objects.get(pk=fw.published_item.pk).version.number == 1


def test_only_one_draft_at_a_time(world):
    fw = build_frameworks(world)
    with pytest.raises(ValidationError, match="redan ett utkast"):
        services.version_new_draft(actor=world.strategist, version=fw.published)


def test_a_stale_revision_is_refused(world):
    fw = build_frameworks(world)
    revision = reload(fw.draft).revision
    services.item_update(actor=world.strategist, item=fw.draft_item, title="Första", revision=revision)
    with pytest.raises(ValidationError, match="Någon annan"):
        services.item_update(actor=world.strategist, item=fw.draft_item, title="Andra", revision=revision)
    assert Item.objects.get(pk=fw.draft_item.pk).title == "Första"


def test_the_new_draft_keeps_links_to_the_national_strategy(world):
    fw = build_frameworks(world)
    links = list(fw.draft_item.links.values_list("code", "version__framework__slug"))
    assert links == [("1.2", "nationell-test")]


def test_an_indicator_needs_a_scale_and_a_respondent(world):
    fw = build_frameworks(world)
    with pytest.raises(ValidationError):
        services.item_create(
            actor=world.strategist,
            version=fw.draft,
            parent=fw.draft_item,
            kind="indicator",
            code="X.1",
            title="Utan skala",
        )


def test_moving_items_by_keyboard_buttons(world, client_for):
    fw = build_frameworks(world)
    lt = fw.draft.items.get(code="LT")
    client_for("strategist").post(reverse("item_move", args=[lt.pk]), {"direction": "up"})
    codes = list(fw.draft.items.filter(parent=None).order_by("order").values_list("code", flat=True))
    assert codes == ["LT", "DK"]


def test_the_diff_reads_what_changed(world, client_for):
    fw = build_frameworks(world)
    services.item_update(actor=world.strategist, item=fw.draft_item, title="Ny lydelse")
    services.item_create(
        actor=world.strategist,
        version=fw.draft,
        parent=None,
        kind="area",
        code="SÄK",
        title="Informationssäkerhet",
    )
    services.item_delete(actor=world.strategist, item=fw.draft.items.get(code="LT"))
    v2 = services.version_publish(actor=world.strategist, version=fw.draft)
    page = (
        client_for("staff")
        .get(reverse("version_diff", args=[fw.framework.pk]) + f"?fran={fw.published.pk}&till={v2.pk}")
        .content.decode()
    )
    assert "<ins>SÄK Informationssäkerhet</ins>" in page
    assert "<del>LT Likvärdig tillgång</del>" in page
    assert "<del>All personal har adekvat kompetens</del> → <ins>Ny lydelse</ins>" in page
    assert "Säkra likvärdig tillgång." in page  # its responsibility went with the area


def test_starting_from_a_template_copies_it_into_the_huvudman(world, client_for):
    fw = build_frameworks(world)
    response = client_for("strategist").post(
        reverse("framework_create"),
        {"name": "Vår egen plan", "slug": "var-plan", "kind": "plan", "template": fw.national.pk},
    )
    assert response.status_code == 302
    framework = world.huvudman.frameworks.get(slug="var-plan")
    draft = framework.versions.get()
    assert draft.status == VersionStatus.DRAFT and draft.items.count() == 5


def test_drafts_are_hidden_from_everyone_but_the_strategists(world, client_for):
    fw = build_frameworks(world)
    assert client_for("staff").get(reverse("version_detail", args=[fw.draft.pk])).status_code == 404
    assert client_for("strategist").get(reverse("version_detail", args=[fw.draft.pk])).status_code == 200
