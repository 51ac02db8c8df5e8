"""What is kept for a limited time (import previews, report archives) and purged daily: the
deletion with one audit event per huvudman, and the command that runs it with --dry-run."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils import timezone

from digiplan.audit.services import audit_record
from digiplan.organisations.models import Huvudman


@dataclass
class Purged:
    cutoff: datetime.datetime
    per_huvudman: Counter[int] = field(default_factory=Counter)  # huvudman id → rows deleted

    @property
    def deleted(self) -> int:
        return sum(self.per_huvudman.values())


def purge_created_before(
    rows: models.QuerySet[Any],
    *,
    cutoff: datetime.datetime,
    dry_run: bool,
    action: str,
    object_type: str,
    kept_for: dict[str, int],
) -> Purged:
    """Deletes the rows made before cutoff (they have created_at and huvudman), with an audit
    event per huvudman (actor: the system). Idempotent: a second run finds nothing."""
    result = Purged(cutoff=cutoff)
    with transaction.atomic():
        old = rows.filter(created_at__lt=cutoff)
        result.per_huvudman.update(old.values_list("huvudman_id", flat=True))
        if dry_run or not result.deleted:
            return result
        old.delete()
        for huvudman in Huvudman.objects.filter(pk__in=result.per_huvudman):
            audit_record(
                actor=None,
                huvudman=huvudman,
                action=action,
                object_type=object_type,
                extra={
                    "deleted": result.per_huvudman[huvudman.pk],
                    **kept_for,
                    "created_before": cutoff.isoformat(),
                },
            )
    return result


class PurgeCommand(BaseCommand):
    """`--days N` (or `--hours N`) and `--dry-run`; says what was deleted, per huvudman, in
    Swedish for the operator reading the cron mail."""

    age_unit = "days"  # or "hours"
    age_default: int
    age_help: str
    dry_run_help = "visa vad som skulle raderas utan att ändra något"
    # Filled in with the cutoff ("2026-12-01 03:00"), and for `deleted` with the verb and count.
    nothing_text: str
    deleted_text: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(f"--{self.age_unit}", type=int, default=self.age_default, help=self.age_help)
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def purge(self, age: int, dry_run: bool) -> Purged:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        age = options[self.age_unit]
        if age < 0:
            raise CommandError(f"--{self.age_unit} kan inte vara negativt.")
        dry_run = options["dry_run"]
        result = self.purge(age, dry_run)
        write = self.stdout.write
        cutoff = f"{timezone.localtime(result.cutoff):%Y-%m-%d %H:%M}"
        if dry_run:
            write("Provkörning: inget ändras.")
        if not result.deleted:
            write(self.nothing_text.format(cutoff=cutoff))
            return
        verb = "skulle raderas" if dry_run else "raderade"
        write(self.deleted_text.format(verb=verb, count=result.deleted, cutoff=cutoff))
        names = dict(Huvudman.objects.filter(pk__in=result.per_huvudman).values_list("pk", "name"))
        for pk, count in sorted(result.per_huvudman.items()):
            write(f"  {names.get(pk, pk)} (id {pk}): {count}")
