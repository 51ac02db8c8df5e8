"""`manage.py import_ss12000 FILE... [--huvudman KEY] [--deactivate-missing] [--dry-run]`

Imports SS 12000 JSON pages from /organisations, /persons and /duties (any number, any order)
in one transaction. See docs/imports.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiplan.imports.errors import FileRejected
from digiplan.imports.management.commands._import_common import (
    add_common_arguments,
    finish,
    people_text,
    read_file,
    reject,
    units_text,
)
from digiplan.imports.ss12000 import PlanOutdated, apply_ss12000, plan_ss12000


class Command(BaseCommand):
    help = "Import units, people and their roles from SS 12000 JSON pages."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        add_common_arguments(parser, huvudman_required=False)

    def handle(self, *args, files, huvudman, deactivate_missing, dry_run, **options):
        pages = [read_file(path, lazily=True) for path in files]
        try:
            plan = plan_ss12000(pages, huvudman, deactivate_missing)
        except FileRejected as exc:
            raise CommandError(exc.message) from None
        if plan.errors:
            reject(self, plan.errors)
        self.print_plan(plan)
        if not dry_run:
            try:
                apply_ss12000(
                    plan, actor=None, source="import_ss12000: " + ", ".join(name for name, _ in pages)
                )
            except PlanOutdated as exc:
                raise CommandError(str(exc)) from None
        finish(self, dry_run)

    def print_plan(self, plan):
        if plan.huvudman_new:
            self.stdout.write(
                _("New school organiser: %(name)s (%(number)s)")
                % {"name": plan.huvudman.name, "number": plan.huvudman.organisation_number}
            )
        else:
            self.stdout.write(
                _("School organiser: %(name)s (%(number)s)")
                % {"name": plan.huvudman.name, "number": plan.huvudman.organisation_number}
            )
        summary = plan.summary
        if summary["units"]:
            self.stdout.write(units_text(summary["units"]))
        if summary["people"]:
            self.stdout.write(people_text(summary["people"]))
        notes = summary["notes"]
        left_out = notes.get("skipped_organisations", 0) + notes.get("merged_organisations", 0)
        if left_out:
            self.stdout.write(
                ngettext(
                    "%(count)s organisation record is not a level of its own in Digiplan; what lies "
                    "below it hangs on the level above.",
                    "%(count)s organisation records are not levels of their own in Digiplan; what "
                    "lies below them hangs on the level above.",
                    left_out,
                )
                % {"count": left_out}
            )
        skipped = notes.get("persons_without_duty", 0)
        if skipped:
            self.stdout.write(
                ngettext(
                    "%(count)s person without a current duty at an imported unit is left out.",
                    "%(count)s people without a current duty at an imported unit are left out.",
                    skipped,
                )
                % {"count": skipped}
            )
