"""The device pages through every persona: the strategist sees every unit, a unit leader their
own, staff and visitors nothing, and another huvudman's strategist none of it."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digiplan.imports.models import PendingImport
from digiplan.organisations.models import Role
from digiplan.registry.device_models import Device, DeviceUnitRule, RuleMatch, UserGroup
from tests.factories import PersonFactory
from tests.helpers import domain_snapshot
from tests.registry.devices_helpers import (  # noqa: F401  (swedish: an autouse fixture)
    chromeos_bytes,
    chromeos_row,
    import_file,
    rule,
    swedish,
    template_bytes,
    template_row,
)

STRANGER_SERIAL = "OTHER-HUVUDMAN-1"


@pytest.fixture
def devices(world):
    """Two devices at unit A, one at unit B, and one of the other huvudman."""
    import_file(
        world.huvudman,
        template_bytes(
            [
                template_row("A-1", namn="<script>alert(1)</script>"),
                template_row("A-2", typ="dator", användargrupp="personal", ägande="leasad")
                | {"avtalet löper ut": (datetime.date.today() + datetime.timedelta(days=40)).isoformat()},
                template_row("B-1", skolenhetskod="22222222", namn='=HYPERLINK("http://x","klicka")'),
            ]
        ),
    )
    import_file(
        world.other_huvudman, template_bytes([template_row(STRANGER_SERIAL, skolenhetskod="33333333")])
    )
    return world


READ_PAGES = [
    ("device_overview", False),
    ("device_budget", False),
    ("device_unit", True),
    ("device_export", "xlsx"),
]


def _url(name, world, arg):
    if arg is True:
        return reverse(name, args=[world.unit_a.pk])
    if arg:
        return reverse(name, args=[arg])
    return reverse(name)


@pytest.mark.parametrize(("name", "arg"), READ_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("strategist", 200), ("leader_a", 200), ("leader_b", 404), ("staff", 403), ("other_strategist", 404)],
)
def test_who_reads_the_device_pages(devices, client_for, name, arg, persona, status):
    response = client_for(persona).get(_url(name, devices, arg))
    if name != "device_unit" and status == 404:
        status = 200  # their own overview, without unit A
    assert response.status_code == status


@pytest.mark.parametrize(("name", "arg"), READ_PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(devices, client_for, name, arg):
    response = client_for("anonymous").get(_url(name, devices, arg))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_strategist_sees_every_unit_with_counts_per_type_and_group(devices, client_for):
    page = client_for("strategist").get(reverse("device_overview")).content.decode()
    assert "Almskolan" in page and "Björkskolan" in page
    assert "Elever GR F-3: 1" in page and "Personal: 1" in page
    assert "Ekskolan" not in page


def test_a_unit_leader_sees_only_their_unit(devices, client_for):
    page = client_for("leader_b").get(reverse("device_overview")).content.decode()
    assert "Björkskolan" in page and "Almskolan" not in page


def test_another_huvudmans_devices_are_never_shown_or_counted(devices, client_for):
    client = client_for("strategist")
    for name in ("device_overview", "device_budget"):
        assert STRANGER_SERIAL not in client.get(reverse(name)).content.decode()
    export = client.get(reverse("device_export", args=["csv"])).content.decode("utf-8-sig")
    assert STRANGER_SERIAL not in export and "A-1" in export
    stranger_unit = reverse("device_unit", args=[devices.other_unit.pk])
    assert client.get(stranger_unit).status_code == 404
    other = client_for("other_strategist").get(reverse("device_overview")).content.decode()
    assert "Ekskolan" in other and "Almskolan" not in other


def test_a_script_in_a_device_name_is_shown_as_text(devices, client_for):
    page = client_for("strategist").get(reverse("device_unit", args=[devices.unit_a.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_formula_in_a_name_is_never_a_formula_in_the_export(devices, client_for):
    client = client_for("strategist")
    csv_text = client.get(reverse("device_export", args=["csv"])).content.decode("utf-8-sig")
    assert ";'=HYPERLINK(" in csv_text.replace('"', "")
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("device_export", args=["xlsx"])).content))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_the_budget_lists_the_lease_ending_within_twelve_months(devices, client_for):
    page = client_for("strategist").get(reverse("device_budget")).content.decode()
    assert "Almskolan" in page and "Björkskolan" not in page


# --- Import and rules: strategists and coordinators ------------------------------------------

WRITE_PAGES = ["device_import_start", "device_rules", "device_template"]


@pytest.mark.parametrize("name", WRITE_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("strategist", 200), ("leader_a", 403), ("leader_b", 403), ("staff", 403), ("other_strategist", 200)],
)
def test_who_may_import_and_set_rules(world, client_for, name, persona, status):
    url = reverse(name, args=["csv"]) if name == "device_template" else reverse(name)
    assert client_for(persona).get(url).status_code == status


def test_a_coordinator_may_import_for_their_unit(world, client):
    coordinator = PersonFactory(organisation=world.unit_a, role=Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(reverse("device_import_start")).status_code == 200
    page = client.get(reverse("device_rules")).content.decode()
    assert "Almskolan" in page and "Björkskolan" not in page  # the units they may choose


def _upload(client, data, name="enheter.csv"):
    return client.post(reverse("device_import_start"), {"file": SimpleUploadedFile(name, data), "format": ""})


def test_upload_preview_confirm(world, client_for):
    rule(world, "/Elever/Almskolan")
    client = client_for("strategist")
    before = domain_snapshot(), Device.objects.count()
    response = _upload(client, chromeos_bytes([chromeos_row("C-1"), chromeos_row("C-2")]))
    page = client.get(response["Location"]).content.decode()
    assert (domain_snapshot(), Device.objects.count()) == before  # nothing written by the preview
    assert "Digitala enheter som läggs till (2)" in page
    pending = PendingImport.objects.get()
    assert "Bo Berg" not in str(pending.rows) and "bo.berg" not in str(pending.rows)
    response = client.post(reverse("device_import_confirm", args=[pending.pk]), follow=True)
    assert "Importen är klar" in response.content.decode()
    assert Device.objects.filter(huvudman=world.huvudman).count() == 2
    assert not PendingImport.objects.exists()


def test_a_bad_file_lists_its_rows_in_swedish_and_cannot_be_confirmed(world, client_for):
    client = client_for("strategist")
    response = client.get(_upload(client, template_bytes([template_row("X", typ="brödrost")]))["Location"])
    page = response.content.decode()
    assert response.status_code == 400 and "Rad 2:" in page and "Okänd enhetstyp" in page
    pending = PendingImport.objects.get()
    assert reverse("device_import_confirm", args=[pending.pk]) not in page
    client.post(reverse("device_import_confirm", args=[pending.pk]))
    assert not Device.objects.exists()


def test_a_file_that_is_not_a_device_file_is_refused_in_swedish(world, client_for):
    response = _upload(client_for("strategist"), b"namn;e-post\nAnna;anna@x.se\n")
    assert response.status_code == 400 and "Kolumnerna är inte de i en export" in response.content.decode()


def test_another_strategist_cannot_see_or_confirm_the_preview(world, client_for):
    rule(world, "/Elever/Almskolan")
    _upload(client_for("strategist"), chromeos_bytes([chromeos_row("C-1")]))
    pending = PendingImport.objects.get()
    other = client_for("other_strategist")
    assert other.get(reverse("device_import_preview", args=[pending.pk])).status_code == 404
    assert other.post(reverse("device_import_confirm", args=[pending.pk])).status_code == 404
    assert not Device.objects.exists()


def test_a_rule_is_added_and_removed(world, client_for):
    client = client_for("strategist")
    response = client.post(
        reverse("device_rules"),
        {
            "match": RuleMatch.ORG_UNIT_PATH,
            "prefix": "/Elever/Almskolan",
            "unit": world.unit_a.pk,
            "user_group": UserGroup.PUPILS,
            "school_form": "GR",
            "grade_band": "4-6",
        },
    )
    assert response.status_code == 302
    created = DeviceUnitRule.objects.get()
    assert (created.unit, created.grade_band) == (world.unit_a, "4-6")
    client.post(reverse("device_rule_delete", args=[created.pk]))
    assert not DeviceUnitRule.objects.exists()


def test_a_rule_cannot_name_another_huvudmans_unit(world, client_for):
    response = client_for("strategist").post(
        reverse("device_rules"),
        {
            "match": RuleMatch.NAME_PREFIX,
            "prefix": "X",
            "unit": world.other_unit.pk,
            "user_group": UserGroup.STAFF,
        },
    )
    assert response.status_code == 400 and not DeviceUnitRule.objects.exists()


def test_another_strategist_cannot_remove_a_rule(world, client_for):
    created = rule(world, "/Elever")
    response = client_for("other_strategist").post(reverse("device_rule_delete", args=[created.pk]))
    assert response.status_code == 404 and DeviceUnitRule.objects.exists()


def test_the_template_downloads_and_imports_as_it_is(world, client_for):
    client = client_for("strategist")
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("device_template", args=[fmt]))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = client.get(reverse("device_template", args=["csv"])).content.replace(b"12345678", b"11111111")
    import_file(world.huvudman, data)
    assert Device.objects.count() == 2


def test_a_reimport_preview_names_each_change_and_the_devices_gone(world, client_for):
    rule(world, "/Elever/Almskolan")
    import_file(world.huvudman, chromeos_bytes([chromeos_row("C-1"), chromeos_row("C-2")]))
    client = client_for("strategist")
    response = _upload(client, chromeos_bytes([chromeos_row("C-1", osVersion="131.0")]))
    page = client.get(response["Location"]).content.decode()
    assert "Digitala enheter som ändras (1)" in page
    assert "C-1: version av operativsystemet: 130.0.6723.118 → 131.0" in page
    assert "Digitala enheter som inte längre finns i filen (1)" in page and "C-2" in page
