"""`manage.py import_people FILE --huvudman KEY [--deactivate-missing] [--dry-run]`

Imports people and their roles from a CSV or XLSX file (columns: docs/imports.md) in one
transaction."""

from digiplan.imports import people
from digiplan.imports.management.commands._import_common import TableImportCommand, people_text


class Command(TableImportCommand):
    help = "Import people and their roles from a CSV or Excel file."
    name = "import_people"

    def rows(self, data, name, huvudman, errors):
        return people.rows_from_table(data, name, huvudman, errors)

    def plan(self, huvudman, rows, *, deactivate_missing, errors):
        return people.plan_people(huvudman, rows, deactivate_missing=deactivate_missing, errors=errors)

    def apply(self, plan, *, source):
        people.apply_people(plan, actor=None, source=source)

    def summary_text(self, summary) -> str:
        return people_text(summary)
