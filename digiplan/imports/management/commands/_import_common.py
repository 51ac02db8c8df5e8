"""What the import commands share: finding the huvudman, reading files, printing the plan.
(The leading underscore keeps Django from taking this module for a command.)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from digiplan.imports.errors import ErrorList, FileRejected
from digiplan.imports.ss12000 import (
    ERROR_NO_SUCH_HUVUDMAN,
    ERROR_ORGNR,
    normalise_organisation_number,
)
from digiplan.lib import uploads
from digiplan.organisations.models import Huvudman

MAX_PRINTED = 100
MORE_ERRORS = gettext_lazy("… and %(count)s more")


def add_common_arguments(parser, *, huvudman_required: bool) -> None:
    parser.add_argument(
        "--huvudman",
        required=huvudman_required,
        metavar="ORGANISATIONSNUMMER",
        help="The school organiser's organisation number, e.g. 212000-1234.",
    )
    parser.add_argument(
        "--deactivate-missing",
        action="store_true",
        help="Deactivate what the files no longer list (a full import).",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Check the files and show what would change; save nothing."
    )


def find_huvudman(key: str) -> Huvudman:
    number = normalise_organisation_number(key)
    if number is None:
        raise CommandError(ERROR_ORGNR % {"value": key[:40]})
    huvudman = Huvudman.objects.filter(organisation_number=number).first()
    if huvudman is None:
        raise CommandError(ERROR_NO_SUCH_HUVUDMAN % {"number": number})
    return huvudman


def read_file(path: str, *, lazily: bool = False) -> tuple[str, bytes | Path]:
    """(name, content); lazily: the content is the Path, to be read when its turn comes."""
    try:
        if lazily:
            if not Path(path).is_file():
                raise FileNotFoundError(2, "No such file", path)
            return Path(path).name, Path(path)
        return Path(path).name, uploads.read_path(path)  # its size checked before it is read
    except OSError as exc:
        raise CommandError(
            _("Could not read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
        ) from None
    except uploads.UploadRejected as rejected:
        raise CommandError(f"{Path(path).name}: {rejected.message}") from None


def reject(command, errors: ErrorList) -> None:
    """Prints every error (up to MAX_PRINTED) to stderr and fails the command."""
    printed = list(errors)[:MAX_PRINTED]
    for error in printed:
        command.stderr.write(str(error))
    rest = errors.total - len(printed)
    if rest:
        command.stderr.write(MORE_ERRORS % {"count": rest})
    raise CommandError(
        ngettext(
            "The import was rejected: %(count)s error. Nothing was saved.",
            "The import was rejected: %(count)s errors. Nothing was saved.",
            errors.total,
        )
        % {"count": errors.total}
    )


def units_text(summary: dict) -> str:
    return ", ".join(
        [
            ngettext("%(count)s unit to add", "%(count)s units to add", summary["add"])
            % {"count": summary["add"]},
            _("%(count)s to change") % {"count": summary["change"]},
            _("%(count)s to deactivate") % {"count": summary["deactivate"]},
        ]
    )


def people_text(summary: dict) -> str:
    return (
        ", ".join(
            [
                ngettext("%(count)s person to add", "%(count)s people to add", summary["add"])
                % {"count": summary["add"]},
                _("%(count)s to change") % {"count": summary["change"]},
                _("%(count)s to deactivate") % {"count": summary["deactivate"]},
            ]
        )
        + "; "
        + ", ".join(
            [
                ngettext("%(count)s role to add", "%(count)s roles to add", summary["memberships_add"])
                % {"count": summary["memberships_add"]},
                _("%(count)s to remove") % {"count": summary["memberships_remove"]},
            ]
        )
    )


def finish(command, dry_run: bool) -> None:
    if dry_run:
        command.stdout.write(_("Dry run: nothing was saved."))
    else:
        command.stdout.write(command.style.SUCCESS(_("The import is saved.")))


class TableImportCommand(BaseCommand):
    """import_organisation and import_people: one CSV/XLSX file, planned whole, then written."""

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        add_common_arguments(parser, huvudman_required=True)

    def rows(self, data, name, huvudman, errors):
        raise NotImplementedError

    def plan(self, huvudman, rows, *, deactivate_missing, errors):
        raise NotImplementedError

    def apply(self, plan, *, source):
        raise NotImplementedError

    def summary_text(self, summary) -> str:
        raise NotImplementedError

    def handle(self, *args, file, huvudman, deactivate_missing, dry_run, **options):
        huvudman = find_huvudman(huvudman)
        name, data = read_file(file)
        errors = ErrorList()
        try:
            rows = self.rows(data, name, huvudman, errors)
        except FileRejected as exc:
            raise CommandError(f"{name}: {exc.message}") from None
        plan = self.plan(huvudman, rows, deactivate_missing=deactivate_missing, errors=errors)
        if errors:
            reject(self, errors)
        self.stdout.write(self.summary_text(plan.summary))
        if not dry_run:
            self.apply(plan, source=f"{self.name}: {name}")
        finish(self, dry_run)
