"""The personal calendar feed: each person's activity due dates as an iCalendar (RFC 5545) file
at a secret address that Outlook and Google Calendar poll without signing in, and the page where
the person finds the address and can replace it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from digiplan.plans import ical, selectors, services

# ---- The feed ----------------------------------------------------------------------------------


@require_GET
def calendar_feed(request, secret: str):
    """No sign-in: calendar programs cannot. The secret is the key; a wrong, replaced or
    deactivated person's secret answers the same plain 404."""
    person = selectors.calendar_feed_person(secret)
    if person is None:
        raise Http404
    body = ical.activity_calendar(
        person,
        selectors.calendar_activities(person),
        lambda activity: request.build_absolute_uri(reverse("activity_detail", args=[activity.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
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
