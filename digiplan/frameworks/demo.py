"""The demo municipality's own plan, started from Göteborg's template as a strategist would, with
its own tools, device targets, duties and dates (demo_plan)."""

from django.core.management import call_command

from digiplan.demo.registry import DemoPart, DemoRun
from digiplan.frameworks import demo_plan, services
from digiplan.frameworks.models import FrameworkKind, FrameworkVersion, Item, VersionStatus
from digiplan.organisations.demo import demo_huvudman

DEMO_SLUG = "sjoviks-digitaliseringsplan"
CURRENT_STRATEGY = "sveriges-digitaliseringsstrategi-2025-2030"
# Sjövik has started tying its plan to the 2025–2030 strategy, but not all of it: the coverage
# page then shows both what the plan covers and the holes (plan item → the strategy's goal).
LINKS_TO_CURRENT = {
    "DK.I2": "DK.3",
    "DK.I5": "DK.1",
    "PROJ.2": "OF.1",
    "PROJ.3": "HM.2",
    "MI.I1": "KRAV.1",
}


def seed_demo_frameworks(huvudman, actor=None) -> FrameworkVersion | None:
    call_command("load_frameworks", verbosity=0)
    if huvudman.frameworks.filter(slug=DEMO_SLUG).exists():
        return None
    template = FrameworkVersion.objects.filter(
        framework__slug="goteborg-handlingsplan",
        framework__huvudman__isnull=True,
        status=VersionStatus.PUBLISHED,
    ).first()
    if template is None:
        return None
    draft = services.framework_create(
        actor=actor,
        huvudman=huvudman,
        slug=DEMO_SLUG,
        kind=FrameworkKind.PLAN,
        name="Sjöviks kommuns digitaliseringsplan för skolväsendet",
        source="Demo: utgår från Göteborgs Stads handlingsplan (inbyggd mall).",
        template=template,
    )
    _link_to_current_strategy(draft, actor)
    demo_plan.dress_draft(draft, actor)
    published = services.version_publish(actor=actor, version=draft)
    demo_plan.after_publish(published, actor)
    return published


def _link_to_current_strategy(draft: FrameworkVersion, actor) -> None:
    goals = {
        item.code: item
        for item in Item.objects.filter(
            version__framework__slug=CURRENT_STRATEGY,
            version__framework__huvudman__isnull=True,
            version__status=VersionStatus.PUBLISHED,
        )
    }
    for item in draft.items.filter(code__in=LINKS_TO_CURRENT).prefetch_related("links"):
        goal = goals.get(LINKS_TO_CURRENT[item.code])
        if goal is not None:
            services.item_update(actor=actor, item=item, links=[*item.links.all(), goal])


def seed_step(run: DemoRun) -> None:
    if seed_demo_frameworks(demo_huvudman()):
        run.say("Ramverk: nationella och inbyggda mallar laddade; Sjöviks plan publicerad.")


PART = DemoPart(app="frameworks", order=20, seed=seed_step)
