"""The register to and from a spreadsheet: an export imports back unchanged, and a file as users
have them (Latin-1 CSV, formulas, scripts, duplicates, missing columns, bad values) is either
written whole or refused whole, each bad row named with its line and reason."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from digiplan.audit.models import AuditEvent
from digiplan.lib.uploads import UploadRejected
from digiplan.registry import digital_checks as checks
from digiplan.registry import digital_exchange as exchange
from digiplan.registry.digital_models import DigitalService, ServiceStatus
from digiplan.registry.digital_services import services_import
from tests.registry.digital_services_helpers import make_service

pytestmark = pytest.mark.django_db

HEADER = ";".join(
    ["namn", "leverantör", "syfte", "personal", "elever", "elevuppgifter", "rättslig grund"]
    + ["biträdesavtal", "biträdesavtal upphör", "lagring"]
)


def _csv(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def _plan(world, data: bytes, name="tjanster.csv"):
    return exchange.plan_import(world.huvudman, exchange.read_rows(data, name))


def _errors(plan) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in plan.errors]


def _sheet(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_export_holds_the_huvudmans_register_only_with_formulas_neutralised(world):
    make_service(world, name='=HYPERLINK("http://evil.test","Klicka")', status=ServiceStatus.APPROVED)
    make_service(world, huvudman=world.other_huvudman, name="Annans tjänst")
    rows = _sheet(exchange.export_xlsx(world.huvudman))
    assert rows[0][:3] == ["namn", "leverantör", "syfte"]
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://evil.test","Klicka")']
    status = rows[1][list(exchange.COLUMNS).index("status")]
    assert status == "Godkänd"  # in Swedish whatever the language of the request


def test_an_exported_register_imports_back_unchanged(world):
    make_service(world, name="=SUMMA(A1)", status=ServiceStatus.APPROVED_WITH_CONDITIONS)
    make_service(
        world,
        name="Molntjänst",
        data_location="third_country",
        third_country="USA",
        transfer_basis="standard_clauses",
        pupil_school_forms=["GR", "GY"],
    )
    plan = _plan(world, exchange.export_xlsx(world.huvudman), "export.xlsx")
    assert (plan.adds, plan.changes, plan.unchanged, _errors(plan)) == ([], [], 2, [])


def test_an_import_adds_new_services_as_proposed_and_changes_those_of_the_same_name(world):
    approved = make_service(world, name="Lärplattformen", status=ServiceStatus.APPROVED)
    data = _csv(
        "LÄRPLATTFORMEN;Nya Skolsystem AB;;ja;GR;ja;e;ja;2031-01-31;EU/EES",
        "Ordboken;Lexikon AB;Ordbok;ja;;nej;;nej;;",
    )
    plan = _plan(world, data)
    assert _errors(plan) == []
    services_import(
        huvudman=world.huvudman, actor=world.strategist, adds=plan.adds, changes=plan.changes, source="x"
    )
    approved.refresh_from_db()
    assert (approved.supplier, approved.status) == ("Nya Skolsystem AB", ServiceStatus.APPROVED)
    new = DigitalService.objects.get(name="Ordboken")
    assert (new.status, new.for_staff, new.proposed_by) == (ServiceStatus.PROPOSED, True, world.strategist)
    assert AuditEvent.objects.filter(action="digital_service.imported", actor=world.strategist).count() == 1


def test_a_latin1_csv_from_swedish_excel_is_read(world):
    plan = _plan(world, _csv("Läromedel för åk 1;Förlaget Öst AB;;ja;;;;;;", encoding="cp1252"))
    assert _errors(plan) == []
    assert (plan.adds[0]["name"], plan.adds[0]["supplier"]) == ("Läromedel för åk 1", "Förlaget Öst AB")


def test_a_script_as_a_name_is_kept_as_text_and_shown_escaped(world, client_for):
    plan = _plan(world, _csv("<script>alert(1)</script>;Elak AB;;ja;;;;;;"))
    services_import(huvudman=world.huvudman, actor=None, adds=plan.adds, changes=[], source="x")
    page = client_for("strategist").get(reverse("services_register")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_formula_in_a_cell_is_stored_as_text_and_neutralised_again_on_export(world):
    plan = _plan(world, _csv("=cmd|' /C calc'!A0;Elak AB;;ja;;;;;;"))
    services_import(huvudman=world.huvudman, actor=None, adds=plan.adds, changes=[], source="x")
    assert DigitalService.objects.get().name == "=cmd|' /C calc'!A0"
    assert _sheet(exchange.export_xlsx(world.huvudman))[1][0] == "'=cmd|' /C calc'!A0"


def test_every_bad_row_is_named_with_its_line_and_nothing_is_written(world):
    data = _csv(
        "Bra tjänst;Bra AB;;ja;;;;;;",
        "Ordboken;Lexikon AB;;kanske;;;;;;",
        "Molnet;Moln Inc;;ja;;ja;e;ja;31/12/2027;tredje land",
        "ordboken;Annan AB;;ja;;;;;;",
        ";Namnlös AB;;ja;;;;;;",
        "Gammal;AB;;ja;;ja;g;;;",
    )
    plan = _plan(world, data)
    lines = [line for line, _message in _errors(plan)]
    assert lines == [3, 4, 5, 6, 7]
    messages = dict(_errors(plan))
    assert messages[3] == "personal: " + str(exchange.ERROR_YES_NO % {"value": "kanske"})
    assert messages[5] == str(exchange.ERROR_DUPLICATE % {"name": "ordboken", "line": 3})
    assert "rättslig grund" in messages[7]
    assert messages[4] == "biträdesavtal upphör: " + str(exchange.ERROR_DATE % {"value": "31/12/2027"})
    assert not DigitalService.objects.exists()


def test_the_data_protection_checks_apply_to_imported_rows(world):
    plan = _plan(world, _csv("Molnet;Moln Inc;;ja;;ja;e;ja;2030-01-01;tredje land"))
    assert _errors(plan) == [
        (2, "överföringsgrund: " + str(checks.ERROR_TRANSFER_BASIS_MISSING)),
        (2, "tredje land: " + str(checks.ERROR_THIRD_COUNTRY_MISSING)),
    ]


def test_a_file_without_a_required_column_is_refused_whole(world):
    with pytest.raises(UploadRejected) as refused:
        exchange.read_rows(b"namn;syfte\nOrdboken;Ord\n", "tjanster.csv")
    assert "leverantör" in refused.value.message


def test_an_unknown_column_is_refused_whole(world):
    with pytest.raises(UploadRejected) as refused:
        exchange.read_rows(b"namn;leverant\xc3\xb6r;hemligt\nOrdboken;Lexikon;x\n", "tjanster.csv")
    assert "hemligt" in refused.value.message


def test_the_commands_export_and_import_by_organisation_number_with_or_without_dash(world, tmp_path):
    make_service(world, name="Lärplattformen", status=ServiceStatus.APPROVED)
    target = tmp_path / "register.xlsx"
    call_command("export_services", "--huvudman", "2120001234", "--output", str(target))
    DigitalService.objects.update(supplier="Ändrad AB")
    out = io.StringIO()
    call_command("import_services", str(target), "--huvudman", "212000-1234", stdout=out)
    assert DigitalService.objects.get().supplier == "Skolsystem AB"
    assert AuditEvent.objects.filter(action="digital_service.imported", actor=None).count() == 1


def test_the_import_command_writes_nothing_from_a_file_with_one_bad_row(world, tmp_path):
    source = tmp_path / "tjanster.csv"
    source.write_bytes(_csv("Bra;Bra AB;;ja;;;;;;", "Dålig;AB;;ja;;;;;2030-13-45;"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_services", str(source), "--huvudman", "212000-1234", stderr=err)
    assert "3" in err.getvalue() and not DigitalService.objects.exists()


def test_the_web_import_previews_then_writes_what_it_showed(world, client_for):
    client = client_for("strategist")
    upload = io.BytesIO(_csv("Ordboken;Lexikon AB;;ja;;;;;;"))
    upload.name = "tjanster.csv"
    preview = client.post(reverse("services_import"), {"file": upload})
    assert preview.status_code == 200 and not DigitalService.objects.exists()
    payload = preview.context["payload"]
    done = client.post(reverse("services_import_confirm"), {"payload": payload, "file_name": "tjanster.csv"})
    assert done.status_code == 302 and DigitalService.objects.get().name == "Ordboken"


def test_a_preview_with_errors_offers_no_confirmation(world, client_for):
    upload = io.BytesIO(_csv("Ordboken;Lexikon AB;;kanske;;;;;;"))
    upload.name = "tjanster.csv"
    preview = client_for("strategist").post(reverse("services_import"), {"file": upload})
    assert preview.status_code == 400 and preview.context["payload"] == ""
    assert "kanske" in preview.content.decode()


def test_a_tampered_or_borrowed_preview_is_refused(world, client_for):
    rows = [(2, {"name": "Smuggel", "supplier": "AB", "for_staff": "ja"})]
    theirs = exchange.sign_rows(rows, huvudman_id=world.other_huvudman.pk, actor_id=world.other_strategist.pk)
    ours = exchange.sign_rows(rows, huvudman_id=world.huvudman.pk, actor_id=world.strategist.pk)
    client = client_for("strategist")
    for payload in (theirs, ours[:-2] + "xx"):
        response = client.post(reverse("services_import_confirm"), {"payload": payload})
        assert response.status_code == 302
    assert not DigitalService.objects.exists()
    borrowed = client_for("leader_a").post(reverse("services_import_confirm"), {"payload": ours})
    assert borrowed.status_code == 403 and not DigitalService.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, client_for, settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = io.BytesIO(_csv(*["Ordboken;Lexikon AB;;ja;;;;;;"] * 10))
    upload.name = "tjanster.csv"
    response = client_for("strategist").post(reverse("services_import"), {"file": upload})
    assert response.status_code == 413 and not DigitalService.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(world, client_for):
    upload = io.BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "tjanster.xlsx"
    response = client_for("strategist").post(reverse("services_import"), {"file": upload})
    assert response.status_code == 400 and response.context["rejected"]


def test_the_row_errors_read_in_swedish(world):
    from django.utils import translation

    with translation.override("sv"):
        plan = _plan(world, _csv("Ordboken;Lexikon AB;;kanske;;;;;;", "Molnet;Moln Inc;;ja;;ja;;nej;;"))
        assert [str(error) for error in plan.errors] == [
            "Rad 2: personal: ”kanske” är inte ja eller nej.",
            "Rad 3: rättslig grund: En tjänst som behandlar personuppgifter behöver en rättslig grund"
            " (GDPR art. 6).",
        ]


def test_the_export_button_gives_each_strategist_their_own_register(world, client_for):
    make_service(world, name="Vår tjänst")
    make_service(world, huvudman=world.other_huvudman, name="Deras tjänst")
    ours = client_for("strategist").get(reverse("services_export"))
    theirs = client_for("other_strategist").get(reverse("services_export"))
    assert ours["Content-Disposition"] == 'attachment; filename="digitala-tjanster-212000-1234.xlsx"'
    assert [row[0] for row in _sheet(ours.content)[1:]] == ["Vår tjänst"]
    assert [row[0] for row in _sheet(theirs.content)[1:]] == ["Deras tjänst"]


def test_a_dry_run_of_the_import_command_says_what_it_would_do_and_writes_nothing(world, tmp_path):
    source = tmp_path / "tjanster.csv"
    source.write_bytes(_csv("Ordboken;Lexikon AB;;ja;;;;;;"))
    out = io.StringIO()
    call_command("import_services", str(source), "--huvudman", "212000-1234", "--dry-run", stdout=out)
    assert "1" in out.getvalue() and not DigitalService.objects.exists()
    assert not AuditEvent.objects.filter(action="digital_service.imported").exists()
