"""Coverage: which goals of a reference framework a huvudman's plan reaches through its links,
computed from links made here, and the page that shows it to everyone who may read the plan."""

from django.urls import reverse

from digiplan.frameworks.coverage import coverage, reference_versions
from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import Item

REFERENCE = """\
format: digiplan-framework/1
slug: referens-test
name: Nationell strategi 2025 (test)
kind: national
source: Regeringen (test), 2025
standing: current
valid_from: "2025-05-28"
valid_to: "2030-12-31"
items:
  - code: A
    kind: area
    title: Kompetens
    children:
      - {code: A.1, kind: goal, title: Elevernas kompetens}
      - {code: A.2, kind: goal, title: Personalens kompetens}
  - code: B
    kind: area
    title: Infrastruktur
    children:
      - {code: B.1, kind: goal, title: Säker data}
  - {code: C, kind: area, title: Lärverktyg}
  - {code: X, kind: section, title: Om strategin}
"""
OLD = """\
format: digiplan-framework/1
slug: gammal-test
name: Gammal strategi (test)
kind: national
source: Regeringen (test), 2017
standing: historical
valid_from: "2017-10-19"
valid_to: "2022-12-31"
items:
  - {code: "1", kind: focus_area, title: Gammalt område}
"""
# A built-in between the plan and the reference, as Göteborg's strategy sits between a plan
# and the national strategy.
MIDDLE = """\
format: digiplan-framework/1
slug: mellan-test
name: Mellanliggande strategi (test)
kind: strategy
source: Test
items:
  - {code: M1, kind: area, title: Kompetens i staden, links: ["referens-test:A.1"]}
"""
PLAN = """\
format: digiplan-framework/1
slug: var-plan
name: Vår plan
kind: plan
source: Vi själva
items:
  - code: P1
    kind: area
    title: Elevernas digitala kompetens
    links: ["mellan-test:M1"]
    children:
      - {code: P1.1, kind: goal, title: Personalen fortbildas, links: ["referens-test:A.2"]}
  - {code: P2, kind: area, title: Hela kompetensområdet, links: ["referens-test:A"]}
  - {code: P3, kind: area, title: Lärverktyg till alla, links: ["referens-test:C"]}
"""
NO_LINKS = """\
format: digiplan-framework/1
slug: var-plan
name: Vår plan
kind: plan
items:
  - {code: P1, kind: area, title: Elevernas digitala kompetens}
  - {code: P3, kind: area, title: Lärverktyg till alla}
"""


def _load(world, plan=PLAN):
    import_framework(OLD, huvudman=None, actor=None, publish=True)
    reference = import_framework(REFERENCE, huvudman=None, actor=None, publish=True)
    import_framework(MIDDLE, huvudman=None, actor=None, publish=True)
    own = import_framework(plan, huvudman=world.huvudman, actor=world.strategist, publish=True)
    return reference, own


def _goals(result) -> dict[str, list[str]]:
    return {g.item.code: [i.code for i in g.covered_by] for a in result.areas for g in a.goals}


def test_goals_are_covered_directly_and_through_a_framework_in_between(world):
    reference, own = _load(world)
    result = coverage(own, reference)
    assert _goals(result) == {"A.1": ["P1"], "A.2": ["P1.1"], "B.1": [], "C": ["P3"]}
    assert (result.covered, result.total) == (3, 4)


def test_a_link_to_an_area_as_a_whole_covers_none_of_its_goals(world):
    reference, own = _load(world)
    area = next(a for a in coverage(own, reference).areas if a.item.code == "A")
    assert [i.code for i in area.whole] == ["P2"]
    assert area.covered == 2  # A.1 and A.2 by their own links, not by P2


def test_a_plan_without_links_covers_nothing(world):
    reference, own = _load(world, NO_LINKS)
    result = coverage(own, reference)
    assert (result.covered, result.total) == (0, 4)
    assert all(not area.whole for area in result.areas)


def test_links_bound_to_an_older_version_still_count(world):
    reference, own = _load(world)
    newer = import_framework(
        REFERENCE.replace("Säker data", "Säker och robust data"), huvudman=None, actor=None, publish=True
    )
    assert newer.number == 2 and Item.objects.filter(version=reference, code="A.2").exists()
    assert coverage(own, newer).covered == 3


def test_references_are_offered_current_first_and_never_the_plans_own(world):
    _load(world)
    slugs = [v.framework.slug for v in reference_versions()]
    assert slugs == ["referens-test", "gammal-test"]  # the middle one states no standing


def test_the_page_counts_lists_and_marks_the_holes(world, client_for):
    reference, own = _load(world)
    response = client_for("staff").get(reverse("version_coverage", args=[own.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Din plan täcker 3 av 4 mål." in page
    assert "Inte täckt" in page and page.count("Inte täckt") == 1
    assert "Gällande 2025–2030" in page
    p11 = own.items.get(code="P1.1")
    assert reverse("item_chain", args=[p11.pk]) in page
    assert "Kopplat till området som helhet" in page


def test_the_page_compares_with_the_framework_chosen(world, client_for):
    _load(world)
    own = world.huvudman.frameworks.get(slug="var-plan").versions.get()
    old = reference_versions()[1]
    page = (
        client_for("leader_a")
        .get(reverse("version_coverage", args=[own.pk]), {"mot": old.framework_id})
        .content.decode()
    )
    assert "Historisk – gällde 2017–2022" in page
    assert "Din plan täcker 0 av 1 mål." in page
    assert "inte längre" in page  # the warning that it is no longer in force


def test_another_huvudmans_strategist_cannot_see_the_coverage(world, client_for):
    _, own = _load(world)
    assert client_for("other_strategist").get(reverse("version_coverage", args=[own.pk])).status_code == 404
