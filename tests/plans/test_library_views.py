"""The activity library: who reads and writes it, its filters, its usage counts, and that a save
over someone else's newer save loses nothing."""

import datetime

import pytest
from django.urls import reverse

from digiplan.organisations.services import role_title_save
from digiplan.plans import services
from digiplan.plans.models import Activity, LibraryActivity, PlanStatus
from tests.framework_helpers import build_frameworks
from tests.plan_helpers import build_plan

pytestmark = pytest.mark.django_db


def _entry(world, title="Digitala lärresurser i förskolan", **extra):
    return services.library_create(
        actor=world.strategist, huvudman=world.huvudman, title=title, **{"publish": True, **extra}
    )


def _form(**overrides) -> dict:
    data = {
        "title": "Pedagogiska caféer",
        "description": "En träff i månaden.",
        "duration": "En termin",
        "source": "Göteborgs plan",
        "is_published": "on",
        "revision": "",
    }
    data.update(overrides)
    return data


def _listed(response) -> list[str]:
    return [e.title for e in response.context["page"].object_list]


# ---- Reading -------------------------------------------------------------------------------------


def test_everyone_of_the_huvudman_reads_the_published_examples(world, client_for):
    fx = build_plan(world)
    for persona in ("strategist", "leader_a", "leader_b", "staff"):
        response = client_for(persona).get(reverse("library_list"))
        assert response.status_code == 200
        assert fx.entry.title in _listed(response)
        assert "Fyra veckor" in response.content.decode()


def test_it_requires_sign_in(client_for):
    response = client_for("anonymous").get(reverse("library_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_unpublished_examples_are_for_strategists_only(world, client_for):
    _entry(world, title="Utkast till exempel", publish=False)
    assert "Utkast till exempel" in _listed(client_for("strategist").get(reverse("library_list")))
    for persona in ("leader_a", "leader_b", "staff"):
        assert "Utkast till exempel" not in _listed(client_for(persona).get(reverse("library_list")))


def test_another_huvudman_sees_nothing_of_ours(world, client_for):
    fx = build_plan(world)
    response = client_for("other_strategist").get(reverse("library_list"))
    assert response.status_code == 200
    assert fx.entry.title not in response.content.decode()
    assert _listed(response) == []


def test_only_strategists_get_the_new_example_button(world, client_for):
    build_plan(world)
    create = reverse("library_create")
    assert create in client_for("strategist").get(reverse("library_list")).content.decode()
    for persona in ("leader_a", "staff"):
        assert create not in client_for(persona).get(reverse("library_list")).content.decode()


def test_each_entry_shows_its_items_role_duration_forms_and_source(world, client_for):
    fw = build_frameworks(world)
    title = role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog")
    _entry(
        world,
        title="Kollegialt lärande",
        items=[fw.published_item],
        role_title=title,
        duration="Sex veckor",
        school_forms=["FS", "GR"],
        source="Örebros plan",
    )
    html = client_for("staff").get(reverse("library_list")).content.decode()
    assert "DK.1 All personal har adekvat kompetens" in html
    assert reverse("item_chain", args=[fw.published_item.pk]) in html
    assert "IT-pedagog" in html
    assert "Sex veckor" in html
    assert "Örebros plan" in html


def test_filter_by_text(world, client_for):
    _entry(world, title="Programmering i matematik")
    _entry(world, title="Källkritik", description="Granska källor på nätet.")
    client = client_for("staff")
    assert _listed(client.get(reverse("library_list"), {"q": "programmering"})) == [
        "Programmering i matematik"
    ]
    assert _listed(client.get(reverse("library_list"), {"q": "nätet"})) == ["Källkritik"]


def test_filter_by_school_form_keeps_examples_for_every_form(world, client_for):
    _entry(world, title="Förskolans surfplattor", school_forms=["FS"])
    _entry(world, title="Gymnasiets datorer", school_forms=["GY"])
    _entry(world, title="För alla skolformer")
    listed = _listed(client_for("staff").get(reverse("library_list"), {"skolform": "FS"}))
    assert listed == ["För alla skolformer", "Förskolans surfplattor"]


def test_filter_by_area_finds_examples_linked_below_or_above_it(world, client_for):
    fw = build_frameworks(world)
    area = fw.published.items.get(code="DK")
    other_area = fw.published.items.get(code="LT")
    _entry(world, title="Under området", items=[fw.published_item])  # DK.1, below DK
    _entry(world, title="Hela området", items=[area])
    _entry(world, title="Annat område", items=[other_area])
    client = client_for("staff")
    assert _listed(client.get(reverse("library_list"), {"omrade": area.pk})) == [
        "Hela området",
        "Under området",
    ]
    # An example for the whole area serves each item in it as well.
    assert _listed(client.get(reverse("library_list"), {"omrade": fw.published_item.pk})) == [
        "Hela området",
        "Under området",
    ]


def test_usage_counts_equal_the_copies_made(world, client_for):
    fx = build_plan(world)  # one copy, in unit A's plan
    plan_b = services.plan_create(actor=world.leader_b, organisation=world.unit_b, school_year="2026/27")
    for _ in range(2):
        services.activity_from_library(actor=world.leader_b, plan=plan_b, library_activity=fx.entry)
    unused = _entry(world, title="Oanvänt exempel")
    copies = Activity.objects.filter(library_activity=fx.entry)
    response = client_for("leader_a").get(reverse("library_list"))
    by_title = {e.title: e for e in response.context["page"].object_list}
    assert by_title[fx.entry.title].uses == copies.count() == 3
    assert by_title[fx.entry.title].unit_count == len({a.plan.organisation_id for a in copies}) == 2
    assert by_title[unused.title].uses == 0


def test_html_in_a_title_is_shown_escaped(world, client_for):
    _entry(world, title="<script>alert(1)</script>", description="<b>fet</b>")
    html = client_for("staff").get(reverse("library_list")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;fet&lt;/b&gt;" in html


def test_the_menu_links_the_library_and_marks_it_current(world, client_for):
    html = client_for("staff").get(reverse("library_list")).content.decode()
    assert f'<a href="{reverse("library_list")}" aria-current="page">' in html
    assert f'href="{reverse("plan_list")}"' in html
    assert f'href="{reverse("my_activities")}"' in html


# ---- Creating ------------------------------------------------------------------------------------


def test_a_strategist_creates_an_example(world, client_for):
    fw = build_frameworks(world)
    national = fw.national.items.get(code="1.2")
    response = client_for("strategist").post(
        reverse("library_create"),
        _form(items=[fw.published_item.pk, national.pk], school_forms=["FS", "GR"], for_staff="on"),
    )
    assert response.status_code == 302
    entry = LibraryActivity.objects.get(title="Pedagogiska caféer")
    assert entry.huvudman == world.huvudman
    assert entry.is_published and entry.for_staff
    assert entry.school_forms == ["FS", "GR"]
    assert set(entry.items.all()) == {fw.published_item, national}
    assert entry.duration == "En termin" and entry.source == "Göteborgs plan"


def test_the_form_offers_items_grouped_by_framework(world, client_for):
    fw = build_frameworks(world)
    response = client_for("strategist").get(reverse("library_create"))
    html = response.content.decode()
    assert "Nationell strategi (test)" in html
    assert "Sjöviks digitaliseringsplan" in html
    assert "Friskolans digitaliseringsplan" not in html  # another huvudman's
    offered = set(response.context["form"].fields["items"].queryset)
    assert fw.published_item in offered
    assert fw.draft_item not in offered  # drafts are not linkable
    assert not any(i.version.framework.huvudman == world.other_huvudman for i in offered)


def test_another_huvudmans_item_or_role_title_is_refused(world, client_for):
    fw = build_frameworks(world)
    other_item = fw.other.items.get(code="DK.1")
    other_title = role_title_save(
        actor=None, huvudman=world.other_huvudman, role="coordinator", name="IT-pedagog"
    )
    response = client_for("strategist").post(
        reverse("library_create"), _form(items=[other_item.pk], role_title=other_title.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"items", "role_title"}
    assert not LibraryActivity.objects.exists()


def test_a_missing_title_keeps_what_was_typed(world, client_for):
    response = client_for("strategist").post(
        reverse("library_create"), _form(title="", description="Allt jag skrev")
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    html = response.content.decode()
    assert "Allt jag skrev" in html
    assert 'aria-invalid="true"' in html
    assert not LibraryActivity.objects.exists()


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("leader_b", 403), ("staff", 403)])
def test_only_strategists_create(world, client_for, persona, status):
    assert client_for(persona).get(reverse("library_create")).status_code == status
    assert client_for(persona).post(reverse("library_create"), _form()).status_code == status
    assert not LibraryActivity.objects.exists()


def test_another_huvudmans_strategist_creates_in_their_own_library(world, client_for):
    client_for("other_strategist").post(reverse("library_create"), _form())
    assert LibraryActivity.objects.get().huvudman == world.other_huvudman


# ---- Editing -------------------------------------------------------------------------------------


def test_a_strategist_edits_an_example(world, client_for):
    fx = build_plan(world)
    url = reverse("library_edit", args=[fx.entry.pk])
    client = client_for("strategist")
    assert client.get(url).status_code == 200
    response = client.post(url, _form(title="Studiecirkel, version 2", revision="0", is_published=""))
    assert response.status_code == 302
    entry = LibraryActivity.objects.get(pk=fx.entry.pk)
    assert entry.title == "Studiecirkel, version 2"
    assert not entry.is_published
    assert entry.revision == 1
    # The unit's copy is its own: it keeps the old title.
    assert Activity.objects.get(pk=fx.activity.pk).title == "Studiecirkel om lärplattformen"


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("staff", 403), ("other_strategist", 404)])
def test_others_cannot_edit(world, client_for, persona, status):
    fx = build_plan(world)
    url = reverse("library_edit", args=[fx.entry.pk])
    assert client_for(persona).get(url).status_code == status
    assert client_for(persona).post(url, _form(revision="0")).status_code == status
    assert LibraryActivity.objects.get(pk=fx.entry.pk).title == fx.entry.title


def test_a_stale_save_shows_both_versions_and_loses_nothing(world, client_for):
    fx = build_plan(world)
    url = reverse("library_edit", args=[fx.entry.pk])
    client = client_for("strategist")
    opened = client.get(url).context["form"]["revision"].value()
    assert str(opened) == "0"
    # Someone else saves while the form is open.
    services.library_update(
        actor=world.strategist,
        entry=fx.entry,
        revision=0,
        title="Den andres titel",
        description="Den andres text",
        publish=True,
    )
    response = client.post(url, _form(title="Min titel", description="Min text", revision=str(opened)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Den andres titel" in html and "Den andres text" in html  # the stored version
    assert "Min titel" in html and "Min text" in html  # what I typed, still in the form
    stored = LibraryActivity.objects.get(pk=fx.entry.pk)
    assert stored.title == "Den andres titel"
    assert response.context["stored"].revision == 1
    assert str(response.context["form"]["revision"].value()) == "1"
    # Having compared, I save again over the stored version.
    response = client.post(url, _form(title="Min titel", description="Min text", revision="1"))
    assert response.status_code == 302
    assert LibraryActivity.objects.get(pk=fx.entry.pk).title == "Min titel"


# ---- Deleting ------------------------------------------------------------------------------------


def test_a_strategist_deletes_an_example_and_the_copies_stay(world, client_for):
    fx = build_plan(world)
    response = client_for("strategist").post(reverse("library_delete", args=[fx.entry.pk]))
    assert response.status_code == 302
    assert not LibraryActivity.objects.filter(pk=fx.entry.pk).exists()
    copy = Activity.objects.get(pk=fx.activity.pk)
    assert copy.library_activity is None and copy.title == fx.entry.title


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("staff", 403), ("other_strategist", 404)])
def test_others_cannot_delete(world, client_for, persona, status):
    fx = build_plan(world)
    assert client_for(persona).post(reverse("library_delete", args=[fx.entry.pk])).status_code == status
    assert LibraryActivity.objects.filter(pk=fx.entry.pk).exists()


def test_delete_is_post_only(world, client_for):
    fx = build_plan(world)
    assert client_for("strategist").get(reverse("library_delete", args=[fx.entry.pk])).status_code == 405
    assert LibraryActivity.objects.filter(pk=fx.entry.pk).exists()


def test_a_draft_plans_copy_counts_as_use_too(world, client_for):
    entry = _entry(world, title="Exempel i ett utkast")
    plan = services.plan_create(actor=world.leader_a, organisation=world.unit_a, school_year="2027/28")
    services.activity_from_library(
        actor=world.leader_a, plan=plan, library_activity=entry, due_on=datetime.date(2028, 3, 1)
    )
    assert plan.status == PlanStatus.DRAFT
    response = client_for("strategist").get(reverse("library_list"))
    assert {e.title: e.uses for e in response.context["page"].object_list}[entry.title] == 1
