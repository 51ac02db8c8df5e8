"""A limit on guessing pupil codes and staff links, per client address.

A pupil code (8 characters of 32) and a staff link (192 random bits) are all that stands
between a stranger and a questionnaire, so nobody may try them by the thousand. The limit counts
failed guesses only, that is requests for a code or link that does not exist (the view answers
404), per client address (lib.client_ip: behind trusted proxies, the forwarded one; an IPv6
client as its /64), separately for pupil codes and for staff links. After settings.GUESS_LIMIT
failures in GUESS_WINDOW_MINUTES the address gets HTTP 429 until the window is over.

A whole school often shares one public address, and pupils mistype codes. So a class answering
with a valid code never adds to the count, and every distinct code or link that worked from the
address in the last day raises its limit by GUESS_LIMIT_PER_CODE: typos of a school full of
classes fit, while a guesser who holds a code or two gains little. A code that has worked from
the address is let through even while the address waits, so nobody already answering is stopped
by someone else's guessing; that tells a guesser nothing, since only codes already known there
pass. Counts live in the database (accounts.models), shared by every app server.
"""

import datetime
import hashlib
import hmac
import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from digiplan.accounts.models import GuessWindow, KnownCode
from digiplan.lib.client_ip import client_network

KNOWN_CODE_DAYS = 1  # a code that worked counts for the day (a school day of classes)
TITLE = _("Too many attempts")
MESSAGES = {
    "pupil_code": _(
        "Too many codes that do not exist have been tried from your network. Check "
        "the code with your teacher."
    ),
    "survey_link": _(
        "Too many links that are not valid have been tried from your network. Use "
        "the link in your latest invitation."
    ),
}


def _digest(*parts: str) -> str:
    message = "\x1f".join(("digiplan.guess", *parts)).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _canonical(code: str) -> str:
    # The same code however it was typed ("abcd efgh", "ABCD-EFGH"), for counting only.
    return "".join(ch for ch in code.upper() if ch.isalnum())[:200]


class Guess:
    """One request for a code or link, from one address, at one time."""

    def __init__(self, scope: str, request: HttpRequest, code: str, now: datetime.datetime):
        network = client_network(request)
        self.now = now
        self.window = datetime.timedelta(minutes=settings.GUESS_WINDOW_MINUTES)
        self.window_key = _digest(scope, network)
        self.code_key = _digest(scope, network, _canonical(code)) if code.strip() else ""

    def _known_since(self) -> datetime.datetime:
        return self.now - datetime.timedelta(days=KNOWN_CODE_DAYS)

    def waits_until(self) -> datetime.datetime | None:
        """When the address may try again, if it has to wait now."""
        # A slice, not first(): this runs before every questionnaire page, and the key is unique.
        found = GuessWindow.objects.filter(
            key=self.window_key, started_at__gt=self.now - self.window, failures__gte=settings.GUESS_LIMIT
        ).values_list("started_at", "failures")[:1]
        started = next(iter(found), None)
        if started is None:
            return None
        known = KnownCode.objects.filter(seen_at__gt=self._known_since())
        if self.code_key and known.filter(key=self.code_key).exists():
            return None
        limit = (
            settings.GUESS_LIMIT
            + settings.GUESS_LIMIT_PER_CODE * known.filter(window_key=self.window_key).count()
        )
        return started[0] + self.window if started[1] >= limit else None

    def failed(self) -> None:
        over = self.now - self.window
        # One statement, so that servers counting at once lose no failure; a window that is
        # over starts again at this one.
        updated = GuessWindow.objects.filter(key=self.window_key).update(
            failures=Case(When(started_at__lte=over, then=Value(1)), default=F("failures") + 1),
            started_at=Case(When(started_at__lte=over, then=Value(self.now)), default=F("started_at")),
        )
        if updated:
            return
        try:
            with transaction.atomic():
                GuessWindow.objects.create(key=self.window_key, started_at=self.now, failures=1)
        except IntegrityError:  # another server created it first
            GuessWindow.objects.filter(key=self.window_key).update(failures=F("failures") + 1)

    def worked(self) -> None:
        if not self.code_key:
            return
        # The hour is enough for a count that lasts a day, and says less about when anyone
        # opened their questionnaire.
        hour = self.now.replace(minute=0, second=0, microsecond=0)
        # One statement (INSERT … ON CONFLICT DO UPDATE): every opened questionnaire passes
        # here, and two round trips a request were a tenth of a submission's database time.
        KnownCode.objects.bulk_create(
            [KnownCode(key=self.code_key, seen_at=hour, window_key=self.window_key)],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["seen_at"],
        )


def _too_many(request: HttpRequest, scope: str, until: datetime.datetime) -> HttpResponse:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    minutes = math.ceil(seconds / 60)
    response = render(
        request,
        "accounts/too_many_guesses.html",
        {
            "title": TITLE,
            "message": MESSAGES[scope],
            "wait": ngettext(
                "You can try again in %(minutes)s minute.",
                "You can try again in %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def guess_limited(scope: str, *, url_kwarg: str = "", post_field: str = "") -> Callable:
    """Wraps a view that looks up a code or link, from the URL (url_kwarg) or a form field
    (post_field), and answers 404 when it does not exist."""
    if scope not in MESSAGES:
        raise ValueError(f"no message for the guess limit {scope!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            code = str(kwargs.get(url_kwarg, "")) if url_kwarg else ""
            if post_field and request.method == "POST":
                code = request.POST.get(post_field, "")
            guess = Guess(scope, request, code, timezone.now())
            until = guess.waits_until()
            if until is not None:
                return _too_many(request, scope, until)
            response = view(request, *args, **kwargs)
            if response.status_code == 404:
                guess.failed()
            elif response.status_code < 400:
                guess.worked()
            return response

        return limited

    return decorate


def guess_limits_purge(*, now: datetime.datetime | None = None) -> int:
    """Deletes the windows that are over and the codes no longer counted; returns how many."""
    now = now or timezone.now()
    window = datetime.timedelta(minutes=settings.GUESS_WINDOW_MINUTES)
    with transaction.atomic():
        windows = GuessWindow.objects.filter(started_at__lte=now - window).delete()[0]
        codes = KnownCode.objects.filter(
            seen_at__lte=now - datetime.timedelta(days=KNOWN_CODE_DAYS)
        ).delete()[0]
    return windows + codes
