"""`manage.py import_people FILE --huvudman KEY [--deactivate-missing] [--dry-run]`

Imports people and their roles from a CSV or XLSX file (columns: docs/imports.md) in one
transaction."""

from django.core.management.base import BaseCommand, CommandError

from digiplan.organisations.imports.errors import ErrorList, FileRejected
from digiplan.organisations.imports.people import apply_people, plan_people, rows_from_table
from digiplan.organisations.management.commands._import_common import (
    add_common_arguments,
    find_huvudman,
    finish,
    people_text,
    read_file,
    reject,
)


class Command(BaseCommand):
    help = "Import people and their roles from a CSV or Excel file."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        add_common_arguments(parser, huvudman_required=True)

    def handle(self, *args, file, huvudman, deactivate_missing, dry_run, **options):
        huvudman = find_huvudman(huvudman)
        name, data = read_file(file)
        errors = ErrorList()
        try:
            rows = rows_from_table(data, name, huvudman, errors)
        except FileRejected as exc:
            raise CommandError(f"{name}: {exc.message}") from None
        plan = plan_people(huvudman, rows, deactivate_missing=deactivate_missing, errors=errors)
        if errors:
            reject(self, errors)
        self.stdout.write(people_text(plan.summary))
        if not dry_run:
            apply_people(plan, actor=None, source=f"import_people: {name}")
        finish(self, dry_run)
