"""Every unit's report of a school year as one ZIP of PDFs, built in the background.

A strategist asks for it (archive_request); the task queue (a worker, `manage.py db_worker`, see
docs/operations.md) builds one PDF per unit and moves the archive's done/total on after each, so
the archive page can show a progress bar; the ZIP is then stored on the archive row. Only the
archive's id goes into the queue: the task reads year, filters and requester from the row, and
builds each report as the requester may read it.
"""

import datetime
import errno
import logging
import tempfile
import zipfile

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from digiplan.audit.models import AuditEvent
from digiplan.audit.services import audit_record
from digiplan.organisations import access
from digiplan.organisations.models import Organisation
from digiplan.organisations.retention import Purged, purge_created_before
from digiplan.reports import exports, selectors
from digiplan.reports.models import ArchiveStatus, ReportArchive
from digiplan.reports.privacy import ARCHIVES_DELETED
from digiplan.reports.registry_section import unit_registry_section

log = logging.getLogger(__name__)

# Stored on a failed archive in English; the archive page translates them.
ERROR_FAILED = gettext_noop("The archive could not be built.")
ERROR_DISK_FULL = gettext_noop(
    "The disk was full while the ZIP file was being built, so nothing of it was kept. Ask the "
    "administrator to free space, then ask for the ZIP file again."
)
# What the databases say when their disk is full: PostgreSQL's disk_full (SQLSTATE 53100,
# "could not extend file …: No space left on device") and SQLite's SQLITE_FULL.
DISK_FULL_WORDS = ("no space left on device", "database or disk is full")


def disk_full(error: BaseException) -> bool:
    """Whether the error, or what caused it, is a full disk: of the temporary file or of the
    database that stores the ZIP."""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        if getattr(current, "sqlstate", None) == "53100" or any(
            words in str(current).lower() for words in DISK_FULL_WORDS
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def archive_units(archive: ReportArchive):
    """The school units the archive covers: those the requester manages, within its filters."""
    person = archive.requested_by
    if person is None:
        return Organisation.objects.none()
    return (
        selectors.report_units(
            access.managed_nodes(person), node=archive.node, school_form=archive.school_form
        )
        .filter(is_active=True)
        .order_by("name", "pk")
    )


def archive_request(
    *, actor, school_year: str, node: Organisation | None = None, school_form: str = ""
) -> ReportArchive:
    """A new archive, waiting for the worker; its task is queued when the transaction commits."""
    with transaction.atomic():
        archive = ReportArchive(
            huvudman_id=actor.huvudman_id,
            school_year=school_year,
            node=node,
            school_form=school_form,
            requested_by=actor,
        )
        archive.full_clean(exclude=["content"])
        archive.save()
        archive.total = archive_units(archive).count()
        archive.save(update_fields=["total"])
        audit_record(
            actor=actor,
            huvudman=actor.huvudman,
            action="report_archive.request",
            obj=archive,
            object_label=f"{school_year}",
            extra={"units": archive.total, "node": node.pk if node else None, "school_form": school_form},
        )
        transaction.on_commit(lambda: build_report_archive.enqueue(archive.pk))
    return archive


def _update(archive_id: int, **fields) -> None:
    # Each step in its own small write, so the page sees progress while the task runs.
    ReportArchive.objects.filter(pk=archive_id).update(**fields)


@task
def build_report_archive(archive_id: int) -> dict:
    """Builds the archive's ZIP: one PDF per unit, done counted up after each."""
    archive = (
        ReportArchive.objects.select_related("requested_by", "huvudman", "node").filter(pk=archive_id).first()
    )
    if archive is None or archive.status == ArchiveStatus.DONE:
        return {"built": 0}
    units = list(archive_units(archive))
    _update(archive.pk, status=ArchiveStatus.RUNNING, total=len(units), done=0, error="")
    names: set[str] = set()
    try:
        with translation.override("sv"), tempfile.SpooledTemporaryFile(max_size=50 * 1024 * 1024) as buffer:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
                for done, unit in enumerate(units, start=1):
                    report = selectors.readable_unit_report(archive.requested_by, unit, archive.school_year)
                    # A requester who has since been erased gets no devices section.
                    requester = archive.requested_by
                    registry = unit_registry_section(requester, unit) if requester is not None else None
                    pdf = exports.unit_pdf(report, huvudman_name=archive.huvudman.name, registry=registry)
                    name = exports.filename(_("report"), unit.name, archive.school_year, "pdf")
                    if name in names:  # two units of the same name
                        name = name.replace(".pdf", f"-{unit.school_unit_code or unit.pk}.pdf")
                    names.add(name)
                    zipped.writestr(name, pdf)
                    _update(archive.pk, done=done)
            buffer.seek(0)
            content = buffer.read()
            year = archive.school_year.replace("/", "-")
            _update(
                archive.pk,
                status=ArchiveStatus.DONE,
                content=content,
                filename=f"{slugify(_('reports'))}-{year}.zip",
                finished_at=timezone.now(),
            )
    except Exception as error:
        # The temporary file is closed (and with it deleted) by the with-block; the row gets
        # no content, so no half-built ZIP is ever served.
        log.exception("report archive %s failed", archive.pk)
        _update(
            archive.pk,
            status=ArchiveStatus.FAILED,
            finished_at=timezone.now(),
            content=None,
            error=ERROR_DISK_FULL if disk_full(error) else ERROR_FAILED,
        )
        raise
    log.info("report archive %s: %s unit reports", archive.pk, len(units))
    return {"built": len(units)}


# ---- Pruning ---------------------------------------------------------------------------------


def archives_prune(
    *, days: int | None = None, dry_run: bool = False, now: datetime.datetime | None = None
) -> Purged:
    """Deletes the archives asked for more than `days` days ago, whatever their state (one still
    waiting or being built after that long has lost its worker), with an audit event per
    huvudman. Idempotent. A ZIP holds every unit's report, comments above k included, as it was
    on the day it was built: kept long enough to hand on (settings.REPORT_ARCHIVE_DAYS), then
    built again from the current data when it is needed."""
    days = settings.REPORT_ARCHIVE_DAYS if days is None else days
    return purge_created_before(
        ReportArchive.objects.all(),
        cutoff=(now or timezone.now()) - datetime.timedelta(days=days),
        dry_run=dry_run,
        action="report_archive.purge",
        object_type="reportarchive",
        kept_for={"days": days},
    )


def archives_deleted_by_erasure(huvudman_id: int) -> AuditEvent | None:
    """The latest erasure of a person that deleted stored archives (reports.privacy), while an
    archive built before it could still have been kept: the archive page says why they are
    gone."""
    since = timezone.now() - datetime.timedelta(days=settings.REPORT_ARCHIVE_DAYS)
    return (
        AuditEvent.objects.filter(
            huvudman_id=huvudman_id,
            action="person.erase",
            created_at__gte=since,
            **{f"changes__{ARCHIVES_DELETED}__gt": 0},
        )
        .order_by("-created_at", "-pk")
        .first()
    )
