"""Expected tools: the plan's tools linked to the register by a strategist (a suggestion by
name first), and each unit's declarations set against them: declared, declared but not
approved, not declared, or not linked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from digiplan.audit.models import AuditEvent
from digiplan.frameworks.models import Item, ItemKind
from digiplan.registry.digital_models import ServiceStatus
from digiplan.registry.digital_services import service_use_declare
from digiplan.registry.expected_tools import (
    STATE_DECLARED,
    STATE_NOT_APPROVED,
    STATE_NOT_DECLARED,
    STATE_NOT_LINKED,
    expected_against_declared,
    expected_tools,
)
from digiplan.registry.expected_tools_models import ExpectedToolLink
from digiplan.registry.expected_tools_services import (
    ERROR_NOT_A_TOOL,
    ERROR_OTHER_HUVUDMAN,
    expected_tool_link,
)
from tests.factories import FrameworkVersionFactory
from tests.registry.devices_helpers import swedish  # noqa: F401
from tests.registry.digital_services_helpers import make_service
from tests.registry.targets_helpers import PLAN, plan_with_targets

PLAN_WITH_TWO_TOOLS = PLAN.replace(
    "        title: Lärplattformen\n",
    "        title: Lärplattformen\n"
    "      - code: U.T2\n        kind: tool\n        title: Digitala läromedel\n",
)


def _tool(version, code="U.T1") -> Item:
    return version.items.get(code=code)


def test_a_tool_is_suggested_by_name_until_it_is_linked(world):
    version = plan_with_targets(world)
    platform = make_service(world, name="Lärplattformen")
    make_service(world, name="Annat")
    [tool] = expected_tools(world.huvudman)
    assert (tool.item.code, tool.service, tool.suggestion) == ("U.T1", None, platform)
    expected_tool_link(actor=world.strategist, item=_tool(version), service=platform)
    [tool] = expected_tools(world.huvudman)
    assert (tool.service, tool.suggestion) == (platform, None)
    assert AuditEvent.objects.filter(action="registry.expected_tool_link").count() == 1


def test_a_link_holds_across_the_frameworks_versions(world):
    version = plan_with_targets(world)
    platform = make_service(world, name="Plattform X")
    expected_tool_link(actor=world.strategist, item=_tool(version), service=platform)
    from digiplan.frameworks.exchange import import_framework  # noqa: PLC0415

    import_framework(
        PLAN.replace("slug: plan", f"slug: {version.framework.slug}"),
        huvudman=world.huvudman,
        actor=None,
        publish=True,
    )
    [tool] = expected_tools(world.huvudman)
    assert tool.item.version_id != version.pk and tool.service == platform


def test_each_unit_sees_expected_against_declared(world):
    version = FrameworkVersionFactory(huvudman=world.huvudman, text=PLAN_WITH_TWO_TOOLS)
    approved = make_service(world, name="Lärplattformen", status=ServiceStatus.APPROVED)
    proposed = make_service(world, name="Läromedelsportalen")
    expected_tool_link(actor=world.strategist, item=_tool(version), service=approved)
    service_use_declare(unit=world.unit_a, service=approved, actor=world.leader_a)
    states = {u.item.code: u.state for u in expected_against_declared(world.unit_a)}
    assert states == {"U.T1": STATE_DECLARED, "U.T2": STATE_NOT_LINKED}
    assert {u.item.code: u.state for u in expected_against_declared(world.unit_b)}[
        "U.T1"
    ] == STATE_NOT_DECLARED
    expected_tool_link(actor=world.strategist, item=_tool(version, "U.T2"), service=proposed)
    service_use_declare(unit=world.unit_b, service=proposed, actor=world.leader_b)
    states_b = {u.item.code: u.state for u in expected_against_declared(world.unit_b)}
    assert states_b == {"U.T1": STATE_NOT_DECLARED, "U.T2": STATE_NOT_APPROVED}


def test_only_a_strategist_links_and_only_within_their_huvudman(world):
    version = plan_with_targets(world)
    ours = make_service(world, name="Lärplattformen")
    theirs = make_service(world, name="Lärplattformen", huvudman=world.other_huvudman)
    with pytest.raises(PermissionDenied):
        expected_tool_link(actor=world.leader_a, item=_tool(version), service=ours)
    with pytest.raises(ValidationError) as refused:
        expected_tool_link(actor=world.strategist, item=_tool(version), service=theirs)
    assert refused.value.messages == [str(ERROR_OTHER_HUVUDMAN)]
    with pytest.raises(ValidationError):
        expected_tool_link(actor=world.other_strategist, item=_tool(version), service=theirs)
    area = version.items.get(kind=ItemKind.AREA)
    with pytest.raises(ValidationError) as refused:
        expected_tool_link(actor=world.strategist, item=area, service=ours)
    assert refused.value.messages == [str(ERROR_NOT_A_TOOL)]
    assert not ExpectedToolLink.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("strategist", 200), ("leader_a", 403), ("leader_b", 403), ("staff", 403), ("other_strategist", 200)],
)
def test_who_opens_the_expected_tools_page(world, client_for, persona, status):
    plan_with_targets(world)
    response = client_for(persona).get(reverse("expected_tools"))
    assert response.status_code == status
    if persona == "other_strategist":
        assert "Lärplattformen" not in response.content.decode()  # our plan's tool is not theirs


def test_the_anonymous_visitor_is_sent_to_sign_in(world, client_for):
    assert client_for("anonymous").get(reverse("expected_tools")).status_code == 302


def test_the_strategist_links_a_tool_on_the_page(world, client_for):
    version = plan_with_targets(world)
    platform = make_service(world, name="Lärplattformen")
    tool = _tool(version)
    page = client_for("strategist").get(reverse("expected_tools")).content.decode()
    assert "Förslag: Lärplattformen" in page
    response = client_for("strategist").post(
        reverse("expected_tool_link", args=[tool.pk]), {f"{tool.pk}-service": platform.pk}
    )
    assert response.status_code == 302
    assert ExpectedToolLink.objects.get().service == platform


@pytest.mark.parametrize("persona", ["leader_a", "staff", "other_strategist"])
def test_no_one_else_links_a_tool(world, client_for, persona):
    version = plan_with_targets(world)
    platform = make_service(world, name="Lärplattformen")
    tool = _tool(version)
    response = client_for(persona).post(
        reverse("expected_tool_link", args=[tool.pk]), {f"{tool.pk}-service": platform.pk}
    )
    assert response.status_code in (403, 404)
    assert not ExpectedToolLink.objects.exists()


def test_the_units_services_page_shows_expected_against_declared(world, client_for):
    version = plan_with_targets(world)
    platform = make_service(world, name="Lärplattformen", status=ServiceStatus.APPROVED)
    expected_tool_link(actor=world.strategist, item=_tool(version), service=platform)
    html = client_for("leader_a").get(reverse("services_unit", args=[world.unit_a.pk])).content.decode()
    section = html[html.index('id="expected-heading"') :]
    assert "Lärplattformen" in section and "Inte anmäld" in section
