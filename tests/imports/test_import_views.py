from django.test import override_settings
from django.urls import reverse

from digiplan.imports.models import PendingImport
from digiplan.organisations.models import Organisation
from tests.helpers import domain_snapshot, fixture_bytes


def upload(client, name, kind="units", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("import_start"),
        {"kind": kind, "files": SimpleUploadedFile(name, fixture_bytes(name)), **extra},
    )


def test_upload_preview_confirm(world, client_for):
    client = client_for("strategist")
    before = domain_snapshot()
    response = upload(client, "units_excel_semicolon_bom.csv")
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert domain_snapshot() == before  # nothing written by the preview
    assert "Enheter som läggs till (3)" in page and "Enheter som ändras (1)" in page
    assert "Ängsskolan 44444444" in page
    pending = PendingImport.objects.get()
    response = client.post(reverse("import_confirm", args=[pending.pk]), follow=True)
    assert "Importen är klar" in response.content.decode()
    assert Organisation.objects.filter(school_unit_code__in=["44444444", "55555555"]).count() == 2
    assert not PendingImport.objects.exists()


def test_a_bad_file_lists_its_rows_and_cannot_be_confirmed(world, client_for):
    client = client_for("strategist")
    response = client.get(upload(client, "units_bad_values.csv")["Location"])
    page = response.content.decode()
    assert response.status_code == 400
    assert "5 rader kan inte importeras" in page and "Rad 2:" in page and "8 siffror" in page
    assert reverse("import_confirm", args=[PendingImport.objects.get().pk]) not in page
    before = domain_snapshot()
    client.post(reverse("import_confirm", args=[PendingImport.objects.get().pk]))
    assert domain_snapshot() == before


@override_settings(IMPORT_MAX_BYTES=100)
def test_an_oversized_upload_is_refused_before_it_is_read(world, client_for):
    response = client_for("strategist").post(
        reverse("import_start"), data=b"x" * 1000, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 413 and "högst" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_people_import_through_the_ui(world, client_for):
    client = client_for("strategist")
    client.get(upload(client, "people_excel_semicolon_bom.csv", kind="people")["Location"])
    client.post(reverse("import_confirm", args=[PendingImport.objects.get().pk]))
    assert world.huvudman.people.filter(name="Åsa Öberg").exists()


def test_another_strategist_cannot_see_or_confirm_my_upload(world, client_for):
    upload(client_for("strategist"), "units_excel_semicolon_bom.csv")
    pending = PendingImport.objects.get()
    other = client_for("other_strategist")
    assert other.get(reverse("import_preview", args=[pending.pk])).status_code == 404
    assert other.post(reverse("import_confirm", args=[pending.pk])).status_code == 404
    assert not Organisation.objects.filter(school_unit_code="44444444").exists()


def test_templates_download_as_excel_csv_and_workbook(world, client_for):
    import io

    import openpyxl

    client = client_for("strategist")
    csv = client.get(reverse("import_template", args=["enheter", "csv"])).content
    assert csv.startswith(b"\xef\xbb\xbftyp;namn;kortnamn;skolenhetskod")
    xlsx = client.get(reverse("import_template", args=["personer", "xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[1]] == [
        "namn",
        "e-post",
        "externt id",
        "eppn",
        "enhet",
        "roll",
        "undervisande",
    ]


def test_a_template_imports_as_it_is(world, client_for):
    from digiplan.imports import units
    from digiplan.imports.errors import ErrorList

    client = client_for("strategist")
    data = client.get(reverse("import_template", args=["enheter", "xlsx"])).content
    errors = ErrorList()
    rows = units.rows_from_table(data, "mall.xlsx", errors)
    plan = units.plan_units(world.huvudman, rows, errors=errors)
    assert not plan.errors, list(plan.errors)
    assert plan.summary["add"] == 3


def _ss12000_upload(client, names):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.helpers import FIXTURES

    files = [SimpleUploadedFile(n, (FIXTURES / "ss12000" / n).read_bytes()) for n in names]
    return client.post(reverse("import_start"), {"kind": "ss12000", "files": files})


SS12000_PAGES = ["organisations-1.json", "organisations-2.json", "persons-1.json", "duties-1.json"]


def test_ss12000_pages_of_another_huvudman_are_refused(world, client_for):
    client = client_for("strategist")
    before = domain_snapshot()
    response = client.get(_ss12000_upload(client, SS12000_PAGES)["Location"])
    assert response.status_code == 400
    assert "212000-9999" in response.content.decode()
    assert domain_snapshot() == before


def test_ss12000_pages_import_through_the_ui(world, client_for):
    from digiplan.organisations.models import Huvudman

    Huvudman.objects.filter(pk=world.huvudman.pk).update(organisation_number="212000-9999")
    client = client_for("strategist")
    preview = client.get(_ss12000_upload(client, SS12000_PAGES)["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert "Enheter som läggs till" in page and "Personer som läggs till" in page
    client.post(reverse("import_confirm", args=[PendingImport.objects.get().pk]))
    assert Organisation.objects.filter(huvudman=world.huvudman, type="skolenhet").count() > 2
