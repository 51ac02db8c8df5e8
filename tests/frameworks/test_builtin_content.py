"""The built-in content: the national strategy, SKR's action plan and Digiplan's standard
self-assessment set load, hold what they promise, name their source and survive a round trip."""

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
    VersionStatus,
)

BUILTIN = Path(__file__).resolve().parents[2] / "digiplan" / "frameworks" / "builtin"
NATIONAL = "nationell-digitaliseringsstrategi-2017"
SKR = "skr-handlingsplan-2019"
STANDARD = "digiplan-standard"
OURS = (NATIONAL, SKR, STANDARD)
SUB_GOALS = {"1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2"}


@pytest.fixture
def loaded(db):
    call_command("load_frameworks")


def _published(slug: str) -> FrameworkVersion:
    return FrameworkVersion.objects.get(
        framework__slug=slug, framework__huvudman__isnull=True, status=VersionStatus.PUBLISHED
    )


def _items(slug: str, **filters):
    return Item.objects.filter(version=_published(slug), **filters)


def _links_to_national_sub_goal(item: Item) -> bool:
    return any(
        t.version.framework.slug == NATIONAL and t.kind == ItemKind.SUB_GOAL
        for t in item.links.select_related("version__framework")
    )


def _english(translations: dict, *keys: str) -> bool:
    en = translations.get("en") or {}
    return all(str(en.get(key) or "").strip() for key in keys)


@pytest.mark.django_db
def test_national_strategy_has_three_focus_areas_and_nine_sub_goals(loaded):
    focus = _items(NATIONAL, kind=ItemKind.FOCUS_AREA, parent=None).order_by("order")
    assert [(f.code, f.title) for f in focus] == [
        ("1", "Digital kompetens för alla i skolväsendet"),
        ("2", "Likvärdig tillgång och användning"),
        ("3", "Forskning och uppföljning kring digitaliseringens möjligheter"),
    ]
    goals = _items(NATIONAL, kind=ItemKind.GOAL)
    assert sorted(g.code for g in goals) == ["1.M", "2.M", "3.M"]
    assert all(g.parent.kind == ItemKind.FOCUS_AREA for g in goals)

    sub_goals = {i.code: i for i in _items(NATIONAL, kind=ItemKind.SUB_GOAL)}
    assert set(sub_goals) == SUB_GOALS
    assert all(s.parent.kind == ItemKind.GOAL and s.parent.code[0] == s.code[0] for s in sub_goals.values())
    assert sub_goals["1.1"].title == (
        "Barn och elever ska i alla delar av skolväsendet ges "
        "förutsättningar att utveckla adekvat digital kompetens"
    )
    assert sub_goals["1.2"].title == (
        "Förskolechefer, rektorer och huvudmän ska ha förmåga att "
        "strategiskt leda digitalt utvecklingsarbete i verksamheterna"
    )
    assert sub_goals["2.2"].title == (
        "Det ska finnas ändamålsenlig infrastruktur samt teknisk och pedagogisk support i verksamheten"
    )
    assert sub_goals["2.4"].title == (
        "Digitaliseringen ska användas för att underlätta personalens "
        "arbetssituation i fråga om undervisning och administration"
    )
    assert sub_goals["3.2"].title == (
        "Uppföljning av digitaliseringsarbetet i skolväsendet ska "
        "genomföras och stödja utveckling av verksamheter och insatser"
    )
    for item in _items(NATIONAL):
        assert item.description, item.code
        assert _english(item.translations, "title", "description"), item.code


@pytest.mark.django_db
def test_skr_action_plan_has_five_areas_each_serving_a_national_sub_goal(loaded):
    areas = list(_items(SKR, kind=ItemKind.AREA).order_by("order"))
    assert [a.code for a in areas] == ["1", "2", "3", "4", "5"]
    assert areas[3].title == "Tillräcklig organisatorisk kapacitet"
    assert areas[4].title == "Tillgång till pedagogisk och teknisk support"
    for area in areas:
        assert area.description and _english(area.translations, "title", "description"), area.code
        assert _links_to_national_sub_goal(area), area.code
    responsibilities = _published(SKR).responsibilities.all()
    assert {r.area.code for r in responsibilities} == {"1", "2", "3", "4", "5"}
    assert all(_english(r.translations, "text") for r in responsibilities)


@pytest.mark.django_db
def test_standard_set_counts_levels_translations_and_links(loaded):
    areas = _items(STANDARD, kind=ItemKind.AREA, parent=None)
    assert sorted(a.code for a in areas) == sorted(["LED", "KOMP", "SAM", "INFRA", "UND", "KVAL", "DATA"])
    for area in areas:
        assert area.description and _english(area.translations, "title", "description")

    indicators = list(_items(STANDARD, kind=ItemKind.INDICATOR).select_related("scale", "parent"))
    leader = [i for i in indicators if i.respondent == "leader"]
    staff = [i for i in indicators if i.respondent == "staff"]
    pupil = [i for i in indicators if i.respondent == "pupil"]
    assert 28 <= len(leader) <= 32
    assert 33 <= len(staff) <= 37
    assert 10 <= len(pupil) <= 14
    assert len(leader) + len(staff) + len(pupil) == len(indicators)

    for item in leader:
        assert item.scale.slug == "status", item.code
        assert sorted(item.level_descriptions) == ["1", "2", "3", "4", "5"], item.code
        assert all(text.strip() for text in item.level_descriptions.values()), item.code
        assert ".L" in item.code
    for item in staff:
        assert item.scale.slug in ("instamning", "fardighet"), item.code
        assert ".P" in item.code
    assert sum(i.scale.slug == "fardighet" for i in staff) >= 5
    for item in pupil:
        assert item.scale.slug == "instamning", item.code
        assert ".E" in item.code and item.title.startswith(("Jag", "Min", "I skolan", "Internet"))
        assert len(item.title) <= 110, item.code

    for item in indicators:
        assert item.code.split(".")[0] == item.parent.code, item.code
        assert _english(item.translations, "title"), item.code
        if item.description:
            assert _english(item.translations, "description"), item.code
        assert _links_to_national_sub_goal(item), item.code


@pytest.mark.django_db
def test_standard_leader_indicators_have_english_level_descriptions(loaded):
    leader = _items(STANDARD, kind=ItemKind.INDICATOR, respondent="leader")
    assert leader.exists()
    for item in leader:
        assert item.level_descriptions, item.code
        english = (item.translations.get("en") or {}).get("levels") or {}
        assert sorted(english) == sorted(item.level_descriptions), item.code
        assert all(
            isinstance(text, str) and text.strip() and text == text.strip() for text in english.values()
        ), item.code
        assert english != item.level_descriptions, item.code


@pytest.mark.django_db
def test_standard_scales(loaded):
    version = _published(STANDARD)
    scales = {
        i.scale.slug: i.scale for i in version.items.filter(scale__isnull=False).select_related("scale")
    }
    assert set(scales) == {"status", "instamning", "fardighet"}

    def levels(slug):
        return list(scales[slug].levels.all())

    status = levels("status")
    assert [(lv.value, lv.label) for lv in status if not lv.not_applicable] == [
        (1, "Ej planerad"),
        (2, "Planerad"),
        (3, "Påbörjad"),
        (4, "Nästan där"),
        (5, "Uppnådd"),
    ]
    assert [(lv.value, lv.label) for lv in status if lv.not_applicable] == [(0, "Ej relevant")]

    agreement = levels("instamning")
    assert [lv.value for lv in agreement if not lv.not_applicable] == [1, 2, 3, 4, 5]
    assert agreement[0].label == "Stämmer inte alls" and agreement[4].label == "Stämmer helt"
    assert [(lv.value, lv.label) for lv in agreement if lv.not_applicable] == [(0, "Vet ej")]

    proficiency = levels("fardighet")
    assert [lv.value for lv in proficiency] == [1, 2, 3, 4, 5, 6]
    assert not any(lv.not_applicable for lv in proficiency)

    for scale in scales.values():
        assert scale.description and _english(scale.translations, "name", "description")
        for level in scale.levels.all():
            assert level.description, (scale.slug, level.value)
            assert _english(level.translations, "label", "description"), (scale.slug, level.value)


def test_every_builtin_file_names_its_source():
    files = sorted(BUILTIN.glob("*.yaml"))
    assert {f.name for f in files} >= {
        "01-nationell-digitaliseringsstrategi-2017.yaml",
        "02-skr-handlingsplan-2019.yaml",
        "03-digiplan-standard.yaml",
    }
    for path in files:
        data = yamlfile.load(path.read_text(encoding="utf-8"))
        assert str(data.get("source") or "").strip(), path.name


@pytest.mark.django_db
def test_loaded_builtin_frameworks_keep_their_source(loaded):
    builtin = Framework.objects.filter(huvudman__isnull=True)
    assert set(OURS) <= set(builtin.values_list("slug", flat=True))
    assert all(f.source.strip() for f in builtin)
    assert "Titlar citerade" in Framework.objects.get(slug=SKR, huvudman__isnull=True).source


@pytest.mark.django_db
@pytest.mark.parametrize("slug", OURS)
def test_round_trip_is_identical(loaded, slug):
    first = export_framework(_published(slug))
    version = import_framework(first, huvudman=None, actor=None, publish=True)
    assert version.number == 2
    assert export_framework(version) == first


@pytest.mark.django_db
def test_loading_twice_creates_no_new_versions(loaded):
    before = FrameworkVersion.objects.count()
    call_command("load_frameworks")
    assert FrameworkVersion.objects.count() == before
    assert all(_published(slug).number == 1 for slug in OURS)
