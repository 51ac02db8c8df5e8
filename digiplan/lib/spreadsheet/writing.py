"""Spreadsheets written the one way every export writes them: CSV that Swedish Excel opens as it
is (UTF-8 with BOM, semicolons, decimal commas), XLSX with typed cells, and text in either
neutralised so that no cell turns into a formula, a number or a link."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from digiplan.lib.spreadsheet import neutralise

# A figure withheld (too few answers) is shown as a dash, in every format.
SUPPRESSED = "–"
SHEET_NAME_MAX = 31
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def csv_cell(value: object) -> str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as CSV; an empty row stays empty (it separates tables)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def workbook(target: Any, *, constant_memory: bool = False) -> Any:
    """An XlsxWriter workbook into a BytesIO or a file name. Strings stay strings: never turned
    into formulas, numbers or links. constant_memory writes row by row to disk, for files of
    any size."""
    import xlsxwriter

    options: dict[str, bool] = {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    options["constant_memory" if constant_memory else "in_memory"] = True
    return xlsxwriter.Workbook(target, options)


def formats(book: Any) -> dict[str, Any]:
    return {
        "bold": book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "decimal": book.add_format({"num_format": "0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "dash": book.add_format({"align": "right"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def sheet_name(title: str, used: set[str]) -> str:
    """A name Excel accepts (31 characters, none of []:*?/\\), unique within the workbook."""
    name = "".join(c for c in title if c not in "[]:*?/\\")[:SHEET_NAME_MAX] or "Blad"
    base, number = name, 2
    while name in used:
        name = f"{base[: SHEET_NAME_MAX - 3]} {number}"
        number += 1
    used.add(name)
    return name


def write_cell(sheet: Any, row: int, column: int, value: object, styles: dict[str, Any]) -> None:
    """One cell, typed by its value: None is a withheld figure, "" an empty cell."""
    if value is None:
        sheet.write_string(row, column, SUPPRESSED, styles["dash"])
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, float):
        sheet.write_number(row, column, value, styles["decimal"])
    elif isinstance(value, int):
        sheet.write_number(row, column, value)
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, column, value.replace(tzinfo=None), styles["date"])
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), styles["date"])
    elif value == "":
        sheet.write_blank(row, column, None)
    else:
        # An XLSX string cell is no formula as written, but becomes one when edited or saved as CSV.
        sheet.write_string(row, column, neutralise(str(value)))


def write_header(sheet: Any, titles: Sequence[object], styles: dict[str, Any]) -> None:
    """The first row in bold, frozen so that it stays in view."""
    for column, title in enumerate(titles):
        sheet.write_string(0, column, neutralise(str(title)), styles["bold"])
    sheet.freeze_panes(1, 0)


def table_xlsx(header: Sequence[object], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    """One sheet: a header row and typed cells."""
    output = io.BytesIO()
    book = workbook(output)
    styles = formats(book)
    sheet = book.add_worksheet(sheet_name(title, set()))
    write_header(sheet, header, styles)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            write_cell(sheet, number, column, value, styles)
    sheet.set_column(0, max(len(header) - 1, 0), 22)
    book.close()
    return output.getvalue()
