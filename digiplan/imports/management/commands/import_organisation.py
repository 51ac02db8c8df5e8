"""`manage.py import_organisation FILE --huvudman KEY [--deactivate-missing] [--dry-run]`

Imports units from a CSV or XLSX file (columns: docs/imports.md) in one transaction."""

from digiplan.imports import units
from digiplan.imports.management.commands._import_common import TableImportCommand, units_text


class Command(TableImportCommand):
    help = "Import the organisation's units from a CSV or Excel file."
    name = "import_organisation"

    def rows(self, data, name, huvudman, errors):
        return units.rows_from_table(data, name, errors)

    def plan(self, huvudman, rows, *, deactivate_missing, errors):
        return units.plan_units(huvudman, rows, deactivate_missing=deactivate_missing, errors=errors)

    def apply(self, plan, *, source):
        units.apply_units(plan, actor=None, source=source)

    def summary_text(self, summary) -> str:
        return units_text(summary)
