"""Device files as a whole: Excel workbooks, columns in any order, columns the template does not
know, files that are no device file at all, and 100,000 rows with one bad among them."""

import io

import openpyxl
import pytest
from django.test import override_settings

from digiplan.imports.errors import ErrorList
from digiplan.lib.uploads import UploadRejected
from digiplan.registry.device_models import Device, DeviceFormat, UserGroup
from digiplan.registry.devices_rows import TEMPLATE_HEADER, device_file_read
from tests.registry.devices_helpers import (  # noqa: F401  (swedish: an autouse fixture)
    CHROMEOS_HEADER,
    chromeos_row,
    import_file,
    messages,
    plan_file,
    rule,
    swedish,
    table_bytes,
    template_bytes,
    template_row,
)


def _xlsx(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_as_an_excel_workbook(world):
    import_file(
        world.huvudman, _xlsx(TEMPLATE_HEADER, [template_row("X1", användargrupp="personal")]), "m.xlsx"
    )
    assert Device.objects.get().user_group == UserGroup.STAFF


def test_columns_in_another_order_read_the_same(world):
    rule(world, "/Elever/Almskolan")
    import_file(world.huvudman, table_bytes(list(reversed(CHROMEOS_HEADER)), [chromeos_row("R1")]))
    assert Device.objects.get().serial_number == "R1"


def test_a_column_the_template_does_not_know_is_refused_by_name(world):
    data = table_bytes([*TEMPLATE_HEADER, "färg"], [template_row("U1") | {"färg": "blå"}], delimiter=";")
    with pytest.raises(UploadRejected) as refused:
        device_file_read(data, "mall.csv", ErrorList(), DeviceFormat.DIGIPLAN)
    assert "färg" in refused.value.message


def test_a_file_of_no_known_kind_is_refused(world):
    with pytest.raises(UploadRejected) as refused:
        device_file_read(b"namn;e-post\nAnna;anna@x.se\n", "personer.csv", ErrorList())
    assert "Kolumnerna är inte de i en export" in refused.value.message


@override_settings(IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world):
    data = template_bytes([template_row(f"S{i}") for i in range(100)])
    with pytest.raises(UploadRejected) as refused:
        device_file_read(data, "stor.csv", ErrorList())
    assert "MB" in refused.value.message


def test_a_hundred_thousand_rows_with_one_bad_name_it_and_write_nothing(world):
    rows = [template_row(f"N{i:06d}") for i in range(100_000)]
    rows[99_998]["typ"] = "kaffebryggare"
    plan = plan_file(world.huvudman, template_bytes(rows))
    assert messages(plan) == [
        "Rad 100000: Okänd enhetstyp ”kaffebryggare”: skriv dator, chromebook, surfplatta, skärm eller annan."
    ]
    assert not plan.adds and not Device.objects.exists()


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_every_line_ending_and_a_quoted_name_over_two_lines(world, newline):
    header = ";".join(TEMPLATE_HEADER[:5])
    rows = [f'L1;"Rad ett{newline}rad två";dator;personal;11111111', "L2;Skärm;skärm;personal;11111111"]
    import_file(world.huvudman, newline.join([header, *rows, ""]).encode())
    assert list(Device.objects.order_by("serial_number").values_list("name", flat=True)) == [
        f"Rad ett{newline}rad två",
        "Skärm",
    ]
