"""With REDIS_URL set the cache is Redis (settings.CACHES), shared by every app server: two gunicorn
servers on one database and one throwaway redis-server, requests alternating between them.

What goes through the cache: a closed campaign's rendered organisation results (results_org:…),
the public report PDF of the day (public-report-pdf:…, dropped by an erasure in
reports/privacy.py) and OIDC discovery documents (not exercised here: no provider). Sessions,
lockouts, guess limits and tasks are in the database whatever the cache is; the test shows they
still hold with Redis configured. Needs Debian's redis-server: skipped without it, which fails
the run under CI=true (tests/ci_skips.py)."""

import pickle
import shutil
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
import requests
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from digiplan.organisations.models import Organisation, OrganisationType
from digiplan.reports import public
from digiplan.reports.privacy import _forget_public_pdfs
from tests.assessments.test_results import STAFF_A, framework, new_unit, run_campaign
from tests.assessments.test_suppression import STAFF_B, STAFF_C
from tests.conftest import PASSWORD
from tests.live_servers import app_servers, free_port, get, sign_in
from tests.test_two_app_servers import _server_env, _session_and_csrf, _set_password

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)"
)
MARK = "Från-Redis-4711"


@contextmanager
def _redis_server(directory):
    """redis-server on a free port of 127.0.0.1, nothing written to disk; stopped at the end."""
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", client
    finally:
        client.close()
        server.terminate()
        server.wait(20)


def _keys(client: redis.Redis, pattern: str) -> list[bytes]:
    # Django's RedisCache stores "<prefix>:<version>:<key>", here ":1:<key>".
    return sorted(client.scan_iter(match=f":1:{pattern}*"))


def _cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM digiplan_cache")
        return cursor.fetchone()[0]


def _results_page(session, base: str, campaign) -> str:
    page = get(session, base + reverse("results_org", args=[campaign.pk]))
    assert page.status_code == 200, page.status_code
    return page.text


def _org_results(session, a: str, b: str, campaign, client: redis.Redis) -> None:
    """A closed campaign's rendered figures, stored in Redis by A, are what B shows."""
    rendered = _results_page(session, a, campaign)
    [key] = _keys(client, "results_org:")
    assert MARK not in rendered
    # Proof that B reads Redis, not its own rendering: change the entry, B shows the change.
    client.set(key, pickle.dumps((f"<p>{MARK}</p>", True)), keepttl=True)
    assert MARK in _results_page(session, b, campaign)
    assert 0 < client.ttl(key) <= 600


def _public_pdf(a: str, b: str, report, url: str, client: redis.Redis) -> None:
    """The day's PDF rendered on A is served by B from Redis; dropped after an erasure (here by
    the erasure's own function, in this process, against the same Redis), B renders it anew."""
    path = reverse("public_report_pdf", args=[report.token])
    first = requests.get(a + path, timeout=60)
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    [key] = _keys(client, f"public-report-pdf:{report.token}:")
    assert pickle.loads(client.get(key)) == first.content  # noqa: S301  (our own test value)
    client.set(key, pickle.dumps(b"%PDF-" + MARK.encode()), keepttl=True)
    assert requests.get(b + path, timeout=60).content == b"%PDF-" + MARK.encode()
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    ):
        _forget_public_pdfs([report.token])
    assert _keys(client, f"public-report-pdf:{report.token}:") == []
    again = requests.get(b + path, timeout=60)
    assert (
        again.status_code == 200 and again.content.startswith(b"%PDF-") and MARK.encode() not in again.content
    )
    assert len(_keys(client, f"public-report-pdf:{report.token}:")) == 1


@pytest.mark.django_db(transaction=True)
def test_with_redis_two_servers_share_the_cache(world, tmp_path):
    _set_password(world.strategist, world.leader_a, world.leader_b)
    unit_c = new_unit(world, "Cederskolan")
    run = run_campaign(
        world, framework(world), {world.unit_a: STAFF_A, world.unit_b: STAFF_B, unit_c: STAFF_C}
    )
    report = public.public_report_publish(
        actor=world.strategist,
        huvudman=world.huvudman,
        units=Organisation.objects.filter(huvudman=world.huvudman, type=OrganisationType.SKOLENHET),
        school_year=run.campaign.school_year,
        title="Uppföljning",
    )
    rows_before = _cache_rows()
    with (
        _redis_server(tmp_path) as (url, client),
        app_servers(2, {**_server_env(), "REDIS_URL": url}) as (a, b),
    ):
        # What lives in the database holds as it does without Redis: sessions, CSRF.
        _session_and_csrf(a, b, world)
        strategist = requests.Session()
        assert sign_in(strategist, a, b, world.strategist.email, PASSWORD).status_code == 302
        _org_results(strategist, a, b, run.campaign, client)
        _public_pdf(a, b, report, url, client)
    # Nothing went to the database's cache table: the cache really was Redis.
    assert _cache_rows() == rows_before
