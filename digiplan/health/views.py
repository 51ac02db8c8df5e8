"""GET /healthz: 200 with {"status": "ok", ...} when the database answers, every migration is
applied and a task worker's heartbeat is recent; 503 with the failing check otherwise.

A GET is normally answered by HealthzMiddleware before any other middleware (no host check, no
HTTPS redirect, no session, no CSRF, no sign-in, no rate limit); this view is the URL pattern,
for reverse(), for other methods (405) and for an installation without the middleware."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from digiplan.health.probe import healthz_response


@csrf_exempt
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return healthz_response()
