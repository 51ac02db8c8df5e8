"""What a devices import reads: a DeviceRow per row of an Intune export, a Google Admin ChromeOS
export or Digiplan's own template, with each value checked and in our terms. The file checks
(size, zip, encoding, delimiter) are digiplan.lib's; this module knows the columns.

The primary user of a device is read only to learn whether there is one: the names and
addresses in those columns go no further than this module."""

import datetime
import functools
import re
import sys
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from digiplan.imports.errors import ErrorList
from digiplan.lib.spreadsheet.reading import Row, read_table
from digiplan.lib.uploads import UploadRejected
from digiplan.organisations.models import SchoolForm
from digiplan.registry.device_models import DeviceFormat, DeviceType, Ownership, UserGroup

ERROR_SERIAL_MISSING = _("The serial number is missing.")
ERROR_SERIAL_DUPLICATE = _("The serial number %(serial)s is also on line %(line)s.")
ERROR_BAD_DATE = _("“%(value)s” in the column %(column)s is not a date (write e.g. 2026-08-31).")
ERROR_UNKNOWN_TYPE = _(
    "Unknown device type “%(value)s”: write dator, chromebook, surfplatta, skärm or annan."
)
ERROR_UNKNOWN_GROUP = _(
    "Unknown user group “%(value)s”: write personal, or elever with a school form and grade band "
    "(e.g. elever GR 4-6)."
)
ERROR_UNKNOWN_OWNERSHIP = _("Unknown ownership “%(value)s”: write ägd or leasad.")
ERROR_TOO_LONG = _("The column %(column)s holds more than %(max)s characters.")
ERROR_NOT_A_DEVICE_FILE = _(
    "The columns are not those of an Intune export, a Google Admin ChromeOS export or Digiplan's "
    "template. %(detail)s"
)
# Quoted back in a message: enough to recognise, never a whole cell of the file.
QUOTED_MAX = 40

PRIMARY_USER = "primary_user"
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    DeviceFormat.INTUNE: {
        "name": ("Device name",),
        "serial_number": ("Serial number",),
        "model": ("Model",),
        "os": ("OS",),
        "os_version": ("OS version",),
        "enrolled_on": ("Enrollment date",),
        "last_check_in_on": ("Last check-in",),
        PRIMARY_USER: ("Primary user UPN",),
        "primary_user_email": ("Primary user email address",),
        "primary_user_name": ("Primary user display name",),
        "unit_code": ("Skolenhetskod", "School unit code"),
    },
    DeviceFormat.CHROMEOS: {
        "serial_number": ("serialNumber", "Serial Number"),
        "name": ("annotatedAssetId", "Asset ID", "Asset Id"),
        "org_unit_path": ("orgUnitPath", "Org Unit Path"),
        "model": ("model",),
        "os_version": ("osVersion", "OS Version"),
        "updates_end_on": ("autoUpdateExpiration", "Auto-update expiration", "Auto Update Expiration"),
        "last_check_in_on": ("lastSync", "Last Sync"),
        PRIMARY_USER: ("annotatedUser", "User"),
        "unit_code": ("Skolenhetskod", "School unit code"),
    },
    DeviceFormat.DIGIPLAN: {
        "serial_number": ("serienummer", "serial number"),
        "name": ("namn", "enhetsnamn", "name"),
        "type": ("typ", "type"),
        "user_group": ("användargrupp", "anvandargrupp", "user group"),
        "unit_code": ("skolenhetskod", "school unit code"),
        "ownership": ("ägande", "agande", "ownership"),
        "contract_ends_on": ("avtalet löper ut", "avtal till", "contract ends"),
        "updates_end_on": ("uppdateringar upphör", "updates end"),
        "model": ("modell", "model"),
        "os": ("operativsystem", "os"),
        "os_version": ("version", "os version"),
        "last_check_in_on": ("senast incheckad", "last check-in"),
        PRIMARY_USER: ("har primär användare", "primär användare", "primary user"),
    },
}
REQUIRED: dict[str, set[str]] = {
    DeviceFormat.INTUNE: {"serial_number", "name"},
    DeviceFormat.CHROMEOS: {"serial_number"},
    DeviceFormat.DIGIPLAN: {"serial_number", "type", "user_group"},
}
# The Swedish column names of the template, for its download and for the docs.
TEMPLATE_HEADER = [names[0] for names in COLUMNS[DeviceFormat.DIGIPLAN].values()]
DATE_COLUMNS = ("enrolled_on", "last_check_in_on", "contract_ends_on", "updates_end_on")
# Text most devices share (a few models, versions and paths): kept once, not once a row.
SHARED_TEXT = ("model", "os", "os_version")
TEXT_LIMITS = {"serial_number": 100, "name": 200, "model": 200, "os": 100, "os_version": 100}
# The values a row may give for the device itself (the rest place it: unit, rule path).
DEVICE_FIELDS = (
    "name",
    "type",
    "user_group",
    "school_form",
    "grade_band",
    "ownership",
    "contract_ends_on",
    "updates_end_on",
    "model",
    "os",
    "os_version",
    "enrolled_on",
    "last_check_in_on",
    "has_primary_user",
)


@dataclass(slots=True)
class DeviceRow:
    line: int
    serial_number: str
    name: str = ""
    type: str = ""
    user_group: str = ""  # "" when a rule is to give it
    school_form: str = ""
    grade_band: str = ""
    unit_code: str = ""
    org_unit_path: str = ""
    ownership: str = ""
    contract_ends_on: datetime.date | None = None
    updates_end_on: datetime.date | None = None
    model: str = ""
    os: str = ""
    os_version: str = ""
    enrolled_on: datetime.date | None = None
    last_check_in_on: datetime.date | None = None
    has_primary_user: bool = False


@dataclass
class DeviceFile:
    format: str
    rows: list[DeviceRow]
    # The device fields this file gives: the others keep what is stored (an Intune export says
    # nothing of leases; a template without the lease columns must not clear them).
    given: frozenset[str] = field(default_factory=frozenset)


# --- Values -----------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\Z")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})\Z")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./ ](\d{4})(?: .*)?\Z")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) \d{1,2}:\d{2}(?::\d{2})? ?[AP]M\Z", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^([a-zåäö]{3})[a-zåäö]*\.? (\d{4})\Z", re.IGNORECASE)
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan",), ("feb",), ("mar",), ("apr",), ("may", "maj"), ("jun",), ("jul",), ("aug",), ("sep",)]
        + [("oct", "okt"), ("nov",), ("dec",)],
        start=1,
    )
    for name in names
}


def _end_of_month(year: int, month: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


@functools.lru_cache(maxsize=4096)  # an export repeats its dates: one object for each
def parse_date(text: str) -> datetime.date | None:
    """A date as Swedish and international exports write it: 2026-08-31 (with a time or not),
    31/8 2026, 31.8.2026, Intune's US 8/31/2026 1:05:00 PM, and for update expiry a month
    (2029-06, Jun 2029) read as its last day, or milliseconds since 1970. None: not a date."""
    text = text.strip()
    try:
        if match := _ISO.match(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _US.match(text):
            return datetime.date(int(match[3]), int(match[1]), int(match[2]))
        if match := _DAY_FIRST.match(text):
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        if match := _YEAR_MONTH.match(text):
            return _end_of_month(int(match[1]), int(match[2]))
        if (match := _MONTH_YEAR.match(text)) and match[1].lower() in MONTHS:
            return _end_of_month(int(match[2]), MONTHS[match[1].lower()])
        if text.isdigit() and len(text) == 13:
            return datetime.datetime.fromtimestamp(int(text) / 1000, tz=datetime.UTC).date()
    except (ValueError, OverflowError):
        return None
    return None


TYPE_WORDS = {
    DeviceType.COMPUTER: ("dator", "bärbar dator", "stationär dator", "computer", "laptop", "pc", "mac"),
    DeviceType.CHROMEBOOK: ("chromebook",),
    DeviceType.TABLET: ("surfplatta", "läsplatta", "ipad", "tablet", "platta"),
    DeviceType.DISPLAY: ("skärm", "interaktiv skärm", "display", "projektor", "smartboard"),
    DeviceType.OTHER: ("annan", "annat", "övrig", "other"),
}
_TYPE_OF_WORD = {word: key for key, words in TYPE_WORDS.items() for word in words}
OWNERSHIP_WORDS = {
    "ägd": Ownership.OWNED,
    "egen": Ownership.OWNED,
    "köpt": Ownership.OWNED,
    "owned": Ownership.OWNED,
    "leasad": Ownership.LEASED,
    "leasing": Ownership.LEASED,
    "hyrd": Ownership.LEASED,
    "leased": Ownership.LEASED,
}
STAFF_WORDS = ("personal", "anställda", "staff")
PUPIL_WORDS = ("elever", "elev", "barn", "pupils")


def type_of(word: str) -> str | None:
    return _TYPE_OF_WORD.get(" ".join(word.lower().split()))


def type_from_os(os: str, model: str) -> str:
    """An Intune device's type from its OS and model: Windows and macOS are computers, iPads
    and Android devices tablets, Surface Hubs displays."""
    os, model = os.lower(), model.lower()
    if "chrome" in os:
        return DeviceType.CHROMEBOOK
    if "surface hub" in model:
        return DeviceType.DISPLAY
    if "ipad" in model or "ipados" in os or "android" in os:
        return DeviceType.TABLET
    if "windows" in os or "macos" in os or "mac os" in os:
        return DeviceType.COMPUTER
    return DeviceType.OTHER


def user_group_of(text: str) -> tuple[str, str, str] | None:
    """(user group, school form, grade band) from "personal" or "elever GR 4-6"; None: unknown."""
    words = text.split()
    if not words:
        return None
    first = words[0].lower()
    if first in STAFF_WORDS:
        return (UserGroup.STAFF, "", "") if len(words) == 1 else None
    rest = words[1:] if first in PUPIL_WORDS else words
    if not rest:
        return UserGroup.PUPILS, "", ""
    form = rest[0].upper()
    band = " ".join(rest[1:])
    if form not in SchoolForm.values or len(band) > 20:
        return None
    return UserGroup.PUPILS, form, band


# --- Rows ------------------------------------------------------------------------------------


def _quoted(value: str) -> str:
    return value[:QUOTED_MAX] + ("…" if len(value) > QUOTED_MAX else "")


class _RowReader:
    """Turns one file's cells into DeviceRows, adding each bad value to errors."""

    def __init__(self, format: str, errors: ErrorList) -> None:
        self.format = format
        self.errors = errors
        self.headers = {key: names[0] for key, names in COLUMNS[format].items()}

    def read(self, line: int, cells: dict[str, str]) -> DeviceRow | None:
        problems: list[str] = []
        row = DeviceRow(line=line, serial_number=cells.get("serial_number", "").upper())
        for key, limit in TEXT_LIMITS.items():
            value = cells.get(key, "")
            if len(value) > limit:
                problems.append(str(ERROR_TOO_LONG) % {"column": self.headers.get(key, key), "max": limit})
            elif key in SHARED_TEXT:
                setattr(row, key, sys.intern(value))
            elif key != "serial_number":
                setattr(row, key, value)
        row.unit_code = sys.intern(cells.get("unit_code", ""))
        row.org_unit_path = sys.intern(cells.get("org_unit_path", ""))
        for key in DATE_COLUMNS:
            self._date(row, key, cells.get(key, ""), problems)
        self._kind(row, cells, problems)
        row.ownership = self._ownership(cells.get("ownership", ""), problems)
        row.has_primary_user = self._has_primary_user(row, cells)
        if not row.serial_number:
            problems.append(str(ERROR_SERIAL_MISSING))
        for problem in problems:
            self.errors.add(line, problem)
        return None if problems else row

    def _date(self, row: DeviceRow, key: str, value: str, problems: list[str]) -> None:
        if not value:
            return
        day = parse_date(value)
        if day is None:
            problems.append(
                str(ERROR_BAD_DATE) % {"value": _quoted(value), "column": self.headers.get(key, key)}
            )
        setattr(row, key, day)

    def _kind(self, row: DeviceRow, cells: dict[str, str], problems: list[str]) -> None:
        """The device's type and user group: given by the template, derived for the exports
        (the user group then comes from the huvudman's rules)."""
        if self.format == DeviceFormat.CHROMEOS:
            row.type = DeviceType.CHROMEBOOK
        elif self.format == DeviceFormat.INTUNE:
            row.type = type_from_os(row.os, row.model)
        else:
            found = type_of(cells.get("type", ""))
            if found is None:
                problems.append(str(ERROR_UNKNOWN_TYPE) % {"value": _quoted(cells.get("type", ""))})
            row.type = found or ""
        if "user_group" in cells:
            group = user_group_of(cells["user_group"])
            if group is None:
                problems.append(str(ERROR_UNKNOWN_GROUP) % {"value": _quoted(cells["user_group"])})
            else:
                row.user_group, row.school_form, row.grade_band = group

    def _ownership(self, value: str, problems: list[str]) -> str:
        if not value:
            return Ownership.UNKNOWN
        found = OWNERSHIP_WORDS.get(value.lower())
        if found is None:
            problems.append(str(ERROR_UNKNOWN_OWNERSHIP) % {"value": _quoted(value)})
        return found or Ownership.UNKNOWN

    def _has_primary_user(self, row: DeviceRow, cells: dict[str, str]) -> bool:
        """Whether the device has a primary user; and where its name shows who that is (as in
        "Annas iPad" or "SJO-ALM-ANNA"), the name is kept only up to the person's name."""
        people = [cells.get(k, "") for k in (PRIMARY_USER, "primary_user_email", "primary_user_name")]
        if self.format == DeviceFormat.DIGIPLAN:
            answer = people[0].lower()
            return bool(answer) and answer not in ("nej", "no", "0", "false")
        if not any(people):
            return False
        name = row.name.lower()
        if not name:
            return True
        words = (t for value in people for t in _WORD_BREAKS.split(value.lower()))
        found = [name.find(t) for t in words if len(t) >= 3 and not t.isdigit() and t in name]
        if found:  # the part before the name still places the device ("SJO-ALM-" of "SJO-ALM-ANNA")
            row.name = row.name[: min(found)].rstrip(" -_.")
        return True


_WORD_BREAKS = re.compile(r"[\s@._-]+")


def _read_as(data: bytes, filename: str, format: str) -> list[Row]:
    return read_table(
        data,
        filename,
        COLUMNS[format],
        REQUIRED[format],
        ignore_unknown=format != DeviceFormat.DIGIPLAN,
    )


def _table(data: bytes, filename: str, format: str | None) -> tuple[str, list[Row]]:
    """The file's rows and its format: the one asked for, or the first whose columns fit."""
    if format:
        return format, _read_as(data, filename, format)
    first_refusal: UploadRejected | None = None
    # Intune first: its "Serial number" is also a name Google Admin gives the column.
    for candidate in (DeviceFormat.INTUNE, DeviceFormat.CHROMEOS, DeviceFormat.DIGIPLAN):
        try:
            return candidate, _read_as(data, filename, candidate)
        except UploadRejected as rejected:
            if candidate == DeviceFormat.DIGIPLAN and first_refusal is not None:
                raise UploadRejected(ERROR_NOT_A_DEVICE_FILE % {"detail": rejected.message}) from None
            first_refusal = first_refusal or rejected
    raise AssertionError("unreachable")  # the last candidate returns or raises


def _given(format: str, table: list[Row]) -> frozenset[str]:
    present = set().union(*(cells.keys() for _line, cells in table[:1000]))
    given = {key for key in DEVICE_FIELDS if key in present}
    if format != DeviceFormat.DIGIPLAN:
        given.add("type")  # derived from the OS, or a Chromebook
    if present & {PRIMARY_USER, "primary_user_email", "primary_user_name"}:
        given.add("has_primary_user")
    return frozenset(given)


def device_file_read(data: bytes, filename: str, errors: ErrorList, format: str | None = None) -> DeviceFile:
    """Every good row of the file; every bad one in errors with its line and reason. Raises
    UploadRejected when the file as a whole cannot be read."""
    format, table = _table(data, filename, format)
    given = _given(format, table)
    reader = _RowReader(format, errors)
    rows: list[DeviceRow] = []
    first_line: dict[str, int] = {}
    for index, (line, cells) in enumerate(table):
        table[index] = (line, {})  # each row's cells go once read: a third of the peak memory
        row = reader.read(line, cells)
        serial = cells.get("serial_number", "").upper()
        if serial:
            earlier = first_line.setdefault(serial, line)
            if earlier != line:
                errors.add(line, str(ERROR_SERIAL_DUPLICATE) % {"serial": _quoted(serial), "line": earlier})
                continue
        if row is not None:
            rows.append(row)
    return DeviceFile(format=format, rows=rows, given=given)
