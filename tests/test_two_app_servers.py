"""Two gunicorn app servers on one database, requests alternating between them: every guarantee
that a single process gave still holds (docs/operations.md, "Running several app servers").

The servers run the project's WSGI app against this test's database (PostgreSQL in CI, the
SQLite test file otherwise: both servers share it), so the database is committed
(transaction=True) for them to see the world and the campaign."""

import secrets

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from digiplan.assessments.models import Ballot, Participation
from tests.assessment_helpers import build_campaign
from tests.conftest import PASSWORD
from tests.live_servers import (
    ACCEPTED,
    ALREADY,
    LOGIN,
    answer,
    app_servers,
    csrf_of,
    database_url,
    get,
    post,
    sign_in,
)

GUESS_LIMIT = 6
LOCKED = "För många misslyckade försök"
TOO_MANY_GUESSES = "För många ogiltiga länkar"


def _server_env() -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "digiplan.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "SECRET_KEY": "two-servers-" + "k" * 40,
        "DEBUG": "True",  # no collected static files needed; nothing below depends on it
        "TASK_BACKEND": "immediate",
        "GUESS_LIMIT": str(GUESS_LIMIT),
        "GUESS_LIMIT_PER_CODE": "0",  # the link that worked here must not raise the limit
        "AXES_FAILURE_LIMIT": "5",
        "LOG_LEVEL": "ERROR",
        "REQUEST_LOG_LEVEL": "WARNING",
    }


def _set_password(*people) -> None:
    # The servers use the real hashers (not the tests' MD5); few iterations keep it quick.
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(8), iterations=1000)
    for person in people:
        person.password = encoded
        person.save(update_fields=["password"])


def _session_and_csrf(a: str, b: str, world) -> None:
    session = requests.Session()
    signed_in = sign_in(session, a, b, world.strategist.email, PASSWORD)  # form of A, posted to B
    assert signed_in.status_code == 302, "B refused the sign-in form (and CSRF token) made by A"
    for base in (a, b, a):
        home = get(session, base + "/")
        assert home.status_code == 200 and "Sara Strateg" in home.text, f"not signed in on {base}"
    # CSRF is checked for real: a made-up token is refused on either server.
    page = get(session, a + "/")
    assert post(session, b + "/konto/logga-ut/", {"csrfmiddlewaretoken": "x" * 64}).status_code == 403
    # Signing out on B (with the token of a page from A) ends the session on A too.
    assert (
        post(session, b + "/konto/logga-ut/", {"csrfmiddlewaretoken": csrf_of(page.text)}).status_code == 302
    )
    assert get(session, a + "/").status_code == 302, "the session signed out on B still works on A"


def _once_only_link(a: str, b: str, world) -> None:
    built = build_campaign(world)
    participation = Participation.objects.get(campaign=built.campaign, person=world.staff)
    token = built.tokens[participation.pk]
    session = requests.Session()
    outcome, path, form = answer(session, [a, b], token, choose=lambda values: values[0])
    assert outcome == "accepted", outcome
    # The same submit again, on the other server: the thank-you page, nothing stored twice.
    again = post(session, b + path, form)
    assert again.status_code == 200 and ALREADY in again.text and ACCEPTED not in again.text
    again = post(session, a + path, form)
    assert ALREADY in again.text and ACCEPTED not in again.text
    assert Ballot.objects.filter(campaign=built.campaign).count() == 1
    participation.refresh_from_db()
    assert participation.answered


def _guess_limit(a: str, b: str) -> None:
    session = requests.Session()
    for number in range(GUESS_LIMIT):
        base = (a, b)[number % 2]
        assert get(session, f"{base}/svar/{secrets.token_urlsafe(24)}/").status_code == 404
    for base in (a, b):
        limited = get(session, f"{base}/svar/{secrets.token_urlsafe(24)}/")
        assert limited.status_code == 429 and TOO_MANY_GUESSES in limited.text, (
            f"{GUESS_LIMIT} bad links split over both servers did not reach the limit on {base}"
        )


def _lockout(a: str, b: str, world) -> None:
    email = world.leader_a.email
    for number in range(5):
        base = (a, b)[number % 2]
        failed = sign_in(requests.Session(), base, base, email, "wrong password 123")
        assert failed.status_code != 302
    for base in (b, a):
        right = sign_in(requests.Session(), base, base, email, PASSWORD)
        assert right.status_code != 302 and LOCKED in right.text, (
            f"5 failures split over both servers did not lock the sign-in on {base}"
        )
    # Another person from the same address is not locked (the lockout is per e-mail address).
    other = sign_in(requests.Session(), a, b, world.leader_b.email, PASSWORD)
    assert other.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_servers_share_sessions_links_limits_and_lockouts(world):
    _set_password(world.strategist, world.leader_a, world.leader_b)
    with app_servers(2, _server_env()) as (a, b):
        assert get(requests.Session(), a + LOGIN).status_code == 200
        _session_and_csrf(a, b, world)
        _once_only_link(a, b, world)
        _guess_limit(a, b)
        _lockout(a, b, world)


def test_the_cache_is_a_database_table_every_server_reads(db):
    from importlib import import_module
    from types import SimpleNamespace

    from django.conf import settings
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    table = settings.CACHES["default"]["LOCATION"]
    cache.set("two-servers", "seen by all", 60)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    # migrate makes the table (the test database got it from Django's test set-up as well).
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in connection.introspection.table_names()
    migration = import_module("digiplan.accounts.migrations.0002_cache_table")
    migration.create_cache_table(None, SimpleNamespace(connection=connection))
    assert table in connection.introspection.table_names()
    assert cache.get("two-servers") is None
    cache.set("two-servers", "again", 60)
    assert cache.get("two-servers") == "again"
