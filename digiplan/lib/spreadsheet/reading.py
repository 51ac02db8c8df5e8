"""Reading tabular files as Excel and other programs write them in Sweden."""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.lib import uploads
from digiplan.lib.uploads import UploadRejected as FileRejected

Row = tuple[int, dict[str, str]]

ERROR_CSV_MALFORMED = gettext_lazy(
    "The CSV file is malformed near line %(line)s: a quotation "
    "mark is not closed, a cell is far too long, or the file "
    "holds characters a CSV file cannot."
)
ERROR_NOT_TEXT = gettext_lazy("This is not a text file. Import CSV or Excel (.xlsx) files.")
# Column names quoted back in a message: enough to recognise, never a whole line of the file.
QUOTED_MAX = 60


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Windows-1252 as Swedish Excel saves CSV."""
    return uploads.decode_table_text(data)


def _normalise_header(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def _map_header(
    raw: list[str], columns: dict[str, tuple[str, ...]], required: set[str], ignore_unknown: bool = False
) -> list[str]:
    aliases = {_normalise_header(alias): key for key, names in columns.items() for alias in names}
    keys, unknown, seen = [], [], set()
    for cell in raw:
        name = _normalise_header(cell)
        if not name:
            keys.append("")
            continue
        key = aliases.get(name)
        if key is None:
            unknown.append(cell.strip()[:QUOTED_MAX])
        elif key in seen:
            raise FileRejected(
                _("The column “%(name)s” appears twice.") % {"name": cell.strip()[:QUOTED_MAX]}
            )
        seen.add(key)
        keys.append(key or "")
    if unknown and not ignore_unknown:
        raise FileRejected(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {
                "unknown": ", ".join(f"“{u}”" for u in unknown),
                "known": ", ".join(names[0] for names in columns.values()),
            }
        )
    missing = [columns[key][0] for key in columns if key in required and key not in seen]
    if missing:
        raise FileRejected(_("Required columns are missing: %(missing)s.") % {"missing": ", ".join(missing)})
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


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, as csv.reader takes them, without a copy of the
    whole text (io.StringIO holds one at four bytes a character: 50 MB for a 13 MB file)."""
    if "\n" not in text:  # lines that end in a carriage return alone (old Mac programs)
        yield from io.StringIO(text, newline="")
        return
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    newline = text.find("\n")
    first_line = text if newline < 0 else text[:newline]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error:
        raise FileRejected(ERROR_CSV_MALFORMED % {"line": reader.line_num}) from None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # What the zip would inflate to is checked before openpyxl sees a byte of it.
    uploads.check_zip(data)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            for number, row in enumerate(rows, start=1):
                yield number, ["" if v is None else _xlsx_text(v) for v in row]
        finally:
            workbook.close()
    except FileRejected:
        raise
    except Exception:  # a damaged file fails in many ways, at opening or in the middle of rows
        raise FileRejected(uploads.ERROR_NOT_XLSX) from None


def _xlsx_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    uploads.check_storable(text)  # a cell may escape any character as _xHHHH_
    return text


def read_table(
    data: bytes,
    filename: str,
    columns: dict[str, tuple[str, ...]],
    required: set[str],
    *,
    ignore_unknown: bool = False,
) -> list[Row]:
    """The file's rows as {column key: text}, numbered by their line (CSV) or row (XLSX).
    ignore_unknown: other columns are left out, not refused (a vendor's export has dozens that
    change between versions)."""
    uploads.check_size(len(data))
    uploads.check_not_empty(data)
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(data)
    else:
        if b"\x00" in data:
            raise FileRejected(ERROR_NOT_TEXT)
        records = _csv_records(decode(data))
    try:
        _line, header = next(records)
    except StopIteration:
        raise FileRejected(uploads.ERROR_EMPTY) from None
    keys = _map_header(header, columns, required, ignore_unknown)
    rows = list(_rows(keys, records))
    if not rows:
        raise FileRejected(_("The file has a header row but no data rows."))
    return rows
