"""The personal calendar feed as an iCalendar (RFC 5545) document, built with the `icalendar`
library: it escapes TEXT values, writes dates and UTC times, and folds long lines at 75 octets
without splitting a character, as calendar programs expect."""

import datetime
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration, vText

from digiplan.organisations.models import Person
from digiplan.plans.models import Activity, ActivityStatus

PRODID = "-//Digiplan//Aktiviteter//SV"
# How often calendar programs are asked to fetch the feed again.
REFRESH = datetime.timedelta(hours=6)
# Control characters other than tab are not allowed in TEXT values (RFC 5545 3.3.11); the
# library writes them through as they are.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Line breaks as plain newlines (the library writes them as \\n) and no control characters."""
    return _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


def _status_text(activity: Activity) -> str:
    status = activity.get_status_display()
    if activity.is_late:
        status = _("%(status)s, late") % {"status": status}
    return status


def activity_event(activity: Activity, link: str, stamp: datetime.datetime) -> Event:
    """One all-day event on the due date. The UID stays the same from fetch to fetch, so that a
    calendar program updates the event instead of adding a new one; SEQUENCE counts the edits."""
    due = activity.due_on
    if due is None:
        raise ValueError("The calendar holds only activities with a due date.")
    plan = activity.plan
    description = "\n".join(
        [
            _("Plan: %(plan)s") % {"plan": plan.title},
            _("Unit: %(unit)s") % {"unit": plan.organisation.name},
            _("Status: %(status)s") % {"status": _status_text(activity)},
            link,
        ]
    )
    event = Event()
    event.add("uid", f"activity-{activity.pk}@digiplan")
    event.add("dtstamp", stamp)
    event.add("last-modified", activity.updated_at)
    event.add("sequence", activity.revision)
    event.add("dtstart", due)
    event.add("dtend", due + datetime.timedelta(days=1))
    event.add("summary", clean_text(activity.title))
    event.add("description", clean_text(description))
    event.add("url", link, parameters={"VALUE": "URI"})
    event.add("transp", "TRANSPARENT")  # a due date does not make the person busy all day
    # VEVENT knows only TENTATIVE, CONFIRMED and CANCELLED; "done" is said in the description
    # and, for programs that read it, in an X- property.
    event.add("status", "CANCELLED" if activity.status == ActivityStatus.CANCELLED else "CONFIRMED")
    event.add("x-digiplan-status", activity.status)
    return event


def activity_calendar(
    person: Person, activities: Iterable[Activity], link: Callable[[Activity], str]
) -> bytes:
    """The person's activities as one calendar; `link` gives each activity's page address.
    Calendar programs send no language of their own: the feed speaks the site's language."""
    stamp = datetime.datetime.now(datetime.UTC)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with translation.override(settings.LANGUAGE_CODE):
        name = _("Digiplan activities, %(name)s") % {"name": person.name}
        # An X- property is not known to be TEXT: the value says so, so that it is escaped.
        calendar.add("x-wr-calname", vText(clean_text(name)))
        calendar.add("x-published-ttl", vDuration(REFRESH))
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        for activity in activities:
            calendar.add_component(activity_event(activity, link(activity), stamp))
    return calendar.to_ical(sorted=False)  # in the order written: UID first, as people read it
