"""Two app servers on one database under load, every request to the other server than the last.

    source scripts/start-postgres && .venv/bin/python bench/two_servers.py
    .venv/bin/python bench/two_servers.py --threads 8 --time 60 --workers 2   # SQLite without DATABASE_URL

The driver builds an organisation of 10 units and 600 staff with one open campaign in a new
database (dropped at the end), gives 400 participations fresh links and 20 unit leaders a
password, starts two gunicorn servers (DEBUG off, --workers each) on that database and runs
--threads plain threads for --time seconds. Each thread repeats one of:

* a staff submission (half the time, while links last): the questionnaire by link, part after
  part, each GET and POST to the other server than the one before;
* a unit leader signing in (the form from one server, posted to the other), the start page and
  the report list, then signing out: the session made on one server used on the other;
* an anonymous visit to the sign-in page.

It prints requests per second, p50/p95 per kind and every error (a status other than the one
expected, or no answer), then checks the database: every submission the threads saw accepted is
stored exactly once (one ballot per answered participation, as many as accepted).
"""

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from _common import fresh_database, set_up_django, use_project_settings  # noqa: E402

PASSWORD = "Tva-servrar-2026!"
LINKS, LEADERS = 400, 20


class Recorder:
    """Every request's kind, time and whether it was what the flow expected."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.accepted: list[str] = []
        self.turn = itertools.count()

    def base(self, bases: list[str]) -> str:
        with self.lock:
            return bases[next(self.turn) % len(bases)]

    def record(self, kind: str, ms: float, error: str = "") -> None:
        with self.lock:
            self.times[kind].append(ms)
            if error:
                self.errors.append(f"{kind}: {error}")


def _timed_session(recorder: Recorder):
    import requests

    class Timed(requests.Session):
        def request(self, method, url, *args, **kwargs):
            started = time.perf_counter()
            try:
                response = super().request(method, url, *args, **kwargs)
            except requests.RequestException as exc:
                recorder.record(f"{method} (no answer)", (time.perf_counter() - started) * 1000, repr(exc))
                raise
            ms = (time.perf_counter() - started) * 1000
            error = f"status {response.status_code}" if response.status_code >= 500 else ""
            recorder.record(method, ms, error)
            return response

    return Timed()


def submission(recorder: Recorder, bases: list[str], token: str) -> None:
    from tests.live_servers import answer

    start = recorder.base(bases)
    order = bases if start == bases[0] else bases[::-1]
    started = time.perf_counter()
    outcome, _path, _form = answer(_timed_session(recorder), order, token, choose=random.choice)
    ms = (time.perf_counter() - started) * 1000
    if outcome == "accepted":
        with recorder.lock:
            recorder.accepted.append(token)
    recorder.record("flow: submission", ms, "" if outcome == "accepted" else outcome)


def leader_visit(recorder: Recorder, bases: list[str], email: str, name: str) -> None:
    from tests.live_servers import csrf_of, get, post, sign_in

    session = _timed_session(recorder)
    started = time.perf_counter()
    error = ""
    signed_in = sign_in(session, recorder.base(bases), recorder.base(bases), email, PASSWORD)
    if signed_in.status_code != 302:
        error = f"sign-in {signed_in.status_code}"
    else:
        home = get(session, recorder.base(bases) + "/")
        reports = get(session, recorder.base(bases) + "/rapporter/")
        if home.status_code != 200 or name not in home.text or reports.status_code != 200:
            error = f"pages {home.status_code} {reports.status_code}"
        else:
            out = post(
                session,
                recorder.base(bases) + "/konto/logga-ut/",
                {"csrfmiddlewaretoken": csrf_of(home.text)},
            )
            if out.status_code != 302 or get(session, recorder.base(bases) + "/").status_code != 302:
                error = "sign-out did not end the session on the other server"
    recorder.record("flow: leader sign-in, 2 pages, sign-out", (time.perf_counter() - started) * 1000, error)


def anonymous_visit(recorder: Recorder, bases: list[str]) -> None:
    from tests.live_servers import LOGIN, get

    response = get(_timed_session(recorder), recorder.base(bases) + LOGIN)
    if response.status_code != 200:
        recorder.record("flow: sign-in page", 0, f"status {response.status_code}")


def worker(recorder: Recorder, bases: list[str], tokens: list[str], leaders: list, until: float, seed: int):
    rng = random.Random(seed)
    while time.monotonic() < until:
        roll = rng.random()
        try:
            if roll < 0.5:
                with recorder.lock:
                    token = tokens.pop() if tokens else None
                if token is not None:
                    submission(recorder, bases, token)
                    continue
            if roll < 0.8:
                leader_visit(recorder, bases, *rng.choice(leaders))
            else:
                anonymous_visit(recorder, bases)
        except Exception as exc:  # noqa: BLE001  (counted and shown, the run goes on)
            recorder.record("flow: exception", 0, repr(exc))


def prepare(tmp: Path):
    from assessment_data import build_org, open_campaign
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from digiplan.assessments import services
    from digiplan.assessments.models import Participation
    from digiplan.organisations.models import Membership, Person, Role

    org = build_org(orgnr="212999-0002", units=10, staff=600, pupils=3000)
    campaign, _tokens = open_campaign(org, school_year="2025/26")
    participations = list(Participation.objects.filter(campaign=campaign).select_related("campaign")[:LINKS])
    with transaction.atomic():
        tokens = [services.participation_new_token(p) for p in participations]
    leader_ids = list(
        Membership.objects.filter(huvudman=org.huvudman, role=Role.UNIT_LEADER).values_list(
            "person_id", flat=True
        )[:LEADERS]
    )
    Person.objects.filter(pk__in=leader_ids).update(password=make_password(PASSWORD), is_active=True)
    leaders = list(Person.objects.filter(pk__in=leader_ids).values_list("email", "name"))
    return campaign, tokens, leaders


def summary(recorder: Recorder, wall: float, campaign, threads: int, workers: int) -> bool:
    from digiplan.assessments.models import Ballot, Participation

    total = sum(len(v) for k, v in recorder.times.items() if not k.startswith("flow"))
    print(
        f"\n2 servers x {workers} sync workers, {threads} threads, {wall:.0f} s: "
        f"{total / wall:.1f} requests/s"
    )
    print(f"{'':<42} {'count':>6} {'per s':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for kind, times in sorted(recorder.times.items()):
        if not times:
            continue
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        print(
            f"{kind:<42} {len(times):>6} {len(times) / wall:>6.1f} "
            f"{statistics.median(times):>7.0f} {p95:>7.0f}"
        )
    ballots = Ballot.objects.filter(campaign=campaign).count()
    answered = Participation.objects.filter(campaign=campaign, answered=True).count()
    accepted = len(recorder.accepted)
    print(f"errors: {len(recorder.errors)}")
    for error in recorder.errors[:20]:
        print("  ", error)
    print(
        f"submissions accepted {accepted}, distinct links {len(set(recorder.accepted))}; "
        f"stored: {ballots} ballots, {answered} answered participations"
    )
    ok = not recorder.errors and ballots == answered == accepted == len(set(recorder.accepted))
    print("OK: zero errors, every accepted submission stored once" if ok else "FAILED")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--time", type=float, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    args = parser.parse_args()
    use_project_settings()
    with fresh_database("p4_two_servers"), tempfile.TemporaryDirectory(prefix="digiplan-bench-") as tmp_name:
        tmp = Path(tmp_name)
        vendor = set_up_django()
        started = time.perf_counter()
        campaign, tokens, leaders = prepare(tmp)
        print(
            f"{vendor:<10} prepared in {time.perf_counter() - started:.0f} s: "
            f"{len(tokens)} links, {len(leaders)} leaders"
        )
        from django.conf import settings
        from django.db import connections

        from tests.live_servers import app_servers

        (tmp / "two_servers_settings.py").write_text(
            f"from digiplan.settings import *  # noqa: F403\nSTATIC_ROOT = {str(tmp / 'static')!r}\n"
        )
        env = {
            "PYTHONPATH": f"{tmp}:{ROOT}",
            "DJANGO_SETTINGS_MODULE": "two_servers_settings",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "DEBUG": "False",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
            "SEALING_KEY": settings.SEALING_KEY or settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False",
            "TASK_BACKEND": "immediate",
            "DB_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "ERROR",
            "REQUEST_LOG_LEVEL": "WARNING",  # one line per request would cost the servers
            # Every thread comes from 127.0.0.1: the sign-in lockout must not stop the run.
            "AXES_FAILURE_LIMIT": "1000",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
        )
        connections.close_all()
        with app_servers(2, env, workers=args.workers) as bases:
            random.shuffle(tokens)
            until = time.monotonic() + args.time
            recorder = Recorder()
            threads = [
                threading.Thread(target=worker, args=(recorder, bases, tokens, leaders, until, n))
                for n in range(args.threads)
            ]
            load_before = os.getloadavg()[0]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
            print(
                f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
                f"{os.cpu_count()} cores"
            )
        ok = summary(recorder, wall, campaign, args.threads, args.workers)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
