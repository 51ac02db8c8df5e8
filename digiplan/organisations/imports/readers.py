"""Reading tabular files as Excel and other programs write them in Sweden."""

import csv
import io
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from digiplan.organisations.imports.errors import FileRejected

Row = tuple[int, dict[str, str]]


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise FileRejected(
            _("The file is %(size)s MB; at most %(max)s MB can be imported at once.")
            % {"size": round(size / 1024 / 1024, 1),
               "max": round(settings.IMPORT_MAX_BYTES / 1024 / 1024)}
        )


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Windows-1252 as Swedish Excel saves CSV."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        if "\ufffd" in text:
            raise FileRejected(
                _("The file's characters could not be read. Save it as CSV UTF-8 and try again.")
            ) from None
        return text


def _normalise_header(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def _map_header(raw: list[str], columns: dict[str, tuple[str, ...]], required: set[str]) -> list[str]:
    aliases = {_normalise_header(alias): key for key, names in columns.items() for alias in names}
    keys, unknown, seen = [], [], set()
    for cell in raw:
        name = _normalise_header(cell)
        if not name:
            keys.append("")
            continue
        key = aliases.get(name)
        if key is None:
            unknown.append(cell.strip())
        elif key in seen:
            raise FileRejected(_("The column “%(name)s” appears twice.") % {"name": cell.strip()})
        seen.add(key)
        keys.append(key or "")
    if unknown:
        raise FileRejected(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(f"“{u}”" for u in unknown),
               "known": ", ".join(names[0] for names in columns.values())}
        )
    missing = [columns[key][0] for key in columns if key in required and key not in seen]
    if missing:
        raise FileRejected(
            _("Required columns are missing: %(missing)s.") % {"missing": ", ".join(missing)}
        )
    return keys


def _rows(header_keys: list[str], records: Iterator[tuple[int, list[str]]]) -> Iterator[Row]:
    width = len(header_keys)
    for line, cells in records:
        cells = ["" if c is None else str(c).strip() for c in cells]
        if not any(cells):
            continue
        extra = [c for c in cells[width:] if c]
        row = {key: value for key, value in zip(header_keys, cells, strict=False) if key}
        if extra:
            row["__extra__"] = " | ".join(extra)
        yield line, row


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise FileRejected(
            _("The CSV file is malformed near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileRejected(_("The Excel file could not be opened. Is it an .xlsx file?")) from None
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else _xlsx_text(v) for v in row]
    workbook.close()


def _xlsx_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(
    data: bytes, filename: str, columns: dict[str, tuple[str, ...]], required: set[str]
) -> list[Row]:
    """The file's rows as {column key: text}, numbered by their line (CSV) or row (XLSX)."""
    check_size(len(data))
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise FileRejected(_("The Excel file could not be opened. Is it an .xlsx file?"))
        records = _xlsx_records(data)
    else:
        if b"\x00" in data[:4096]:
            raise FileRejected(_("This is not a text file. Import CSV or Excel (.xlsx) files."))
        records = _csv_records(decode(data))
    try:
        _line, header = next(records)
    except StopIteration:
        raise FileRejected(_("The file is empty.")) from None
    keys = _map_header(header, columns, required)
    rows = list(_rows(keys, records))
    if not rows:
        raise FileRejected(_("The file has a header row but no data rows."))
    return rows
