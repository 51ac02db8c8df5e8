"""What a units import reads (a UnitRow per row of a CSV/XLSX file or SS 12000 record) and the
shape of its plan; units.py makes and applies the plan."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from digiplan.imports.errors import ErrorList
from digiplan.lib.spreadsheet.reading import read_table
from digiplan.organisations import cells as cell
from digiplan.organisations.models import Huvudman, Organisation

UNIT_COLUMNS = {
    "type": ("typ", "type"),
    "name": ("namn", "name"),
    "short_name": ("kortnamn", "short name"),
    "school_unit_code": ("skolenhetskod", "school unit code"),
    "external_id": ("externt id", "external id", "id"),
    "parent": ("överordnad", "overordnad", "parent"),
    "school_forms": ("skolformer", "school forms"),
    "pupils": ("elever", "pupils"),
    "staff": ("personal", "staff"),
    "active": ("aktiv", "active"),
}
UNIT_REQUIRED = {"type", "name"}
ROOT_REF = ""


@dataclass
class UnitRow:
    line: int
    type: str
    name: str
    parent_ref: str = ROOT_REF  # external id, school unit code or name; "" is the huvudman
    short_name: str = ""
    school_unit_code: str = ""
    external_id: str = ""
    municipality_code: str = ""  # only SS 12000 gives one; "" leaves the node's as it is
    school_forms: list[str] | None = None  # None: leave as they are
    pupil_counts: dict[tuple[str, str], int] | None = None
    staff_count: int | None = None
    active: bool = True
    staff_given: bool = False

    @property
    def key(self) -> str:
        return self.external_id or self.school_unit_code or f"{self.type}:{self.name.lower()}"


@dataclass
class UnitChange:
    row: UnitRow
    node: Organisation
    before: dict[str, object]
    after: dict[str, object]


# A row's parent: an existing node, or another row of the same file.
type Parent = Organisation | UnitRow


@dataclass
class UnitPlan:
    huvudman: Huvudman
    adds: list[UnitRow] = field(default_factory=list)
    changes: list[UnitChange] = field(default_factory=list)
    deactivations: list[Organisation] = field(default_factory=list)
    unchanged: int = 0
    errors: ErrorList = field(default_factory=ErrorList)
    # row line → its parent, resolved during planning
    parents: dict[int, Parent] = field(default_factory=dict)
    matched: dict[int, Organisation] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "add": len(self.adds),
            "change": len(self.changes),
            "deactivate": len(self.deactivations),
            "unchanged": self.unchanged,
        }


def rows_from_table(data: bytes, filename: str, errors: ErrorList) -> list[UnitRow]:
    rows = []
    for line, cells in read_table(data, filename, UNIT_COLUMNS, UNIT_REQUIRED):
        problems: list[str | None] = []
        if "__extra__" in cells:
            problems.append(_("the row has more cells than the header."))
        type_, err = cell.organisation_type(cells.get("type", ""))
        problems.append(err)
        name, err = cell.text(cells.get("name", ""), _("Name"), required=True)
        problems.append(err)
        short_name, err = cell.text(cells.get("short_name", ""), _("Short name"), max_length=60)
        problems.append(err)
        code, err = cell.school_unit_code(cells.get("school_unit_code", ""))
        problems.append(err)
        external_id, err = cell.text(cells.get("external_id", ""), _("External id"), max_length=100)
        problems.append(err)
        parent, err = cell.text(cells.get("parent", ""), _("Parent"))
        problems.append(err)
        forms, err = cell.school_forms(cells["school_forms"]) if "school_forms" in cells else (None, None)
        problems.append(err)
        pupils, err = cell.pupil_counts(cells["pupils"]) if "pupils" in cells else (None, None)
        problems.append(err)
        staff, err = cell.count(cells.get("staff", ""), _("Staff"))
        problems.append(err)
        active, err = cell.yes_no(cells.get("active", ""), _("Active"), True)
        problems.append(err)
        reported = [p for p in problems if p]
        if reported or type_ is None:
            errors.add(line, " ".join(reported))
            continue
        rows.append(
            UnitRow(
                line=line,
                type=type_,
                name=name,
                parent_ref=parent,
                short_name=short_name,
                school_unit_code=code,
                external_id=external_id,
                school_forms=forms,
                pupil_counts=pupils,
                staff_count=staff,
                active=active,
                staff_given="staff" in cells,
            )
        )
    return rows


def row_values(row: UnitRow) -> dict[str, object]:
    values: dict[str, object] = {"name": row.name, "type": row.type, "is_active": row.active}
    if row.short_name:
        values["short_name"] = row.short_name
    if row.school_unit_code:
        values["school_unit_code"] = row.school_unit_code
    if row.external_id:
        values["external_id"] = row.external_id
    if row.municipality_code:
        values["municipality_code"] = row.municipality_code
    if row.staff_given:
        values["staff_count"] = row.staff_count
    return values
