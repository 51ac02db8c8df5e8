"""The personal calendar feed: each person's activity due dates as an iCalendar (RFC 5545) file
at a secret address that Outlook and Google Calendar poll without signing in, and the page where
the person finds the address and can replace it."""

import datetime
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from digiplan.plans import selectors, services
from digiplan.plans.models import ActivityStatus, CalendarFeed

PRODID = "-//Digiplan//Aktiviteter//SV"
FOLD_AT = 75  # octets per line, CRLF not counted (RFC 5545 3.1)
# Control characters other than tab are not allowed in TEXT values (RFC 5545 3.3.11).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---- RFC 5545 output ---------------------------------------------------------------------------


def ical_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n."""
    value = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ical_fold(line: str) -> str:
    """Splits a content line into lines of at most 75 octets, never inside a UTF-8 character;
    each continuation starts with one space, which counts towards its 75."""
    encoded = line.encode("utf-8")
    if len(encoded) <= FOLD_AT:
        return line
    parts, start, limit = [], 0, FOLD_AT
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1  # back off to the start of a multi-byte character
        parts.append(encoded[start:end].decode("utf-8"))
        start, limit = end, FOLD_AT - 1
    return "\r\n ".join(parts)


def ical_date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def ical_utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ical_document(components: list[list[tuple[str, str]]], header: list[tuple[str, str]]) -> str:
    """A VCALENDAR of VEVENTs from (name-with-parameters, already escaped value) pairs."""
    lines = ["BEGIN:VCALENDAR", *(f"{name}:{value}" for name, value in header)]
    for properties in components:
        lines.append("BEGIN:VEVENT")
        lines += [f"{name}:{value}" for name, value in properties]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + "\r\n" for line in lines)


# ---- The feed ----------------------------------------------------------------------------------


def _event(activity, link: str, stamp: datetime.datetime) -> list[tuple[str, str]]:
    plan = activity.plan
    status = activity.get_status_display()
    if activity.is_late:
        status = _("%(status)s, late") % {"status": status}
    description = "\n".join(
        [
            _("Plan: %(plan)s") % {"plan": plan.title},
            _("Unit: %(unit)s") % {"unit": plan.organisation.name},
            _("Status: %(status)s") % {"status": status},
            link,
        ]
    )
    properties = [
        ("UID", f"activity-{activity.pk}@digiplan"),
        ("DTSTAMP", ical_utc(stamp)),
        ("LAST-MODIFIED", ical_utc(activity.updated_at)),
        ("SEQUENCE", str(activity.revision)),
        ("DTSTART;VALUE=DATE", ical_date(activity.due_on)),
        ("DTEND;VALUE=DATE", ical_date(activity.due_on + datetime.timedelta(days=1))),
        ("SUMMARY", ical_text(activity.title)),
        ("DESCRIPTION", ical_text(description)),
        ("URL;VALUE=URI", link),
        ("TRANSP", "TRANSPARENT"),  # a due date does not make the person busy all day
        # VEVENT knows only TENTATIVE, CONFIRMED and CANCELLED; "done" is said in the
        # description and, for programs that read it, in an X- property.
        ("STATUS", "CANCELLED" if activity.status == ActivityStatus.CANCELLED else "CONFIRMED"),
        ("X-DIGIPLAN-STATUS", activity.status),
    ]
    return properties


@require_GET
def calendar_feed(request, secret: str):
    """No sign-in: calendar programs cannot. The secret is the key; a wrong, replaced or
    deactivated person's secret answers the same plain 404."""
    feed = CalendarFeed.objects.filter(secret=secret, person__is_active=True).select_related("person").first()
    if feed is None:
        raise Http404
    person = feed.person
    activities = selectors.activities_of(person).filter(due_on__isnull=False).order_by("due_on", "pk")
    stamp = datetime.datetime.now(datetime.UTC)
    # Calendar programs send no language of their own: the feed speaks the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        events = [
            _event(a, request.build_absolute_uri(reverse("activity_detail", args=[a.pk])), stamp)
            for a in activities
        ]
        name = _("Digiplan activities, %(name)s") % {"name": person.name}
    body = ical_document(
        events,
        header=[
            ("VERSION", "2.0"),
            ("PRODID", PRODID),
            ("CALSCALE", "GREGORIAN"),
            ("METHOD", "PUBLISH"),
            ("X-WR-CALNAME", ical_text(name)),
            ("X-PUBLISHED-TTL", "PT6H"),
            ("REFRESH-INTERVAL;VALUE=DURATION", "PT6H"),
        ],
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="digiplan.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---- The settings page -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    if request.method == "POST":
        services.calendar_feed_secret(person=request.user, renew=True)
        messages.success(
            request,
            _(
                "A new calendar address was made. The old one no longer "
                "works: add the new one to your calendar."
            ),
        )
        return redirect("calendar_settings")
    secret = services.calendar_feed_secret(person=request.user)
    url = request.build_absolute_uri(reverse("calendar_feed", args=[secret]))
    return render(
        request,
        "plans/calendar_settings.html",
        {
            "calendar_url": url,
            "breadcrumbs": [
                {"label": _("My activities"), "url": reverse("my_activities")},
                {"label": _("Calendar"), "url": None},
            ],
        },
    )
