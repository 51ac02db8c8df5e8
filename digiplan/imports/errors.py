from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from digiplan.lib.uploads import UploadRejected

MAX_REPORTED = 100

# The file as a whole cannot be read (encoding, size, format, columns): one exception for the
# shared upload checks and the importers' own, so that every caller catches both.
FileRejected = UploadRejected


@dataclass
class RowError:
    line: int  # line in a CSV file, row in a sheet, or record number in JSON
    message: str

    def __str__(self) -> str:
        return _("Row %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ErrorList:
    """Collects every bad row; keeps the first MAX_REPORTED and counts the rest."""

    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, message: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(RowError(line, str(message)))

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self):
        return iter(sorted(self.errors, key=lambda e: e.line))

    @property
    def omitted(self) -> int:
        return self.total - len(self.errors)


# Raised by the apply functions: a plan is applied only as it was planned and checked.
ERROR_PLAN_HAS_ERRORS = "a plan with errors cannot be applied"
ERROR_PLAN_NO_ORDER = "the plan's new units have a parent that is neither created nor planned"
