"""The devices and services section in the reports' files: the organisation workbook, CSV and
PDF carry every unit's ratio against each device target with its status in words, the unit
files the unit's own; the ratios are computed here again from the raw rows of the register."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.pdf_helpers import flat, pdf_text
from tests.reports.test_registry_in_reports import WORDING, registered  # noqa: F401  (a fixture)


def _book(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _sheet_with(book, text: str):
    """The sheet whose header row mentions text."""
    for sheet in book.worksheets:
        header = next(sheet.iter_rows(max_row=1, values_only=True))
        if any(text in str(cell or "") for cell in header):
            return sheet
    return None


def _raw_ratio(devices: int, pupils: int) -> float:
    return round(devices / pupils, 2)


def test_the_organisation_workbook_has_each_units_ratio_and_status(registered, client_for):  # noqa: F811
    book = _book(client_for("strategist").get(reverse("report_org_export", args=["xlsx"])))
    sheet = _sheet_with(book, WORDING)
    assert sheet is not None, [s.title for s in book.worksheets]
    header, *rows = list(sheet.iter_rows(values_only=True))
    column = next(n for n, h in enumerate(header) if h.startswith(WORDING) and "status" not in h)
    assert "mål 1,00" in header[column]
    by_unit = {row[0]: row for row in rows}
    # 10 devices for 40 pupils at A, 30 for 20 at B: numbers in the cells, the status in words.
    assert by_unit["Almskolan"][column] == pytest.approx(_raw_ratio(10, 40))
    assert by_unit["Almskolan"][column + 1] == "Under målet"
    assert by_unit["Björkskolan"][column] == pytest.approx(_raw_ratio(30, 20))
    assert by_unit["Björkskolan"][column + 1] == "Målet är nått"
    deviations = _sheet_with(book, "Tjänst")
    assert deviations is not None
    assert ("Almskolan", "Gratisappen", "Avslagen") in {
        tuple(r[:3]) for r in deviations.iter_rows(values_only=True)
    }


def test_the_organisation_csv_and_pdf_carry_the_section(registered, client_for):  # noqa: F811
    client = client_for("strategist")
    text = client.get(reverse("report_org_export", args=["csv"])).content.decode("utf-8-sig")
    almskolan = next(line for line in text.splitlines() if line.startswith("Almskolan;0,25"))
    assert "Under målet" in almskolan
    pdf = client.get(reverse("report_org_export", args=["pdf"]))
    assert pdf.status_code == 200
    printed = flat(pdf_text(pdf.content))
    assert "Digital utrustning och tjänster" in printed
    assert "Almskolan 0,25 under målet" in printed and "Gratisappen" in printed


def test_another_huvudmans_files_hold_none_of_our_devices(registered, client_for):  # noqa: F811
    client = client_for("other_strategist")
    book = _book(client.get(reverse("report_org_export", args=["xlsx"])))
    assert _sheet_with(book, WORDING) is None
    text = client.get(reverse("report_org_export", args=["csv"])).content.decode("utf-8-sig")
    assert "Almskolan" not in text and "Gratisappen" not in text


def test_the_unit_workbook_has_its_targets_deviations_and_tools(registered, client_for):  # noqa: F811
    unit = registered.unit_a
    book = _book(client_for("leader_a").get(reverse("report_export", args=[unit.pk, "xlsx"])))
    sheet = _sheet_with(book, "Antal digitala enheter")
    assert sheet is not None
    rows = {row[0].split(" (")[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[WORDING][1:5] == (10, 40, pytest.approx(0.25), "Under målet")
    tools = _sheet_with(book, "Verktyg")
    assert ("Lärplattformen", "Lärplattformen", "Inte anmäld") in {
        tuple(r) for r in tools.iter_rows(min_row=2, values_only=True)
    }


def test_staff_get_the_unit_files_without_the_section(registered, client_for):  # noqa: F811
    client = client_for("staff")
    book = _book(client.get(reverse("report_export", args=[registered.unit_a.pk, "xlsx"])))
    assert _sheet_with(book, "Antal digitala enheter") is None and _sheet_with(book, "Tjänst") is None
    text = client.get(reverse("report_export", args=[registered.unit_a.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "Gratisappen" not in text and WORDING not in text
