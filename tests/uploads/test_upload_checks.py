"""digiplan/lib/uploads.py: each check refuses its attack before a parser is reached, and lets
the files people really make through."""

import io
import json
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.test import override_settings
from django.utils import translation

from digiplan.frameworks import exchange, yamlfile
from digiplan.imports import people, units
from digiplan.imports.errors import ErrorList
from digiplan.lib import uploads
from digiplan.lib.uploads import UploadRejected
from tests.uploads import malformed
from tests.uploads.targets import IMPORT_ORGANISATION, PEOPLE_PAGE, UNITS_PAGE, row_counts


def refusal(check, *args) -> str:
    with pytest.raises(UploadRejected) as refused, translation.override("sv"):
        check(*args)
    return refused.value.message


def sv(message) -> str:
    with translation.override("sv"):
        return str(message)


# --- XLSX: the zip is measured before openpyxl opens it ------------------------------------


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    """Fails the test if openpyxl is called, also where a reader catches what it raises."""
    calls = []

    def fail(*args, **_kwargs):
        calls.append(args)
        raise AssertionError("openpyxl was given a file the zip checks should have refused")

    monkeypatch.setattr(openpyxl, "load_workbook", fail)
    yield
    assert calls == [], "openpyxl was called"


def test_the_bomb_claims_hundreds_of_megabytes_in_a_quarter_of_one():
    bomb = malformed.xlsx_bomb()
    assert len(bomb) < 300 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 250 * 2**20


def test_the_xlsx_bomb_is_refused_before_openpyxl_is_called(openpyxl_must_not_open):
    message = refusal(units.rows_from_table, malformed.xlsx_bomb(), "enheter.xlsx", ErrorList())
    assert message.startswith(sv(uploads.ERROR_ZIP_INFLATES).split("(")[0])


@pytest.mark.parametrize("target", [UNITS_PAGE, PEOPLE_PAGE, IMPORT_ORGANISATION], ids=lambda t: t.name)
def test_no_upload_path_hands_the_bomb_to_openpyxl(
    world, client_for, tmp_path, openpyxl_must_not_open, target
):
    before = row_counts()
    outcome = target.send(client_for("strategist"), "bomb.xlsx", malformed.xlsx_bomb(), tmp_path=tmp_path)
    assert not outcome.accepted and row_counts() == before


@override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=4 * 2**20)
def test_a_workbook_that_unpacks_beyond_the_total_is_refused(openpyxl_must_not_open):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # no packing at all
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (5 * 2**20))
    assert "MB" in refusal(uploads.check_zip, out.getvalue())


def test_a_zip_listing_thousands_of_parts_is_refused_before_they_are_listed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(uploads.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"x/{n}", b"")
    assert refusal(uploads.check_zip, out.getvalue()) == sv(uploads.ERROR_NOT_XLSX)


@pytest.mark.parametrize(
    "data", [malformed.truncated_zip(), b"PK\x03\x04" + b"\x00" * 100, b"PK\x05\x06" + b"\xff" * 18]
)
def test_a_damaged_zip_is_not_an_excel_file(data):
    assert refusal(uploads.check_zip, data) == sv(uploads.ERROR_NOT_XLSX)


def test_a_large_real_workbook_passes(world):
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["namn", "e-post", "enhet", "roll"])
    for n in range(1, 5001):  # Excel packs repetitive sheets about tenfold
        sheet.write_row(n, 0, [f"Person {n}", f"p{n}@sjovik.test", "11111111", "personal"])
    workbook.close()
    uploads.check_zip(out.getvalue())
    rows = people.rows_from_table(out.getvalue(), "personer.xlsx", world.huvudman, ErrorList())
    assert len(rows) == 5000


# --- Text -----------------------------------------------------------------------------------


def test_a_bom_followed_by_bytes_that_are_not_utf8_is_refused_with_a_message():
    assert refusal(uploads.decode_table_text, malformed.bom_then_invalid_utf8()) == sv(uploads.ERROR_NOT_UTF8)
    assert refusal(uploads.decode_utf8, malformed.bom_then_invalid_utf8()) == sv(uploads.ERROR_NOT_UTF8)


def test_tables_are_read_as_swedish_programs_save_them():
    assert uploads.decode_table_text("Åsa".encode("utf-8-sig")) == "Åsa"
    assert uploads.decode_table_text("Åsa".encode()) == "Åsa"
    assert uploads.decode_table_text("Åsa".encode("latin-1")) == "Åsa"
    assert uploads.decode_utf8("Åsa".encode("utf-8-sig")) == "Åsa"


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"])
def test_text_no_column_can_hold_is_refused(text):
    assert refusal(uploads.check_storable, text) == sv(uploads.ERROR_BAD_CHARACTERS)


# --- Sizes ----------------------------------------------------------------------------------


@override_settings(IMPORT_MAX_BYTES=2**20)
def test_a_file_a_byte_over_the_limit_does_not_read_as_the_limit():
    assert refusal(uploads.check_size, 2**20 + 1) == sv(uploads.ERROR_TOO_LARGE) % {"size": "1,1", "max": 1}
    uploads.check_size(2**20)


@override_settings(IMPORT_MAX_BYTES=1024)
def test_a_file_is_measured_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "stor.csv"
    path.write_bytes(b"x" * 1025)
    monkeypatch.setattr(type(path), "open", lambda *a, **k: pytest.fail("read before measured"))
    assert "MB" in refusal(uploads.read_path, path)


# --- JSON -----------------------------------------------------------------------------------


def test_json_as_deep_as_the_limit_passes_and_one_level_more_is_refused():
    limit = uploads.MAX_NESTING
    uploads.check_json_text("[" * limit + "]" * limit)
    assert refusal(uploads.check_json_text, "[" * (limit + 1) + "]" * (limit + 1)) == sv(
        uploads.ERROR_TOO_DEEP
    ) % {"max": limit}


def test_brackets_inside_strings_do_not_count_as_nesting():
    uploads.check_json_text(json.dumps({"name": "[" * 500 + '\\"{' * 500}))


def test_json_nested_a_hundred_thousand_deep_is_refused_not_recursed_into():
    assert "64" in refusal(uploads.check_json_text, malformed.nested_json().decode())


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800", "\\udc00x"])
def test_json_escapes_of_unstorable_characters_are_refused(escape):
    assert refusal(uploads.check_json_text, '{"a": "x' + escape + '"}') == sv(uploads.ERROR_BAD_CHARACTERS)


def test_a_pair_of_escaped_surrogates_is_a_character_and_passes():
    uploads.check_json_text('{"a": "\\ud83d\\ude00"}')


# --- YAML -----------------------------------------------------------------------------------


def test_billion_laughs_is_refused_while_it_is_read():
    assert refusal(yamlfile.load, malformed.yaml_alias_bomb().decode()) == sv(uploads.ERROR_YAML_ALIASES)


def test_an_alias_inside_its_own_anchor_is_refused():
    assert refusal(yamlfile.load, "items: &a [{children: *a}]\n") == sv(uploads.ERROR_YAML_ALIASES)


def test_a_few_aliases_are_still_allowed():
    data = yamlfile.load("a: &x {label: Ja}\nb: *x\nc: *x\n")
    assert data["b"] == data["c"] == {"label": "Ja"}


def test_yaml_nested_a_hundred_thousand_deep_is_refused():
    assert refusal(yamlfile.load, malformed.yaml_deeply_nested().decode()) == sv(uploads.ERROR_TOO_DEEP) % {
        "max": uploads.MAX_NESTING
    }


def test_yaml_that_spells_a_nul_character_is_refused():
    assert refusal(yamlfile.load, 'title: "a\\0b"\n') == sv(uploads.ERROR_BAD_CHARACTERS)


def test_an_exported_framework_never_uses_aliases():
    shared = {"label": "Ja"}
    assert "*" not in yamlfile.dump({"a": shared, "b": shared})


def test_a_framework_file_with_the_bomb_is_refused_with_the_message(db):
    with pytest.raises(exchange.FrameworkFileError) as refused, translation.override("sv"):
        exchange.parse(malformed.yaml_alias_bomb().decode())
    assert refused.value.errors == [(0, sv(uploads.ERROR_YAML_ALIASES))]
