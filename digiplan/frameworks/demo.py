"""The demo municipality's own plan, started from Göteborg's template as a strategist would."""

from django.core.management import call_command

from digiplan.demo.registry import DemoPart, DemoRun
from digiplan.frameworks import services
from digiplan.frameworks.models import FrameworkKind, FrameworkVersion, VersionStatus
from digiplan.organisations.demo import demo_huvudman

DEMO_SLUG = "sjoviks-digitaliseringsplan"


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
    return services.version_publish(actor=actor, version=draft)


def seed_step(run: DemoRun) -> None:
    if seed_demo_frameworks(demo_huvudman()):
        run.say("Ramverk: nationella och inbyggda mallar laddade; Sjöviks plan publicerad.")


PART = DemoPart(app="frameworks", order=20, seed=seed_step)
