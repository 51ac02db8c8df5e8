"""Reads for expected tools: the tool items of the frameworks in force for a huvudman, each with
the register entry a strategist linked it to (or one suggested by name), and a unit's
declarations set against them (docs/registry.md, "Expected tools")."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import FrameworkVersion, Item, ItemKind, VersionStatus
from digiplan.organisations.models import Huvudman, Organisation
from digiplan.registry.digital_models import APPROVED_STATUSES, DigitalService, ServiceUse, name_key
from digiplan.registry.expected_tools_models import ExpectedToolLink

STATE_DECLARED = "declared"
STATE_NOT_APPROVED = "not_approved"
STATE_NOT_DECLARED = "not_declared"
STATE_NOT_LINKED = "not_linked"
STATE_TEXT = {
    STATE_DECLARED: _("Declared"),
    STATE_NOT_APPROVED: _("Declared but not approved"),
    STATE_NOT_DECLARED: _("Not declared"),
    STATE_NOT_LINKED: _("Not linked to the register"),
}


def tools_in_force(huvudman: Huvudman) -> list[Item]:
    """The tool items of the latest published version of each of the huvudman's own frameworks."""
    latest = (
        FrameworkVersion.objects.filter(
            framework=OuterRef("version__framework"), status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    return list(
        Item.objects.filter(
            kind=ItemKind.TOOL,
            version__framework__huvudman=huvudman,
            version__status=VersionStatus.PUBLISHED,
        )
        .filter(version_id=Subquery(latest))
        .select_related("version__framework")
        .order_by("version__framework__name", "order", "code")
    )


@dataclass(frozen=True)
class ExpectedTool:
    item: Item
    service: DigitalService | None  # the linked register entry
    suggestion: DigitalService | None  # an entry of the same name, while none is linked


def _suggest(item: Item, services: list[DigitalService]) -> DigitalService | None:
    """The entry named like the tool, else the only one whose name the tool's title contains."""
    key = name_key(item.title)
    alike = [s for s in services if s.name_key == key]
    if alike:
        return alike[0]
    inside = [s for s in services if s.name_key and (s.name_key in key or key in s.name_key)]
    return inside[0] if len(inside) == 1 else None


def expected_tools(huvudman: Huvudman) -> list[ExpectedTool]:
    """Every tool in force with its link or a suggestion: three queries."""
    tools = tools_in_force(huvudman)
    links = {
        (link.framework_id, link.item_code): link.service
        for link in ExpectedToolLink.objects.filter(huvudman=huvudman).select_related("service")
    }
    services = list(DigitalService.objects.filter(huvudman=huvudman).order_by("name"))
    result = []
    for item in tools:
        service = links.get((item.version.framework_id, item.code))
        result.append(ExpectedTool(item, service, None if service else _suggest(item, services)))
    return result


@dataclass(frozen=True)
class ExpectedUse:
    item: Item
    service: DigitalService | None
    state: str

    @property
    def state_text(self) -> str:
        return str(STATE_TEXT[self.state])

    @property
    def missing(self) -> bool:
        return self.state != STATE_DECLARED


def _state(service: DigitalService | None, declared: set[int]) -> str:
    if service is None:
        return STATE_NOT_LINKED
    if service.pk not in declared:
        return STATE_NOT_DECLARED
    return STATE_DECLARED if service.status in APPROVED_STATUSES else STATE_NOT_APPROVED


def expected_against_declared(unit: Organisation) -> list[ExpectedUse]:
    """Each expected tool and whether the unit declares it (and whether it is approved)."""
    declared = set(ServiceUse.objects.filter(unit=unit).values_list("service_id", flat=True))
    return [
        ExpectedUse(tool.item, tool.service, _state(tool.service, declared))
        for tool in expected_tools(unit.huvudman)
    ]
