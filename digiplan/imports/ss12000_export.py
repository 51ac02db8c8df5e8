"""SS 12000 export: a huvudman's tree as one /organisations page (docs/imports.md, Export)."""

import datetime

from django.utils import timezone

from digiplan.imports.ss12000_pages import EXPORT_TYPES, export_id
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType


def _stamp(moment) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def export_organisations(huvudman: Huvudman) -> dict:
    """The huvudman's tree as one SS 12000 /organisations page. Importing it back changes
    nothing: nodes without an external id get an id derived from their own, which the
    import recognises."""
    nodes = list(
        Organisation.objects.filter(huvudman=huvudman).order_by("path").prefetch_related("school_forms")
    )
    ids = {node.pk: export_id(huvudman, node) for node in nodes}
    data = []
    for node in nodes:
        record = {
            "id": ids[node.pk],
            "meta": {"created": _stamp(node.created_at), "modified": _stamp(node.updated_at)},
            "displayName": huvudman.name if node.parent_id is None else node.name,
            "organisationType": EXPORT_TYPES[OrganisationType(node.type)],
        }
        if node.parent_id is None:
            record["organisationNumber"] = huvudman.organisation_number
        else:
            record["parentOrganisation"] = {"id": ids[node.parent_id]}
        if node.municipality_code:  # exported only when an import gave it: never guessed
            record["municipalityCode"] = node.municipality_code
        if node.type == OrganisationType.SKOLENHET:
            if node.school_unit_code:
                record["schoolUnitCode"] = node.school_unit_code
            record["schoolTypes"] = sorted(f.school_form for f in node.school_forms.all())
        if not node.is_active:
            # endDate is the last day the node was valid: the day before it was deactivated.
            ended = timezone.localdate(node.deactivated_at or node.updated_at)
            record["endDate"] = (ended - datetime.timedelta(days=1)).isoformat()
        data.append(record)
    return {"data": data, "pageToken": None}
