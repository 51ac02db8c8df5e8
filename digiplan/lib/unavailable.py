"""A lost database connection answers "try again" (503), not a stack trace or a bare 500.

When PostgreSQL restarts, fails over or drops a connection, a request that was using it gets an
OperationalError or InterfaceError. Nothing it was writing is half-saved (every write is one
transaction), so the honest answer is: the service is briefly unavailable, try again. The
middleware catches it in views; handler500 (digiplan/urls.py) catches it where middleware hit it
(e.g. loading the session). The page is rendered without the database: no base.html, whose
navigation reads the signed-in person. A form posted without files comes back in the page as
hidden fields with a "Send again" button: one click re-sends it."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.views import defaults

log = logging.getLogger(__name__)

LOST = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
CSRF_FIELD = "csrfmiddlewaretoken"
# A posted field whose name holds one of these is a secret: such a form is not put into the page.
SECRET_FIELDS = ("password",)


def resendable_fields(request: HttpRequest) -> list[tuple[str, str]] | None:
    """The fields of a POSTed form to send again from the 503 page, or None when it cannot be:
    files (multipart) cannot be put back into a page, nor can a body Django would refuse to read,
    and a password is never written into a page (sign-in, password change: the person goes back).
    The posted CSRF token is replaced by the current one (get_token) once the CSRF middleware has
    read the cookie: the same secret, unless the request rotated it (a sign-in) before the
    database went away and the 503 response carries the new cookie. Before that middleware
    (a lost connection in an earlier one) the posted token is kept: it matches the cookie."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return None
    try:
        posted = request.POST
    except Exception:  # e.g. RequestDataTooBig, TooManyFieldsSent, a body cut off
        return None
    if any(secret in name.lower() for name in posted for secret in SECRET_FIELDS):
        return None
    fresh = "CSRF_COOKIE" in request.META
    fields = [
        (name, value)
        for name, values in posted.lists()
        if not (fresh and name == CSRF_FIELD)
        for value in values
    ]
    if fresh:
        fields.insert(0, (CSRF_FIELD, get_token(request)))
    return fields


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 page. For a form posted without files it holds the fields as hidden inputs of a
    form to the same address, so that "Send again" re-sends them in one click; the values are
    never logged, and the page is never stored (no-store), by the browser or a proxy."""
    posted = request.method == "POST"
    fields = resendable_fields(request)
    context: dict[str, object] = {"posted": posted, "retry_url": "" if posted else request.get_full_path()}
    if fields is not None:
        context.update(fields=fields, action=request.get_full_path())
    body = render_to_string("503.html", context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, LOST):
            return None
        log.warning("database unavailable during %s %s", request.method, request.path, exc_info=exception)
        return unavailable_response(request)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 for a lost database connection, the usual 500 page otherwise."""
    if isinstance(sys.exc_info()[1], LOST):
        return unavailable_response(request)
    return defaults.server_error(request, template_name)
