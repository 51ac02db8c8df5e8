"""What the reports' pages list and look up besides the reports themselves: the units a person
may read a report of, the public reports, and the archives of every unit's report."""

from __future__ import annotations

from django.db.models import QuerySet

from digiplan.organisations import access
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType, Person
from digiplan.reports.models import PublicReport, ReportArchive

ARCHIVES_LISTED = 20


def school_unit(pk: int) -> Organisation | None:
    """The school unit with this id (a report is of a school unit only)."""
    return Organisation.objects.filter(pk=pk, type=OrganisationType.SKOLENHET).first()


def readable_units(person: Person) -> QuerySet[Organisation]:
    """The active school units whose report the person may read, by name."""
    return (
        access.reachable_nodes(person)
        .filter(type=OrganisationType.SKOLENHET, is_active=True)
        .order_by("name", "pk")
    )


def public_reports(huvudman: Huvudman) -> QuerySet[PublicReport]:
    return PublicReport.objects.filter(huvudman=huvudman).select_related("published_by")


def published_report(token: str) -> PublicReport | None:
    """The public report at this address, unless it is withdrawn."""
    return PublicReport.objects.filter(token=token, withdrawn_at__isnull=True).first()


def archive_for(person: Person, pk: int) -> ReportArchive | None:
    """The archive, if it is of the person's huvudman and the person manages its node."""
    if person.huvudman_id is None:
        return None
    archive = (
        ReportArchive.objects.select_related("node").filter(pk=pk, huvudman_id=person.huvudman_id).first()
    )
    if archive is None or (archive.node is not None and not access.can_manage(person, archive.node)):
        return None
    return archive


def recent_archives(person: Person) -> list[ReportArchive]:
    """The huvudman's latest archives (without their content) whose node the person manages."""
    if person.huvudman_id is None:
        return []
    archives = (
        ReportArchive.objects.filter(huvudman_id=person.huvudman_id)
        .select_related("node", "requested_by")
        .defer("content")[:ARCHIVES_LISTED]
    )
    return [a for a in archives if a.node is None or access.can_manage(person, a.node)]
