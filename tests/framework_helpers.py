"""A small national framework (built-in) and a municipal one that derives from it."""

from types import SimpleNamespace

from digiplan.frameworks import services
from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import FrameworkVersion

NATIONAL = """\
format: digiplan-framework/1
slug: nationell-test
name: Nationell strategi (test)
kind: national
source: Test
scales:
  - slug: status-test
    name: Status
    levels:
      - {value: 1, label: Ej planerad}
      - {value: 2, label: Påbörjad}
      - {value: 3, label: Uppnådd}
      - {value: 0, label: Ej relevant, not_applicable: true}
items:
  - code: "1"
    kind: focus_area
    title: Digital kompetens för alla i skolväsendet
    children:
      - {code: "1.1", kind: sub_goal, title: Barn och elever ges förutsättningar}
      - {code: "1.2", kind: sub_goal, title: Personal har kompetens}
  - code: "2"
    kind: focus_area
    title: Likvärdig tillgång och användning
    children:
      - {code: "2.1", kind: sub_goal, title: Tillgång till digitala verktyg}
"""

MUNICIPAL = """\
format: digiplan-framework/1
slug: sjovik-plan
name: Sjöviks digitaliseringsplan
kind: plan
source: Sjöviks kommun
items:
  - code: DK
    kind: area
    title: Digital kompetens
    links: ["nationell-test:1"]
    children:
      - code: DK.1
        kind: desired_state
        title: All personal har adekvat kompetens
        links: ["nationell-test:1.2"]
        children:
          - code: DK.1.L
            kind: indicator
            title: Kompetensutveckling planeras
            respondent: leader
            scale: status-test
            levels: {1: "Ingen plan", 2: "En plan finns", 3: "Planen följs"}
  - code: LT
    kind: area
    title: Likvärdig tillgång
    links: ["nationell-test:2.1"]
responsibilities:
  - {role: staff, title: Undervisande personal, area: DK, text: Ansvara för min egen digitala kompetens.}
  - {role: unit_leader, title: Rektor, area: DK, text: Planera kompetensutveckling för personalen.}
  - {role: strategist, title: Förvaltningscentralt, area: LT, text: Säkra likvärdig tillgång.}
targets:
  - {metric: devices_per_pupil, school_form: GR, grade_band: "1-9", value: 1.0}
  - {metric: devices_per_child, school_form: FS, value: 0.2}
  - {metric: devices_per_employee, value: 1.0}
"""


def build_frameworks(world) -> SimpleNamespace:
    cached = getattr(world, "_frameworks", None)
    if cached:
        return cached
    national = import_framework(NATIONAL, huvudman=None, actor=None, publish=True)
    published = import_framework(MUNICIPAL, huvudman=world.huvudman, actor=world.strategist, publish=True)
    draft = services.version_new_draft(actor=world.strategist, version=published)
    other = import_framework(
        MUNICIPAL.replace("Sjöviks", "Friskolans"),
        huvudman=world.other_huvudman,
        actor=world.other_strategist,
        publish=True,
    )
    result = SimpleNamespace(
        national=national,
        published=published,
        draft=draft,
        other=other,
        framework=published.framework,
        published_item=published.items.get(code="DK.1"),
        draft_item=draft.items.get(code="DK.1"),
        draft_responsibility=draft.responsibilities.first(),
        draft_target=draft.targets.first(),
    )
    world._frameworks = result
    return result


def reload(version) -> FrameworkVersion:
    return FrameworkVersion.objects.get(pk=version.pk)
