"""One log line per request (logger digiplan.requests): request id, user id, method, path,
status and duration in milliseconds. With LOG_FORMAT=json it is a JSON line (lib/jsonlog.py).

The path is the URL pattern, never the address as typed: /svar/<str:token>/, not the personal
link. Every secret that travels in a path (a staff member's answering link, a pupil code, a
calendar feed, a public report's address) is a URL argument, so none reaches the log; an address
that matches no pattern is logged as its first segment only (a guessed link is still a secret).
On the answering pages (ANONYMOUS_PATH_PREFIXES: /svar/, /elev/) no user id is logged either,
signed in or not, so that the log never ties a person to an answer (docs/privacy.md, "Logs").

The request id comes from the X-Request-ID header when it is a plain token (a proxy's id), is
made here otherwise, and is sent back in the response's X-Request-ID."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("digiplan.requests")

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
DEFAULT_ANONYMOUS_PREFIXES = ("/svar/", "/elev/")
# Probes ask every few seconds: their successful answers are logged at DEBUG only.
QUIET_PATHS = frozenset({"/healthz"})


def request_id(request: HttpRequest) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def is_anonymous_path(path: str) -> bool:
    prefixes = getattr(settings, "ANONYMOUS_PATH_PREFIXES", DEFAULT_ANONYMOUS_PREFIXES)
    return any(path.startswith(prefix) for prefix in prefixes)


def logged_path(request: HttpRequest) -> str:
    """The URL pattern that answered, or for static files the file; never a URL argument."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route.lstrip("^").rstrip("$")
    path = request.path
    if path.startswith(settings.STATIC_URL) or path in QUIET_PATHS:
        return path
    first = path.strip("/").split("/", 1)[0]
    return f"/{first}/…" if first else "/"


def logged_user_id(request: HttpRequest) -> int | str | None:
    if is_anonymous_path(request.path):
        return None
    # Only a user the request already loaded: logging must not read the session itself.
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        rid = request_id(request)
        request.request_id = rid  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = rid
        fields = {
            "request_id": rid,
            "user_id": logged_user_id(request),
            "method": request.method,
            "path": logged_path(request),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        quiet = request.path in QUIET_PATHS and response.status_code == 200
        logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%(method)s %(path)s %(status)s %(duration_ms)sms",
            fields,
            extra={"fields": fields},
        )
        return response


class RedactRequestPaths(logging.Filter):
    """Django's own request lines ("Not Found: /svar/<the link>/", "Internal Server Error: …")
    carry the address as typed: on the console handler, it is replaced by the URL pattern as in
    the request log, so that no line of the log holds a link or a code."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and isinstance(record.args, tuple):
            record.args = tuple(
                logged_path(request) if isinstance(arg, str) and arg.startswith("/") else arg
                for arg in record.args
            )
        return True
