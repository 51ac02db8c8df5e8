"""Device targets on the device pages: each unit's ratio against the plan's targets, a unit
below target named so in words (not colour only), and only to those who may see its devices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UnitFactory
from tests.registry.devices_helpers import import_file, swedish, template_bytes, template_row  # noqa: F401
from tests.registry.targets_helpers import head_counts, plan_with_targets

BELOW = "Under målet"
MET = "Målet är nått"
WORDING = "En enhet per elev i årskurs 1–9"


@pytest.fixture
def measured(world):
    """Unit A has 10 devices for 40 pupils in 4–6 (below a target of one each); unit B 30 for 20."""
    plan_with_targets(world)
    head_counts(world.unit_a, {("GR", "4-6"): 40}, staff=10)
    head_counts(world.unit_b, {("GR", "4-6"): 20}, staff=5)
    rows = [
        template_row(f"A{i}", skolenhetskod="11111111", användargrupp="elever GR 4-6") for i in range(10)
    ] + [template_row(f"B{i}", skolenhetskod="22222222", användargrupp="elever GR 4-6") for i in range(30)]
    import_file(world.huvudman, template_bytes(rows))
    return world


def _row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a></th>", html.index('id="device-targets"'))
    return html[start : html.index("</tr>", start)]


def test_the_strategist_sees_each_unit_against_the_target_with_the_one_below_in_words(measured, client_for):
    html = client_for("strategist").get(reverse("device_overview")).content.decode()
    assert WORDING in html
    assert "0,25" in _row_of(html, "Almskolan") and BELOW in _row_of(html, "Almskolan")
    assert "1,50" in _row_of(html, "Björkskolan") and MET in _row_of(html, "Björkskolan")
    assert 'class="below-target"' in html


def test_a_unit_leader_sees_only_their_units_targets(measured, client_for):
    html = client_for("leader_b").get(reverse("device_overview")).content.decode()
    assert ">Björkskolan</a>" in html and ">Almskolan</a>" not in html


def test_the_units_device_page_shows_its_targets_with_wording_ratio_and_value(measured, client_for):
    html = client_for("leader_a").get(reverse("device_unit", args=[measured.unit_a.pk])).content.decode()
    section = html[html.index('id="device-targets"') :]
    assert WORDING in section and "0,25" in section and BELOW in section and "40" in section


@pytest.mark.parametrize(
    ("persona", "status"), [("leader_b", 404), ("staff", 403), ("other_strategist", 404)]
)
def test_no_one_else_sees_a_units_targets(measured, client_for, persona, status):
    response = client_for(persona).get(reverse("device_unit", args=[measured.unit_a.pk]))
    assert response.status_code == status
    assert WORDING.encode() not in response.content


def test_another_huvudmans_strategist_sees_no_targets_of_ours(measured, client_for):
    html = client_for("other_strategist").get(reverse("device_overview")).content.decode()
    assert WORDING not in html and "Almskolan" not in html


def test_the_anonymous_visitor_is_sent_to_sign_in(measured, client_for):
    response = client_for("anonymous").get(reverse("device_overview"))
    assert response.status_code == 302


def test_without_targets_the_page_says_so(world, client_for):
    html = client_for("strategist").get(reverse("device_overview")).content.decode()
    assert "Den gällande planen har inga mål för digitala enheter." in html


def _overview_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("device_overview")).status_code == 200
    return len(captured)


def test_the_overview_query_count_does_not_grow_with_the_units(measured, client_for):
    client = client_for("strategist")
    few = _overview_queries(client)
    for i in range(10):
        UnitFactory(parent=measured.omrade, pupil_counts={("GR", "4-6"): 10 + i}, staff_count=3)
    assert _overview_queries(client) == few


def test_a_targets_owner_and_due_date_are_shown_with_it(world, client_for):
    from tests.registry.targets_helpers import PLAN  # noqa: PLC0415

    owned = PLAN.replace(
        "    description: En enhet per elev i årskurs 1–9\n",
        "    description: En enhet per elev i årskurs 1–9\n"
        '    owner: {party: Leverantören}\n    due_date: "2027-06-30"\n',
    )
    plan_with_targets(world, text=owned)
    html = client_for("leader_a").get(reverse("device_unit", args=[world.unit_a.pk])).content.decode()
    section = html[html.index('id="device-targets"') :]
    assert "Ansvarig Leverantören" in section and "klart senast 2027-06-30" in section
