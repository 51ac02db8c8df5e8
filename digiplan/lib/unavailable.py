"""A lost database connection answers "try again" (503), not a stack trace or a bare 500.

When PostgreSQL restarts, fails over or drops a connection, a request that was using it gets an
OperationalError or InterfaceError. Nothing it was writing is half-saved (every write is one
transaction), so the honest answer is: the service is briefly unavailable, try again. The
middleware catches it in views; handler500 (digiplan/urls.py) catches it where middleware hit it
(e.g. loading the session). The page is rendered without the database: no base.html, whose
navigation reads the signed-in person."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

log = logging.getLogger(__name__)

LOST = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def unavailable_response(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    body = render_to_string(
        "503.html", {"posted": posted, "retry_url": "" if posted else request.get_full_path()}
    )
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
