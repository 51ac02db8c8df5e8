"""The audit trail of the huvudman, for its strategists: every write, filtered by who, what kind
of object, when and a word of the object's label."""

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from digiplan.audit.labels import ACTION_LABELS, OBJECT_TYPES
from digiplan.audit.selectors import audit_events
from digiplan.organisations import access

PAGE_SIZE = 50


def _change_lines(changes: dict[str, Any]) -> list[str]:
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


def _date(value: str, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@login_required
def audit_list(request):
    if not access.is_strategist(request.user):
        raise PermissionDenied
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("vem", "typ", "fran", "till", "q")}
    events = audit_events(
        huvudman_id=request.user.huvudman_id,
        actor_label=filters["vem"],
        object_type=filters["typ"],
        object_label=filters["q"],
        start=_date(filters["fran"]),
        end=_date(filters["till"], end=True),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = urlencode({k: v for k, v in filters.items() if v})
    for event in page.object_list:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
        event.change_lines = _change_lines(event.changes)
    return render(
        request,
        "organisations/audit_trail.html",
        {"page": page, "filters": filters, "object_types": OBJECT_TYPES, "query": query},
    )
