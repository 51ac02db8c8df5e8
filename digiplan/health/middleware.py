"""Answers GET /healthz first of all middleware. A load balancer probes over plain HTTP with its
own Host header and no cookies: the host check, the HTTPS redirect, sessions, CSRF, the sign-in
policy and the guessing limits are for people, and a probe must neither trip nor feed them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from digiplan.health.probe import healthz_response

HEALTHZ_PATH = "/healthz"


class HealthzMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH and request.method in ("GET", "HEAD"):
            return healthz_response()
        return self.get_response(request)
