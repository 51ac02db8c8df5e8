"""Two bare endpoints beside the application, for bench/submissions.py only.

The benchmark's own settings module (written in a temp dir, never used by the application) sets
ROOT_URLCONF to this module, so that the same gunicorn workers, with the same settings and
middleware and the same PostgreSQL, answer three kinds of request in one run:

* GET  /bench/bare/    a 2-byte answer: no database, no template;
* POST /bench/insert/  one INSERT of the posted token into bench_insert (a table the driver
  makes in its temp database) in its own transaction: the floor of a request that writes;
* everything else: digiplan.urls, the application as it is (the staff submission).

Nothing here is imported by the application or its settings.
"""

from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

TABLE = "bench_insert"
CREATE_TABLE = f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, token text NOT NULL)"


@require_GET
def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt  # locust sends no CSRF token to this bench-only URL
@require_POST
def insert(request):
    token = request.POST.get("token", "")
    if not token:
        return HttpResponseBadRequest()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (token) VALUES (%s)", [token])  # noqa: S608
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/insert/", insert),
    path("", include("digiplan.urls")),
]
