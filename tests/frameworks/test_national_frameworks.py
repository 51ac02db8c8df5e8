"""The national and European frameworks as they stand today: the 2017 strategy marked historical,
Skolverket's proposal marked as never adopted, the 2025–2030 strategy in force with the pupils'
right to learning tools, DigCompOrg/SELFIE and DigCompEdu as reference frameworks – in the data,
and visibly wherever built-in frameworks are listed or chosen."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from digiplan.frameworks import services
from digiplan.frameworks.coverage import coverage
from digiplan.frameworks.demo import seed_demo_frameworks
from digiplan.frameworks.exchange import FrameworkFileError, export_framework, import_framework
from digiplan.frameworks.models import Framework, FrameworkVersion, Item, ItemKind, Standing, VersionStatus
from digiplan.organisations.demo import build_demo

BUILTIN = Path(__file__).resolve().parents[2] / "digiplan" / "frameworks" / "builtin"
OLD = "nationell-digitaliseringsstrategi-2017"
PROPOSAL = "skolverket-forslag-2023-2027"
CURRENT = "sveriges-digitaliseringsstrategi-2025-2030"
SELFIE = "eu-digcomporg-selfie"
EDU = "eu-digcompedu"
NEW = (PROPOSAL, CURRENT, SELFIE, EDU)


@pytest.fixture
def loaded(db):
    call_command("load_frameworks", verbosity=0)


def _version(slug: str) -> FrameworkVersion:
    return FrameworkVersion.objects.get(
        framework__slug=slug, framework__huvudman__isnull=True, status=VersionStatus.PUBLISHED
    )


def test_each_framework_states_where_it_stands(loaded):
    standings = dict(Framework.objects.filter(huvudman__isnull=True).values_list("slug", "standing"))
    assert standings[OLD] == Standing.HISTORICAL
    assert standings[PROPOSAL] == Standing.PROPOSAL
    assert standings[CURRENT] == Standing.CURRENT
    assert standings[SELFIE] == standings[EDU] == Standing.REFERENCE
    assert standings["goteborg-strategi"] == ""  # a municipality's plan states none
    old = _version(OLD)
    assert (str(old.valid_from), str(old.valid_to)) == ("2017-10-19", "2022-12-31")
    current = _version(CURRENT)
    assert (current.valid_from.year, current.valid_to.year) == (2025, 2030)


def test_the_current_strategy_holds_the_school_parts_and_the_right_to_learning_tools(loaded):
    items = {i.code: i for i in _version(CURRENT).items.all()}
    assert {"DK", "OF", "HM", "KRAV"} <= {c for c, i in items.items() if i.parent_id is None}
    right = items["KRAV.1"]
    assert right.kind == ItemKind.REQUIREMENT and "lärverktyg" in right.title
    assert "1 juli 2024" in right.description and "GR" in right.school_forms
    preschool = items["KRAV.2"]
    assert preschool.school_forms == ["FS"] and "inte längre krav" in preschool.description
    source = _version(CURRENT).framework.source
    assert "Sveriges digitaliseringsstrategi 2025–2030" in source and "2023/24:21" in source


def test_digcompedu_has_six_areas_and_twenty_two_competences(loaded):
    items = _version(EDU).items.all()
    areas = items.filter(parent=None)
    assert [a.code for a in areas.order_by("order")] == ["1", "2", "3", "4", "5", "6"]
    assert items.filter(kind=ItemKind.GOAL).count() == 22
    assert [items.filter(parent=a).count() for a in areas.order_by("order")] == [4, 3, 4, 3, 3, 5]
    assert "JRC" in _version(EDU).framework.source and "2017" in _version(EDU).framework.source


def test_selfie_has_its_eight_areas_from_digcomporg(loaded):
    areas = _version(SELFIE).items.filter(parent=None).order_by("order")
    assert [a.code for a in areas] == list("ABCDEFGH")
    assert all("DigCompOrg" in a.description or "DigComp" in a.description for a in areas)
    assert "2015" in _version(SELFIE).framework.source


def test_the_proposal_is_summarised_not_quoted(loaded):
    version = _version(PROPOSAL)
    assert version.items.filter(kind=ItemKind.GOAL).count() == 2
    assert "inte anta" in version.framework.source


@pytest.mark.parametrize("slug", NEW)
def test_every_new_item_has_an_english_title_and_description(loaded, slug):
    for item in _version(slug).items.all():
        english = item.translations.get("en") or {}
        assert english.get("title") and english.get("description"), item.code


def test_the_list_shows_each_standing_as_a_badge(loaded, client_for):
    page = client_for("staff").get(reverse("framework_list")).content.decode()
    for label in (
        "Historisk – gällde 2017–2022",
        "Förslag, inte antaget",
        "Gällande 2025–2030",
        "Referensram",
    ):
        assert re.search(r'class="badge badge-standing[^"]*">' + label + "<", page), label


def test_the_version_page_shows_the_standing(loaded, client_for):
    page = client_for("staff").get(reverse("version_detail", args=[_version(OLD).pk])).content.decode()
    assert "Historisk – gällde 2017–2022" in page
    assert "31 december 2022" in page  # the notice that its period has ended


def test_choosing_a_template_shows_the_standing(loaded, client_for):
    page = client_for("strategist").get(reverse("framework_create")).content.decode()
    assert "Nationell digitaliseringsstrategi för skolväsendet (v1) – Historisk – gällde 2017–2022" in page
    assert "– Förslag, inte antaget</option>" in page


def test_choosing_a_link_shows_the_standing(loaded, world, client_for):
    draft = services.framework_create(
        actor=world.strategist, huvudman=world.huvudman, slug="egen", name="Egen plan", kind="plan"
    )
    services.item_create(
        actor=world.strategist, version=draft, parent=None, kind="area", code="A", title="Ett område"
    )
    item = draft.items.get(code="A")
    page = client_for("strategist").get(reverse("item_edit", args=[item.pk])).content.decode()
    proposal = "Skolverkets förslag till nationell digitaliseringsstrategi för skolväsendet 2023–2027"
    assert f"{proposal} – Förslag, inte antaget: M1" in page


def test_a_plan_started_from_the_2017_strategy_does_not_inherit_its_period(loaded, world):
    draft = services.framework_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        slug="fran-2017",
        name="Vår plan",
        kind="plan",
        template=_version(OLD),
    )
    assert draft.items.count() == _version(OLD).items.count()
    assert (draft.valid_from, draft.valid_to) == (None, None)
    assert draft.framework.standing == ""


def test_an_installation_loaded_before_gets_the_standing_without_a_new_version(db):
    """Links are bound to a version: marking the 2017 strategy historical must not republish it."""
    text = (BUILTIN / "01-nationell-digitaliseringsstrategi-2017.yaml").read_text(encoding="utf-8")
    before = re.sub(r"^(standing|valid_from|valid_to):.*\n", "", text, flags=re.MULTILINE)
    first = import_framework(before, huvudman=None, actor=None, publish=True)
    assert first.framework.standing == ""
    call_command("load_frameworks", verbosity=0)
    version = _version(OLD)
    assert (version.pk, version.number) == (first.pk, 1)
    assert version.framework.standing == Standing.HISTORICAL
    assert str(version.valid_to) == "2022-12-31"
    linked = Item.objects.filter(version__framework__slug="skr-handlingsplan-2019", links__version=version)
    assert linked.exists()
    call_command("load_frameworks", verbosity=0)
    assert FrameworkVersion.objects.filter(framework__slug=OLD).count() == 1


def test_the_demo_plan_covers_part_of_the_current_strategy(db):
    plan = seed_demo_frameworks(build_demo(stdout=None))
    result = coverage(plan, _version(CURRENT))
    covered = {g.item.code for a in result.areas for g in a.goals if g.covered_by}
    assert covered == {"DK.1", "DK.3", "OF.1", "HM.2", "KRAV.1"}
    assert result.total == 10
    # …and it still reaches the 2017 strategy's focus areas (as wholes) through Göteborg's plan
    # and strategy, which link to the focus areas rather than to their sub-goals.
    old = coverage(plan, _version(OLD))
    assert [a.item.code for a in old.areas if a.whole] == ["1", "2", "3"]


SMALL = """\
format: digiplan-framework/1
slug: liten
name: Liten
kind: reference
source: Test
standing: {standing}
items:
  - {{code: A, kind: area, title: Ett område}}
"""


def test_standing_survives_export_and_import(db):
    version = import_framework(SMALL.format(standing="proposal"), huvudman=None, actor=None)
    assert version.framework.standing == Standing.PROPOSAL
    assert "standing: proposal" in export_framework(version)


def test_an_unknown_standing_is_refused_with_its_line(db):
    with pytest.raises(FrameworkFileError) as refused:
        import_framework(SMALL.format(standing="gammal"), huvudman=None, actor=None)
    assert any("standing" in message and "historical" in message for _, message in refused.value.errors)
