"""Fault: PostgreSQL restarts under a running app. The app keeps its connections between
requests (CONN_MAX_AGE > 0, as production may); after the restart every one of them is dead.
With CONN_HEALTH_CHECKS (settings.py) the next request notices, reconnects and succeeds.

A real `pg_ctl restart` would stop the test server every other test run shares, so the restart
is stood in for by what it does to the app: every backend of the app's database is ended with
pg_terminate_backend from a second connection. PostgreSQL only."""

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from digiplan.assessments.models import Participation
from tests.assessment_helpers import build_campaign
from tests.conftest import build_world

pytestmark = [
    # Run by the PostgreSQL pass of `make test`; the SQLite pass deselects them (tests/ci_skips.py).
    pytest.mark.postgresql,
    # Outside the test transaction: the terminated connection takes any transaction with it.
    pytest.mark.django_db(transaction=True),
]


def _get(path: str) -> tuple[int, str]:
    """One request through the production handler, in this thread: unlike the test client it
    keeps Django's request_started/finished connection management (close_old_connections)."""
    statuses = []
    response = WSGIHandler()(
        RequestFactory().get(path).environ, lambda status, headers: statuses.append(status)
    )
    body = b"".join(response).decode()
    response.close()  # request_finished: the connection is kept, as CONN_MAX_AGE says
    return int(statuses[0].split()[0]), body


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _restart_for_the_app() -> int:
    """Ends every other connection to the app's database, as a restart would; how many."""
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname=params["NAME"],
        autocommit=True,
    ) as other:
        rows = other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


@pytest.fixture
def answering_page(monkeypatch):
    world = build_world()
    fx = build_campaign(world)
    participation = Participation.objects.get(campaign=fx.campaign, person=world.staff)
    # Keep connections between requests, as a production app with DB_CONN_MAX_AGE does.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    connection.close()
    return reverse("survey_token", args=[fx.tokens[participation.pk]])


def test_the_settings_check_kept_connections_before_use():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_after_a_restart_the_next_request_reconnects_and_succeeds(answering_page, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    status, page = _get(answering_page)
    assert status == 200 and 'name="go"' in page
    before = _backend_pid()
    assert _get(answering_page)[0] == 200 and _backend_pid() == before  # the connection is kept
    assert _restart_for_the_app() >= 1
    status, page = _get(answering_page)
    assert status == 200 and 'name="go"' in page
    assert _backend_pid() != before  # a new connection to the restarted server


def test_without_health_checks_the_first_request_after_a_restart_fails_with_try_again(
    answering_page, monkeypatch
):
    """Why the setting matters: without it a kept connection is used unchecked, and one request
    per app process gets the 503 page before the dead connection is thrown away."""
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    assert _get(answering_page)[0] == 200
    _restart_for_the_app()
    status, page = _get(answering_page)
    assert status == 503 and "Tjänsten är tillfälligt otillgänglig – försök igen" in page
    assert _get(answering_page)[0] == 200
