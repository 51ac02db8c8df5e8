from datetime import datetime, time
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.audit.models import AuditEvent
from digiplan.organisations import access

PAGE_SIZE = 50

OBJECT_TYPES = [
    ("organisation", _("Organisation")),
    ("person", _("Person")),
    ("membership", _("Role")),
    ("roletitle", _("Role title")),
    ("import", _("Import")),
    ("huvudman", _("School organiser")),
    ("framework", _("Framework")),
    ("campaign", _("Self-assessment")),
    ("pupilcode", _("Pupil group code")),
    ("leaderrating", _("Leader rating")),
    ("plan", _("Plan")),
    ("goal", _("Goal")),
    ("activity", _("Activity")),
    ("libraryactivity", _("Example activity")),
    ("reportarchive", _("ZIP of unit reports")),
    ("publicreport", _("Public report")),
]

ACTION_LABELS = {
    "huvudman.create": _("School organiser created"),
    "organisation.create": _("Node created"),
    "organisation.bulk_create": _("Nodes created in bulk"),
    "organisation.update": _("Node changed"),
    "organisation.move": _("Node moved"),
    "organisation.deactivate": _("Node deactivated"),
    "organisation.reactivate": _("Node reactivated"),
    "unit_school_form.bulk_create": _("School forms added in bulk"),
    "pupil_count.bulk_create": _("Pupil counts added in bulk"),
    "person.create": _("Person added"),
    "person.bulk_create": _("People added in bulk"),
    "person.update": _("Person changed"),
    "person.deactivate": _("Person deactivated"),
    "person.demo_password_set": _("Demo password set"),
    "person.export_data": _("Personal data exported"),
    "person.erase": _("Person erased"),
    "membership.create": _("Role given"),
    "membership.bulk_create": _("Roles given in bulk"),
    "membership.delete": _("Role removed"),
    "role_title.create": _("Role title added"),
    "role_title.update": _("Role title changed"),
    "role_title.delete": _("Role title removed"),
    "import.units": _("Units imported"),
    "import.people": _("People imported"),
    "import.ss12000": _("SS 12000 imported"),
    "framework.create": _("Framework created"),
    "framework.import": _("Framework imported"),
    "framework.new_draft": _("New draft of a framework"),
    "framework.discard_draft": _("Draft of a framework discarded"),
    "framework.publish": _("Framework version published"),
    "framework.archive": _("Framework version archived"),
    "item.create": _("Framework item added"),
    "item.update": _("Framework item changed"),
    "item.delete": _("Framework item removed"),
    "item.reorder": _("Framework items reordered"),
    "scale.create": _("Scale created"),
    "responsibility.save": _("Responsibility saved"),
    "responsibility.delete": _("Responsibility removed"),
    "target.save": _("Target saved"),
    "target.delete": _("Target removed"),
    "campaign.create": _("Self-assessment created"),
    "campaign.open": _("Self-assessment opened"),
    "campaign.remind": _("Reminders sent"),
    "campaign.close": _("Self-assessment closed"),
    "campaign.purge": _("Drafts and old links purged"),
    "draft.purge": _("Drafts without a participant purged"),
    "pupil_code.create": _("Pupil group code created"),
    "rating.save": _("Leader rating saved as a draft"),
    "rating.submit": _("Leader rating submitted"),
    "rating.reopen": _("Leader rating reopened"),
    "plan.create": _("Plan created"),
    "plan.update": _("Plan changed"),
    "plan.publish": _("Plan published"),
    "plan.summary": _("Plan summary saved"),
    "plan.follow_up": _("Plan followed up"),
    "goal.create": _("Goal added"),
    "goal.update": _("Goal changed"),
    "goal.delete": _("Goal removed"),
    "goal.dismiss_suggestion": _("Suggested goal dismissed"),
    "goal.follow_up": _("Goal followed up"),
    "activity.create": _("Activity added"),
    "activity.update": _("Activity changed"),
    "activity.delete": _("Activity removed"),
    "activity.progress": _("Progress noted"),
    "activity.follow_up": _("Activity followed up"),
    "library.create": _("Example activity added"),
    "library.update": _("Example activity changed"),
    "library.delete": _("Example activity removed"),
    "calendar.create": _("Calendar address created"),
    "calendar.renew": _("Calendar address renewed"),
    "report_archive.request": _("ZIP of unit reports asked for"),
    "report_archive.purge": _("Old ZIPs of unit reports deleted"),
    "pending_import.purge": _("Unfinished import previews deleted"),
    "public_report_publish": _("Public report published"),
    "public_report_withdraw": _("Public report withdrawn"),
}


def _change_lines(changes: dict) -> list[str]:
    before, after = changes.get("before") or {}, changes.get("after") or {}
    lines = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in before and key in after:
            lines.append(f"{key}: {before[key]} → {after[key]}")
        elif key in after:
            lines.append(f"{key}: {after[key]}")
        else:
            lines.append(f"{key}: {before[key]} → –")
    lines.extend(f"{key}: {value}" for key, value in (changes.get("summary") or {}).items())
    return lines


def _date(value: str, end: bool = False):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@login_required
def audit_list(request):
    if not access.is_strategist(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.filter(huvudman_id=request.user.huvudman_id)
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("vem", "typ", "fran", "till", "q")}
    if filters["vem"]:
        events = events.filter(actor_label__icontains=filters["vem"])
    if filters["typ"]:
        events = events.filter(object_type=filters["typ"])
    if filters["q"]:
        events = events.filter(object_label__icontains=filters["q"])
    start, end = _date(filters["fran"]), _date(filters["till"], end=True)
    if start:
        events = events.filter(created_at__gte=start)
    if end:
        events = events.filter(created_at__lte=end)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = urlencode({k: v for k, v in filters.items() if v})
    for event in page.object_list:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
        event.change_lines = _change_lines(event.changes)
    return render(
        request,
        "audit/list.html",
        {"page": page, "filters": filters, "object_types": OBJECT_TYPES, "query": query},
    )
