"""Fault: PostgreSQL really restarted (`pg_ctl restart -m fast`) under a running gunicorn app.

tests/operations/test_faults_postgres_restart.py stands the restart in with pg_terminate_backend
on the shared test server; this test restarts a whole cluster of its own (tests/
throwaway_postgres.py), so that nothing else loses its server. The app keeps its connection
between requests (DB_CONN_MAX_AGE, as production may) and checks it before use
(CONN_HEALTH_CHECKS): every request after the restart succeeds, with no 503 first; a request
sent while the server is down gets the Swedish "try again" page (503), never an error page; a
session made before the restart still signs the person in after it, and a questionnaire answered
after it is stored once (one ballot, the link marked used, no draft left)."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.factories import PASSWORD
from tests.live_servers import ACCEPTED, ALREADY, ROOT, answer, app_servers, get, post, sign_in
from tests.throwaway_postgres import Cluster, pg_bin, throwaway_cluster

pytestmark = [
    # Run by the PostgreSQL pass of `make test`; the SQLite pass deselects it (tests/ci_skips.py).
    pytest.mark.postgresql,
    pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed (apt-get install postgresql)"),
]

TRY_AGAIN = "Tjänsten är tillfälligt otillgänglig – försök igen"


def _seed(url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.seed_own_database"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "True", "TASK_BACKEND": "immediate"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _server_env(url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "digiplan.settings",
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "600",  # the hard case: a kept connection that the restart kills
        "SECRET_KEY": "restart-" + "k" * 40,
        "DEBUG": "True",  # no collected static files needed; nothing below depends on it
        "TASK_BACKEND": "immediate",
        "LOG_LEVEL": "ERROR",
        "REQUEST_LOG_LEVEL": "WARNING",
    }


def _app_backends(cluster: Cluster) -> set[int]:
    with cluster.connect() as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = 'digiplan' AND pid <> pg_backend_pid()"
        ).fetchall()
    return {pid for (pid,) in rows}


def _started_at(cluster: Cluster):
    with cluster.connect() as conn:
        return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]


class Hammer(threading.Thread):
    """Asks for a page again and again (a fresh visitor each time) until stopped: the requests
    that arrive while the server is down."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.stop, self.seen = url, threading.Event(), []

    def run(self):
        while not self.stop.is_set():
            try:
                response = requests.get(self.url, timeout=30)
            except requests.RequestException as error:  # recorded: the test then fails with it
                self.seen.append((repr(error), False))
                continue
            self.seen.append((response.status_code, TRY_AGAIN in response.text))


def _stored(cluster: Cluster, seeded: dict) -> tuple[int, bool, int]:
    """(ballots of the campaign, the participation answered, drafts left)."""
    with cluster.connect("digiplan") as conn:
        ballots = conn.execute(
            "SELECT COUNT(*) FROM assessments_ballot WHERE campaign_id = %s", [seeded["campaign"]]
        ).fetchone()[0]
        answered = conn.execute(
            "SELECT answered FROM assessments_participation WHERE id = %s", [seeded["participation"]]
        ).fetchone()[0]
        drafts = conn.execute("SELECT COUNT(*) FROM assessments_draft").fetchone()[0]
    return ballots, answered, drafts


def test_a_real_postgresql_restart_under_a_running_app():
    with throwaway_cluster() as cluster:
        with cluster.connect() as conn:
            conn.execute("CREATE DATABASE digiplan")
        url = cluster.url("digiplan")
        seeded = _seed(url)
        survey = f"/svar/{seeded['token']}/"
        with app_servers(1, _server_env(url)) as (base,):
            # Before: the health check, a signed-in page, the answering page.
            health = requests.get(base + "/healthz", timeout=30)
            assert health.status_code == 200 and health.json()["database"] == "ok"
            person = requests.Session()
            assert sign_in(person, base, base, seeded["strategist"], PASSWORD).status_code == 302
            assert "Sara Strateg" in get(person, base + "/").text
            assert 'name="go"' in requests.get(base + survey, timeout=30).text
            kept = _app_backends(cluster)
            assert kept, "the app keeps no connection between requests"

            # A restart between requests: the kept connection is dead, and the first request
            # after it succeeds (the health check reconnects), still signed in.
            started = _started_at(cluster)
            cluster.restart()
            assert _started_at(cluster) > started and not _app_backends(cluster)
            home = get(person, base + "/")
            assert home.status_code == 200 and "Sara Strateg" in home.text
            assert _app_backends(cluster) and not kept & _app_backends(cluster)
            health = requests.get(base + "/healthz", timeout=30)
            assert health.status_code == 200 and health.json()["database"] == "ok"

            # A restart under traffic: while the server is down, the 503 "try again" page.
            hammer = Hammer(base + survey)
            hammer.start()
            time.sleep(0.3)
            cluster.restart()
            time.sleep(0.3)
            hammer.stop.set()
            hammer.join(30)
            statuses = {status for status, _ in hammer.seen}
            assert statuses <= {200, 503} and 503 in statuses, hammer.seen
            assert all(try_again for status, try_again in hammer.seen if status == 503), hammer.seen
            assert hammer.seen[-1][0] == 200

            # After: the staff person answers and submits; the same submit again counts once.
            staff = requests.Session()
            outcome, path, form = answer(staff, [base], seeded["token"], choose=lambda values: values[0])
            assert outcome == "accepted", outcome
            again = post(staff, base + path, form)
            assert again.status_code == 200 and ALREADY in again.text and ACCEPTED not in again.text
            assert "Sara Strateg" in get(person, base + "/").text
        assert _stored(cluster, seeded) == (1, True, 0)
