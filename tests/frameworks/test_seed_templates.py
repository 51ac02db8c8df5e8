"""The municipal plans from the seed documents, shipped as built-in frameworks, and a fictional
plan that proves the file format carries a plan we do not ship."""

from pathlib import Path

import pytest
from django.core.management import call_command

from digiplan.frameworks import yamlfile
from digiplan.frameworks.exchange import export_framework, import_framework
from digiplan.frameworks.models import (
    Framework,
    FrameworkVersion,
    Item,
    ItemKind,
    Responsibility,
    VersionStatus,
)
from digiplan.organisations.models import Role
from digiplan.organisations.services import huvudman_create

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = ROOT / "digiplan" / "frameworks" / "builtin"
FIXTURE = ROOT / "tests" / "fixtures" / "frameworks" / "annan-kommun-plan.yaml"
NATIONAL = "nationell-digitaliseringsstrategi-2017"
SKR = "skr-handlingsplan-2019"
SEED_FILES = {
    "goteborg-strategi": "10-goteborg-strategi.yaml",
    "goteborg-handlingsplan": "11-goteborg-handlingsplan.yaml",
    "orebro-handlingsplan": "12-orebro-handlingsplan.yaml",
    "orkelljunga-digitaliseringsplan": "13-orkelljunga-digitaliseringsplan.yaml",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_frameworks")


def published(slug: str, huvudman=None) -> FrameworkVersion:
    return FrameworkVersion.objects.get(
        framework__slug=slug, framework__huvudman=huvudman, status=VersionStatus.PUBLISHED
    )


def items_of(slug: str, kind: str | None = None):
    items = published(slug).items.all()
    return items.filter(kind=kind) if kind else items


def _flat(nodes):
    for node in nodes:
        yield node
        yield from _flat(node.get("children") or [])


def test_goteborg_strategy_has_four_priority_areas_and_their_desired_states(loaded):
    areas = list(items_of("goteborg-strategi", ItemKind.AREA).order_by("order"))
    assert [a.title for a in areas] == [
        "Digital kompetens",
        "Samarbete för utveckling",
        "Möjliggörande infrastruktur",
        "Stödjande kvalitetsarbete",
    ]
    states = {a.code: list(a.children.filter(kind=ItemKind.DESIRED_STATE)) for a in areas}
    assert {code: len(s) for code, s in states.items()} == {"DK": 5, "SU": 4, "MI": 5, "SK": 4}
    titles = {s.title for group in states.values() for s in group}
    assert {
        "Omvärldsbevakning",
        "Kompetens att leda digitalisering",
        "Samarbetsytor",
        "Adekvat beställarkompetens",
        "Synligt digitaliseringsarbete",
    } <= titles
    assert all(s.description for group in states.values() for s in group)
    assert Framework.objects.get(slug="goteborg-strategi", huvudman=None).source


def test_goteborg_plan_has_action_areas_under_the_strategy_areas(loaded):
    plan = published("goteborg-handlingsplan")
    strategy = published("goteborg-strategi")
    areas = plan.items.filter(kind=ItemKind.AREA)
    assert areas.count() == 4
    for area in areas:
        assert [t.version_id for t in area.links.all()] == [strategy.pk]
        action_areas = area.children.filter(kind=ItemKind.ACTION_AREA)
        assert action_areas.exists()
        for action_area in action_areas:
            assert list(action_area.links.all()) == list(area.links.all())
    assert plan.items.filter(kind=ItemKind.ACTION_AREA).count() == 9 + 11 + 11 + 5


def test_goteborg_plan_keeps_every_responsibility_with_role_and_area(loaded):
    plan = published("goteborg-handlingsplan")
    responsibilities = list(plan.responsibilities.select_related("area"))
    assert len(responsibilities) == 16 + 20 + 26
    assert all(r.area is not None and r.area.kind == ItemKind.AREA for r in responsibilities)
    pairs = {(r.role, r.role_title) for r in responsibilities}
    assert pairs == {
        (Role.STAFF, "Personal"),
        (Role.STAFF, "Undervisande personal"),
        (Role.UNIT_LEADER, "Chef"),
        (Role.UNIT_LEADER, "Rektor"),
        (Role.STRATEGIST, "Förvaltningscentralt"),
    }
    by = {}
    for r in responsibilities:
        by.setdefault((r.role_title, r.area.code), 0)
        by[(r.role_title, r.area.code)] += 1
    assert by[("Undervisande personal", "DK")] == 2
    assert by[("Rektor", "SK")] == 4
    assert by[("Förvaltningscentralt", "MI")] == 10
    for area in ("DK", "SU", "MI", "SK"):
        for title in ("Personal", "Chef", "Förvaltningscentralt"):
            assert by.get((title, area)), (title, area)


def test_orebro_goals_hows_and_prerequisites(loaded):
    version = published("orebro-handlingsplan")
    goals = version.items.filter(kind=ItemKind.GOAL, code__regex=r"^M\d+$")
    assert goals.count() == 10
    for goal in goals:
        assert goal.children.filter(kind=ItemKind.ACTION).exists(), goal.code
    assert version.items.filter(kind=ItemKind.ACTION).count() == 26
    prerequisites = version.items.filter(kind=ItemKind.PREREQUISITE)
    assert prerequisites.count() == 5
    assert {p.parent.title for p in prerequisites} == {"Förutsättningar för genomförande"}
    skr = published(SKR)
    linked = Item.objects.filter(derived_items__version=version, version=skr)
    assert set(linked.values_list("code", flat=True)) == {"1", "2", "3", "4", "5"}
    assert not version.targets.exists()  # the plan sets no measurable targets


def test_orkelljunga_levels_support_goals_and_roles_as_the_plan_names_them(loaded):
    version = published("orkelljunga-digitaliseringsplan")
    assert [a.title for a in version.items.filter(kind=ItemKind.AREA).order_by("order")] == [
        "Digital kompetens",
        "Teknik och förutsättningar",
        "Vetenskaplig grund och uppföljning",
    ]
    sections = set(version.items.filter(kind=ItemKind.SECTION).values_list("title", flat=True))
    assert {
        "Digital kompetens förvaltningsnivå",
        "Digital kompetens rektors/chefsnivå",
        "Teknik och förutsättningar förvaltningsnivå",
        "Vetenskaplig grund och uppföljning på rektors/chefsnivå",
        "Organisation",
        "Stöd till verksamheterna",
        "Mål läsåret 2019-2020",
    } <= sections
    year = version.items.get(code="PM.2019")
    goals = list(year.children.filter(kind=ItemKind.GOAL))
    assert len(goals) == 5
    assert version.items.get(code="PM.2019.3").school_forms == ["GR", "GY"]
    chromebook = version.items.get(kind=ItemKind.TOOL)
    assert chromebook.school_forms == ["GR", "GY"]
    roles = set(version.responsibilities.values_list("role", "role_title"))
    assert {
        (Role.STRATEGIST, "Utvecklingsstrateg"),
        (Role.STRATEGIST, "Förvaltningschef"),
        (Role.UNIT_LEADER, "Rektor/chef"),
        (Role.UNIT_LEADER, "Rektor"),
        (Role.COORDINATOR, "Digitaliseringssamordnare"),
        (Role.COORDINATOR, "Digitaliseringsansvarig"),
        (Role.COORDINATOR, "Superuser"),
        (Role.STAFF, "Pedagoger"),
    } <= roles
    assert not version.responsibilities.filter(area__isnull=True).exists()
    assert not version.targets.exists()  # the plan names no device ratios


@pytest.mark.parametrize("slug", sorted(SEED_FILES))
def test_every_link_in_the_seed_files_resolves(loaded, slug):
    """Each link written in the file becomes exactly one link in the database, to the item
    with that code in the latest published version of the named framework; links to the
    national strategy land on its focus areas and sub-goals."""
    data = yamlfile.load((BUILTIN / SEED_FILES[slug]).read_text(encoding="utf-8"))
    version = published(slug)
    national_links = 0
    for node in _flat(data["items"]):
        item = version.items.get(code=str(node["code"]))
        wanted = sorted(node.get("links") or [])
        got = sorted(f"{t.version.framework.slug}:{t.code}" for t in item.links.all())
        assert got == wanted, node["code"]
        for target in item.links.select_related("version__framework"):
            assert target.version.status == VersionStatus.PUBLISHED
            if target.version.framework.slug == NATIONAL:
                national_links += 1
                kind = ItemKind.SUB_GOAL if "." in target.code else ItemKind.FOCUS_AREA
                assert target.kind == kind
    if slug != "goteborg-handlingsplan":  # the plan links through the city's strategy
        assert national_links > 0


def test_goteborg_plan_traces_up_to_the_national_strategy(loaded):
    plan = published("goteborg-handlingsplan")
    for area in plan.items.filter(kind=ItemKind.AREA):
        reached = set()
        stack = list(area.links.all())
        while stack:
            item = stack.pop()
            for target in item.links.select_related("version__framework"):
                reached.add(target.version.framework.slug)
                stack.append(target)
            stack.extend(item.children.all())
        assert NATIONAL in reached, area.code


@pytest.mark.parametrize("slug", sorted(SEED_FILES))
def test_round_trip_gives_the_same_text(loaded, slug):
    first = export_framework(published(slug))
    import_framework(first, huvudman=None, actor=None, publish=True)
    second = export_framework(published(slug))
    assert second == first


def test_loading_again_changes_nothing(loaded):
    before = dict(
        FrameworkVersion.objects.filter(framework__huvudman=None)
        .values_list("framework__slug", "number")
        .order_by("framework__slug", "number")
    )
    count = FrameworkVersion.objects.count()
    call_command("load_frameworks")
    assert FrameworkVersion.objects.count() == count
    for slug in SEED_FILES:
        assert published(slug).number == before[slug]


def test_a_plan_we_do_not_ship_imports_for_a_huvudman(loaded):
    huvudman = huvudman_create(name="Ekeby kommun", organisation_number="212000-9999")
    text = FIXTURE.read_text(encoding="utf-8")
    version = import_framework(text, huvudman=huvudman, actor=None, publish=True)
    assert version.framework.huvudman == huvudman
    assert version.status == VersionStatus.PUBLISHED

    responsibilities = list(version.responsibilities.select_related("area"))
    titles = {r.role_title for r in responsibilities}
    assert titles == {
        "IT-strateg",
        "IT-pedagog",
        "IT-tekniker",
        "rektor",
        "lokal IT-grupp",
        "arbetslaget",
        "grannkommunens IT-avdelning",
        "förskolechef",
        "elevhälsan",
        "skolbibliotekarie",
        "förvaltningschef",
        "nämnden",
    }
    appendix = [r for r in responsibilities if r.area and r.area.code == "BILAGA"]
    assert {r.role_title for r in appendix} == titles
    assert {r.role for r in responsibilities} == set(Role.values)

    # Every requirement keeps its text and has one responsibility per role it names.
    for requirement in version.items.filter(kind=ItemKind.REQUIREMENT):
        named = [r.role_title for r in responsibilities if r.area_id == requirement.pk]
        assert named, requirement.code
        text_with_roles = f"{requirement.title} {requirement.description}"
        assert all(f"{title}" in text_with_roles for title in named), requirement.code

    tools = {t.title: t.school_forms for t in version.items.filter(kind=ItemKind.TOOL)}
    assert tools["Dokumentationsappen för förskolan"] == ["FS"]
    assert tools["Lärplattformen"] == ["GR", "GRS", "GY"]
    assert tools["Kontorspaketet"] == []
    assert all(t.description for t in version.items.filter(kind=ItemKind.TOOL))

    national = published(NATIONAL)
    assert set(version.items.get(code="A2.1").links.all()) == {national.items.get(code="2.1")}
    assert {(t.metric, t.school_form, str(t.value)) for t in version.targets.all()} == {
        ("devices_per_pupil", "GR", "1.000"),
        ("devices_per_child", "FS", "0.200"),
    }

    first = export_framework(version)
    again = import_framework(first, huvudman=huvudman, actor=None, publish=True)
    assert again.number == 2
    assert export_framework(again) == first
    assert not Framework.objects.filter(slug="annan-kommun-plan", huvudman=None).exists()
    assert Responsibility.objects.filter(version=again).count() == len(responsibilities)
