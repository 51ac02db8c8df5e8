"""`manage.py delete_huvudman ORGNR [--confirm ORGNR]`: the huvudman and every row it owns
deleted in one transaction, after the operator has typed its name or number
(operations.huvudman_delete; docs/operations.md, "A huvudman leaves")."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from digiplan.imports.management.commands._import_common import find_huvudman
from digiplan.operations.huvudman_delete import DeletionRefused, huvudman_delete
from digiplan.organisations.models import Huvudman, normalise_organisation_number


def confirmed(huvudman: Huvudman, typed: str) -> bool:
    typed = " ".join((typed or "").split())
    return bool(typed) and (
        typed.casefold() == huvudman.name.casefold()
        or normalise_organisation_number(typed) == huvudman.organisation_number
    )


class Command(BaseCommand):
    help = "Delete a school organiser and everything it owns, after a typed confirmation."

    def add_arguments(self, parser):
        parser.add_argument("orgnr", metavar="ORGANISATIONSNUMMER")
        parser.add_argument("--confirm", metavar="ORGANISATIONSNUMMER", help="for scripts: no question asked")

    def handle(self, *args, orgnr, confirm, **options):
        huvudman = find_huvudman(orgnr)
        label = {"name": huvudman.name, "number": huvudman.organisation_number}
        if confirm is None:
            self.stdout.write(
                _(
                    "This deletes %(name)s (%(number)s): its units, people, frameworks, self-assessments, "
                    "plans, reports, devices, services and audit trail. It cannot be undone; make an "
                    "export (export_huvudman) and a backup first."
                )
                % label
            )
            confirm = input(_("Type the organisation's name or number to delete it: "))
        if not confirmed(huvudman, confirm):
            raise CommandError(
                _("Nothing was deleted: what you typed is not %(name)s nor %(number)s.") % label
            )
        try:
            deleted = huvudman_delete(huvudman=huvudman)
        except DeletionRefused as error:
            raise CommandError(_("Nothing was deleted: %(reason)s") % {"reason": error}) from error
        self.stdout.write(
            _("Deleted %(name)s (%(number)s): %(rows)s rows in %(tables)s tables.")
            % {**label, "rows": sum(deleted.values()), "tables": len(deleted)}
        )
