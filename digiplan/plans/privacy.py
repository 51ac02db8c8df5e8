"""The plans' part of a person's data (digiplan.privacy.registry): the activities they are
responsible for or take part in, the progress notes they wrote and their calendar address.
At erasure the activities stay without them, and their notes under the erased label."""

from django.db.models import Q

from digiplan.plans.models import Activity, CalendarFeed, ProgressNote
from digiplan.privacy.registry import PersonalData
from digiplan.privacy.selectors import when


def plans_export(person) -> dict:
    return {
        "activities": [
            {
                "title": a.title,
                "plan": a.plan.title,
                "unit": a.plan.organisation.name,
                "responsible": a.owner_id == person.pk,
                "due": a.due_on.isoformat() if a.due_on else None,
                "status": a.status,
            }
            for a in Activity.objects.filter(Q(owner=person) | Q(participants=person))
            .distinct()
            .select_related("plan__organisation")
        ],
        "progress_notes": [
            {"activity": n.activity.title, "text": n.text, "written_at": when(n.created_at)}
            for n in ProgressNote.objects.filter(author=person).select_related("activity")
        ],
        "calendar_address": CalendarFeed.objects.filter(person=person).exists(),
    }


def plans_unlink(*, person, label: str, **_context) -> dict:
    ProgressNote.objects.filter(author=person).update(author=None, author_name=label)
    Activity.objects.filter(owner=person).update(owner=None)
    Activity.participants.through.objects.filter(person=person).delete()
    CalendarFeed.objects.filter(person=person).delete()
    return {}


PART = PersonalData(
    app="plans",
    export=plans_export,
    shown_links=frozenset(
        {
            ("plans.activity", "owner"),
            ("plans.activity", "participants"),
            ("plans.progressnote", "author"),
            ("plans.calendarfeed", "person"),
        }
    ),
    unlink=plans_unlink,
)
