"""The register of digital services to and from a spreadsheet. The export and the import share one
list of columns, so that an exported file imports back unchanged; the import reads CSV or XLSX
with digiplan.lib.spreadsheet.reading, checks every row as the register's form would, and plans
what it would add and change: a file with one bad row is refused whole, each bad row named with
its line and reason. Writing the plan is digital_services.services_import."""

import datetime
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.imports.errors import ErrorList
from digiplan.lib.spreadsheet import FORMULA_STARTS
from digiplan.lib.spreadsheet.reading import read_table
from digiplan.lib.spreadsheet.writing import formats, sheet_name, workbook, write_cell, write_header
from digiplan.organisations.models import Huvudman
from digiplan.registry.digital_models import (
    DataLocation,
    DigitalService,
    LegalBasis,
    ServiceStatus,
    TransferBasis,
    name_key,
)
from digiplan.registry.digital_services import SERVICE_FIELDS, validate_service

# Column key → its header (first) and the other names the import takes for it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("namn", "tjänst", "name"),
    "supplier": ("leverantör", "supplier"),
    "purpose": ("syfte", "purpose"),
    "pupil_school_forms": ("elever (skolformer)", "elever", "skolformer"),
    "for_staff": ("personal", "staff"),
    "for_guardians": ("vårdnadshavare", "guardians"),
    "data_categories": ("personuppgifter", "kategorier av personuppgifter"),
    "pupil_data": ("elevuppgifter",),
    "sensitive_data": ("känsliga uppgifter", "känsliga personuppgifter"),
    "legal_basis": ("rättslig grund", "legal basis"),
    "dpa_signed": ("biträdesavtal", "biträdesavtal undertecknat"),
    "dpa_expires": ("biträdesavtal upphör", "avtalet upphör"),
    "dpia_done": ("konsekvensbedömning", "konsekvensbedömning gjord", "dpia"),
    "dpia_date": ("konsekvensbedömning datum", "dpia datum"),
    "dpia_reference": ("konsekvensbedömning referens", "dpia referens", "diarienummer"),
    "data_location": ("lagring", "var uppgifterna lagras"),
    "third_country": ("tredje land",),
    "transfer_basis": ("överföringsgrund",),
    "retention_rule": ("gallring", "gallringsregel"),
    "integrates_ss12000": ("ss 12000", "ss12000"),
    "integrates_sign_in": ("inloggning", "inloggning (sso)", "sso"),
    "other_integrations": ("andra integrationer", "integrationer"),
    # Written by the export for the reader, not read back: only a review changes a decision.
    "status": ("status",),
    "decision_text": ("skäl eller villkor", "beslut"),
    "decided_on": ("beslutsdatum",),
}
REQUIRED = {"name", "supplier"}
BOOLEAN_FIELDS = {
    "for_staff", "for_guardians", "pupil_data", "sensitive_data", "dpa_signed", "dpia_done",
    "integrates_ss12000", "integrates_sign_in",
}  # fmt: skip
DATE_FIELDS = {"dpa_expires", "dpia_date"}
CHOICE_FIELDS: dict[str, type[LegalBasis] | type[DataLocation] | type[TransferBasis]] = {
    "legal_basis": LegalBasis,
    "data_location": DataLocation,
    "transfer_basis": TransferBasis,
}
LABELLED_FIELDS: dict[str, Any] = {**CHOICE_FIELDS, "status": ServiceStatus}
YES_TEXT, NO_TEXT = "ja", "nej"
YES = {"ja", "j", "x", "yes", "y", "true", "sant", "1"}
NO = {"nej", "n", "no", "false", "falskt", "0", ""}
# Letters of GDPR art. 6.1, as a register often writes the basis.
LEGAL_BASIS_LETTERS = dict(zip("abcdef", LegalBasis.values, strict=True))
# What a register written by hand says for where the data is kept.
SHORT_NAMES = {
    "eu/ees": DataLocation.EU_EEA,
    "eu/eea": DataLocation.EU_EEA,
    "eu": DataLocation.EU_EEA,
    "ees": DataLocation.EU_EEA,
    "tredje land": DataLocation.THIRD_COUNTRY,
    "third country": DataLocation.THIRD_COUNTRY,
}
PAYLOAD_SALT = "digiplan.registry.services-import"
PAYLOAD_MAX_AGE = 24 * 3600

ERROR_YES_NO = gettext_lazy("“%(value)s” is not ja or nej.")
ERROR_DATE = gettext_lazy("“%(value)s” is not a date (write it as 2026-12-31).")
ERROR_CHOICE = gettext_lazy("“%(value)s” is not one of: %(choices)s.")
ERROR_DUPLICATE = gettext_lazy("The service “%(name)s” is also on row %(line)s.")
ERROR_EXTRA_CELLS = gettext_lazy("The row has cells beyond the last column.")
ERROR_PAYLOAD = gettext_lazy("The preview is too old or was changed. Upload the file again.")


# --- Export ---------------------------------------------------------------------------------


def _export_value(service: DigitalService, key: str) -> object:
    value = getattr(service, key)
    if key in LABELLED_FIELDS:
        return str(LABELLED_FIELDS[key](value).label) if value else ""
    if key == "pupil_school_forms":
        return ", ".join(value)
    if key in BOOLEAN_FIELDS:
        return YES_TEXT if value else NO_TEXT
    return "" if value is None else value


def export_xlsx(huvudman: Huvudman) -> bytes:
    """The huvudman's register as one sheet, a row per service, text cells neutralised. In
    Swedish whatever the page's language, as the columns are: the file is the register's."""
    with translation.override("sv"):
        return _register_sheet(huvudman)


def _register_sheet(huvudman: Huvudman) -> bytes:
    output = io.BytesIO()
    book = workbook(output)
    styles = formats(book)
    sheet = book.add_worksheet(sheet_name(_("Digital services"), set()))
    write_header(sheet, [names[0] for names in COLUMNS.values()], styles)
    services = DigitalService.objects.filter(huvudman=huvudman).order_by("name")
    for row, service in enumerate(services, start=1):
        for column, key in enumerate(COLUMNS):
            write_cell(sheet, row, column, _export_value(service, key), styles)
    sheet.set_column(0, len(COLUMNS) - 1, 22)
    book.close()
    return output.getvalue()


# --- Import ---------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    adds: list[dict[str, Any]] = field(default_factory=list)
    changes: list[tuple[DigitalService, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    errors: ErrorList = field(default_factory=ErrorList)


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The file's rows; FileRejected when the file as a whole cannot be read."""
    return read_table(data, filename, COLUMNS, REQUIRED)


def _text(cell: str) -> str:
    # The export writes "'=x" for a text "=x" (lib.spreadsheet.neutralise): read it back as written.
    if cell.startswith("'") and cell[1:].lstrip().startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(ERROR_YES_NO % {"value": text[:40]})


def _date(text: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    # An XLSX date cell arrives as "2026-12-31 00:00:00"; Swedish Excel may write 2026-12-31 or 20261231.
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})(?: 00:00:00)?", text)
    try:
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise ValueError(ERROR_DATE % {"value": text[:40]})


def _choice(key: str, text: str) -> str:
    word = text.strip().lower()
    if not word:
        # An empty cell says what the register's form says when nothing is chosen.
        return DataLocation.EU_EEA if key == "data_location" else ""
    choices = CHOICE_FIELDS[key]
    if key == "legal_basis" and word.rstrip(")").lstrip("(") in LEGAL_BASIS_LETTERS:
        return LEGAL_BASIS_LETTERS[word.rstrip(")").lstrip("(")]
    with translation.override("sv"):
        swedish = {str(label).lower(): value for value, label in choices.choices}
    with translation.override("en"):
        english = {str(label).lower(): value for value, label in choices.choices}
    found = {**english, **swedish, **{v: v for v in choices.values}, **SHORT_NAMES}.get(word)
    if found is None or found not in choices.values:
        raise ValueError(ERROR_CHOICE % {"value": text[:40], "choices": ", ".join(swedish)})
    return str(found)


def _school_forms(text: str) -> list[str]:
    return [code.upper() for code in re.split(r"[\s,;]+", text.strip()) if code]


PARSERS: dict[str, Callable[[str], Any]] = {
    **dict.fromkeys(BOOLEAN_FIELDS, _boolean),
    **dict.fromkeys(DATE_FIELDS, _date),
    **{key: functools.partial(_choice, key) for key in CHOICE_FIELDS},
    "pupil_school_forms": _school_forms,
}


def row_values(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The row's values for the register's fields (only the columns the file has), and what is
    wrong with them, each message naming its column."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key in SERVICE_FIELDS:
        if key not in row:
            continue
        text = _text(row[key])
        try:
            values[key] = PARSERS.get(key, str.strip)(text)
        except ValueError as wrong:
            problems.append(f"{COLUMNS[key][0]}: {wrong}")
    if row.get("__extra__"):
        problems.append(str(ERROR_EXTRA_CELLS))
    return values, problems


def _validation_problems(candidate: DigitalService) -> list[str]:
    try:
        validate_service(candidate)
    except ValidationError as invalid:
        return [
            f"{COLUMNS[key][0]}: {message}" if key in COLUMNS else str(message)
            for key, messages in invalid.message_dict.items()
            for message in messages
        ]
    return []


def _candidate(huvudman: Huvudman, existing: DigitalService | None, values: dict[str, Any]) -> DigitalService:
    """The entry as the row would leave it, on a copy: planning writes nothing."""
    if existing is None:
        candidate = DigitalService(huvudman=huvudman)
    else:
        candidate = DigitalService.objects.get(pk=existing.pk)
    for key, value in values.items():
        setattr(candidate, key, value)
    return candidate


def _differs(service: DigitalService, values: dict[str, Any]) -> bool:
    return any(getattr(service, key) != value for key, value in values.items())


def plan_import(huvudman: Huvudman, rows: list[tuple[int, dict[str, str]]]) -> ImportPlan:
    """Each row adds a service or changes the one of the same name (in any letter case);
    every row is checked before anything is planned to be written."""
    plan = ImportPlan()
    existing = {s.name_key: s for s in DigitalService.objects.filter(huvudman=huvudman)}
    seen: dict[str, int] = {}
    for line, row in rows:
        values, problems = row_values(row)
        key = name_key(str(values.get("name", "")))
        if key and key in seen:
            problems.append(str(ERROR_DUPLICATE % {"name": values["name"][:60], "line": seen[key]}))
        seen.setdefault(key, line)
        current = existing.get(key)
        if not problems:
            problems = _validation_problems(_candidate(huvudman, current, values))
        for problem in problems:
            plan.errors.add(line, problem)
        if problems:
            continue
        if current is None:
            plan.adds.append(values)
        elif _differs(current, values):
            plan.changes.append((current, values))
        else:
            plan.unchanged += 1
    return plan


def sign_rows(rows: list[tuple[int, dict[str, str]]], *, huvudman_id: int, actor_id: int) -> str:
    """The rows read from the file, for the preview to send back with the confirmation: signed,
    so that what is confirmed is what was previewed, and bound to the huvudman and the person."""
    return signing.dumps({"h": huvudman_id, "a": actor_id, "rows": rows}, salt=PAYLOAD_SALT, compress=True)


def unsign_rows(payload: str, *, huvudman_id: int, actor_id: int) -> list[tuple[int, dict[str, str]]]:
    try:
        data = signing.loads(payload, salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
    except signing.BadSignature:
        raise ValueError(ERROR_PAYLOAD) from None
    if data.get("h") != huvudman_id or data.get("a") != actor_id:
        raise ValueError(ERROR_PAYLOAD)
    return [(int(line), dict(row)) for line, row in data["rows"]]
