"""The /healthz answer, shared by the view and by HealthzMiddleware (which answers first)."""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

from digiplan.health import checks


def healthz_response() -> JsonResponse:
    healthy, state = checks.report()
    response = JsonResponse({"status": "ok" if healthy else "fail", **state}, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
