"""Staff submissions under load: locust against gunicorn and PostgreSQL on loopback.

    source scripts/start-postgres && .venv/bin/python bench/submissions.py
    .venv/bin/python bench/submissions.py --workers 3 --users 12 --participations 6000

Needs DATABASE_URL (PostgreSQL). The driver:

1. creates a new database on that server (dropped at the end), migrates it and builds an
   organisation of 60 units and 6,000 staff (bench/assessment_data.py) with one OPEN campaign
   on the built-in digiplan-standard framework;
2. gives --participations of its participations a fresh link with
   services.participation_new_token and, unless --no-drafts, a draft of every part but the
   last (as if each person had gone through the earlier parts before submitting); the raw
   tokens go to locust in a file;
3. collects the static files into a temp dir and starts gunicorn (--workers sync workers,
   DEBUG off, SECRET_KEY, ALLOWED_HOSTS, SECURE_SSL_REDIRECT=False, TASK_BACKEND=immediate,
   DB_CONN_MAX_AGE=60);
4. runs locust headless (bench/submissions_locustfile.py, --users users without think time)
   until every token is used or --time has passed;
5. prints the requests per second, percentiles and failures per request, the CPU time each
   part used, and checks the database: staff responses == answered participations ==
   submits locust saw accepted, each accepted token's participation answered, and every
   response with the draft's and the last page's answers.

Before the submissions (issue 17), the same gunicorn workers answer two bare endpoints of
bench/bare_endpoints.py for --bare-time each, with the same locust and number of users: a GET
without the database, and a POST doing one INSERT (every accepted one checked in its table
afterwards). The summary puts the three figures side by side with the ratio of submissions
per second to INSERT requests per second.

Between the bare endpoints and the submissions, --autosave-tokens links of their own (never
submitted) are used as autosave.js uses them: one GET, then one POST to …/spara/ after each
answer of the page; afterwards every saved link's draft must hold every answer of that part.
Its CPU per save is for the capacity arithmetic in docs/operations.md.
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
CLK = os.sysconf("SC_CLK_TCK")
SERVERS: list[subprocess.Popen] = []  # gunicorn, stopped whatever happens


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime


def processes(prefix: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if cmdline.startswith(prefix):
                pids.append(int(entry.name))
    return pids


def system_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def percentile(histogram: dict, share: float) -> float:
    """From locust's response time histogram ({rounded ms: count})."""
    times = sorted((float(ms), n) for ms, n in histogram.items())
    wanted, seen = share * sum(n for _ms, n in times), 0
    for ms, n in times:
        seen += n
        if seen >= wanted:
            return ms
    return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participations", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--time", default="60s", help="locust's --run-time of the submissions, at most")
    parser.add_argument("--bare-time", default="20s", help="locust's --run-time of each bare endpoint")
    parser.add_argument(
        "--autosave-tokens",
        type=int,
        default=1000,
        help="links kept apart for the autosave run (each answer saved as it is given; 0: none)",
    )
    parser.add_argument(
        "--no-drafts", action="store_true", help="every user answers all parts (one POST a part)"
    )
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: source scripts/start-postgres")
    import psycopg

    server = base.rsplit("/", 1)[0]
    admin, name = server + "/postgres", f"digiplan_p5submit_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiplan.settings")
    sys.path[:0] = [str(ROOT), str(BENCH)]
    try:
        with tempfile.TemporaryDirectory(prefix="digiplan-bench-") as tmp:
            run(args, Path(tmp), name)
    finally:
        for server in SERVERS:
            if server.poll() is None:
                server.terminate()
                server.wait(30)
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def phase(args, tmp: Path, label: str, user_class: str, token_file: Path, port: int, workers, dbname):
    """One locust run of user_class against the running gunicorn: its rows, outcomes and CPU."""
    venv_bin = Path(sys.executable).parent
    prefix, results_file = tmp / f"locust-{label}", tmp / f"results-{label}.txt"
    locust_env = dict(os.environ, BENCH_TOKENS=str(token_file), BENCH_RESULTS=str(results_file))
    command = [
        str(venv_bin / "locust"),
        "-f",
        str(BENCH / "submissions_locustfile.py"),
        user_class,
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        args.time if label == "submit" else args.bare_time,
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{port}",
        "--json-file",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    print(
        "locust:",
        " ".join(command[1:])
        .replace(str(BENCH), "bench")
        .replace(str(prefix), f"<tmp>/locust-{label}")
        .replace(str(port), "<port>"),
    )
    load_before = os.getloadavg()
    busy0, total0 = system_busy()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    gunicorn0 = sum(cpu_seconds(p) for p in workers)
    postgres0 = sum(cpu_seconds(p) for p in processes(f"postgres: digiplan {dbname}"))
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=locust_env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    busy1, total1 = system_busy()
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "wall": wall,
        "load": (load_before[0], os.getloadavg()[0]),
        "busy": 100 * (busy1 - busy0) / max(total1 - total0, 1),
        "locust_cpu": (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime),
        "gunicorn_cpu": sum(cpu_seconds(p) for p in workers) - gunicorn0,
        # PostgreSQL backends of a run that ended may be gone: a lower bound.
        "postgres_cpu": sum(cpu_seconds(p) for p in processes(f"postgres: digiplan {dbname}")) - postgres0,
    }
    stats_file = Path(f"{prefix}.json") if Path(f"{prefix}.json").exists() else prefix
    result["rows"] = rows = {}
    print(
        f"{'request':<24} {'count':>6} {'fail':>5} {'per s':>6} {'median':>7} {'p95':>6} "
        f"{'p99':>6} {'max':>6}  (ms; per s = count / its first to last request)"
    )
    for entry in json.loads(stats_file.read_text()):
        rows[entry["name"]] = row = {
            "count": entry["num_requests"],
            "failures": entry["num_failures"],
            "rate": entry["num_requests"] / max(entry["last_request_timestamp"] - entry["start_time"], 1e-9),
            "p50": percentile(entry["response_times"], 0.50),
            "p95": percentile(entry["response_times"], 0.95),
            "p99": percentile(entry["response_times"], 0.99),
            "max": entry["max_response_time"],
        }
        print(
            f"{entry['name']:<24} {row['count']:>6} {row['failures']:>5} {row['rate']:>6.1f} "
            f"{row['p50']:>7.0f} {row['p95']:>6.0f} {row['p99']:>6.0f} {row['max']:>6.0f}"
        )
    outcomes = (
        dict(line.split(" ", 1) for line in results_file.read_text().splitlines())
        if results_file.exists()
        else {}
    )
    result["outcomes"] = outcomes
    result["accepted"] = {t for t, o in outcomes.items() if o == "accepted"}
    print(
        f"CPU seconds of {label}: locust {result['locust_cpu']:.1f}, gunicorn workers "
        f"{result['gunicorn_cpu']:.1f}, PostgreSQL backends {result['postgres_cpu']:.1f}; all cores "
        f"busy {result['busy']:.0f} % of {os.cpu_count()} cores x {wall:.0f} s; load average "
        f"{result['load'][0]:.2f} before, {result['load'][1]:.2f} after"
    )
    return result


def print_summary(args, phases: dict) -> None:
    """The three figures of one run, side by side, and the ratio the issue asks for."""
    names = {
        "bare": "GET bare",
        "insert": "POST insert",
        "autosave": "POST autosave",
        "submit": "whole submission",
    }
    print(f"\nsame gunicorn ({args.workers} sync workers), settings, PostgreSQL, locust, {args.users} users:")
    print(f"{'':<34} {'per s':>7} {'p95 ms':>7} {'errors':>7} {'of':>7}  gunicorn CPU ms each")
    for label, title in (
        ("bare", "bare endpoint, no database"),
        ("insert", "bare endpoint, one INSERT"),
        ("autosave", "one answer autosaved (*)"),
        ("submit", "staff submission (GET + POST)"),
    ):
        if label not in phases:
            continue
        row = phases[label]["rows"].get(names[label], {})
        count = row.get("count", 0)
        cpu = 1000 * phases[label]["gunicorn_cpu"] / max(count, 1)
        print(
            f"{title:<34} {row.get('rate', 0):>7.1f} {row.get('p95', 0):>7.0f} "
            f"{row.get('failures', 0):>7} {count:>7}  {cpu:.1f}"
        )
    if "autosave" in phases:
        gets = phases["autosave"]["rows"].get("GET questionnaire page", {}).get("count", 0)
        print(f"(*) its CPU each includes the page's {gets} GETs, one before every link's saves")
    insert = phases["insert"]["rows"].get("POST insert", {}).get("rate", 0)
    submit = phases["submit"]["rows"].get("whole submission", {}).get("rate", 0)
    print(f"ratio submissions/s to INSERT requests/s: {submit / max(insert, 1e-9):.2f}x (target >= 0.5x)")


def warm_up(port: int, workers: int) -> None:
    """Until every worker has answered: on a busy machine loading Django takes tens of seconds,
    which would otherwise fall into the first run's figures."""
    import urllib.request

    answered, deadline = 0, time.monotonic() + 300
    while answered < 4 * workers and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=120) as response:
                answered += response.status == 200
        except OSError:
            time.sleep(0.5)


def run(args, tmp: Path, dbname: str):
    import django

    django.setup()
    import bare_endpoints
    from assessment_data import build_org, open_campaign, prepare_drafts
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count, Max, Min

    from digiplan.assessments import services
    from digiplan.assessments.models import Ballot, Group, Participation, Response
    from digiplan.assessments.views.answer_page import page_items
    from digiplan.assessments.views.answering import _areas

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org = build_org(orgnr="212999-0001", units=60, staff=6000, pupils=30_000)
    campaign, _tokens = open_campaign(org, school_year="2025/26")
    participations = list(
        Participation.objects.filter(campaign=campaign)
        .select_related("campaign")
        .order_by("?")[: args.participations]
    )
    with transaction.atomic():
        tokens = [services.participation_new_token(p) for p in participations]
    items = page_items(campaign, Group.STAFF)
    areas = _areas(items, {})
    drafts = (
        0
        if args.no_drafts
        else prepare_drafts(participations, tokens, last_area_items={i.pk for i in areas[-1].items})
    )
    # The autosave run gets links of its own, never submitted, so that each run starts from
    # the same drafts.
    saving = tokens[len(tokens) - args.autosave_tokens :] if args.autosave_tokens else []
    submitting = tokens[: len(tokens) - len(saving)]
    token_file, autosave_file = tmp / "tokens.txt", tmp / "autosave-tokens.txt"
    token_file.write_text("".join(f"{t}\n" for t in submitting))
    autosave_file.write_text("".join(f"{t}\n" for t in saving))
    print(
        f"prepared in {time.perf_counter() - started:.0f} s: 60 units, 6,000 staff, one open "
        f"campaign, {len(tokens):,} fresh links, {drafts:,} drafts; the questionnaire has "
        f"{len(items)} staff statements in {len(areas)} parts "
        f"({len(areas[-1].items)} on the last)"
    )

    settings_module = tmp / "bench_gunicorn_settings.py"
    settings_module.write_text(
        f"from digiplan.settings import *  # noqa: F403\nSTATIC_ROOT = {str(tmp / 'static')!r}\n"
        # The two bare endpoints beside the application (bench/bare_endpoints.py).
        'ROOT_URLCONF = "bare_endpoints"\n'
    )
    from django.conf import settings

    # The drafts above were sealed with this process's key: the server must open them.
    env = dict(
        os.environ,
        PYTHONPATH=f"{tmp}:{ROOT}:{BENCH}",
        DJANGO_SETTINGS_MODULE="bench_gunicorn_settings",
        DEBUG="False",
        SECRET_KEY="bench-" + uuid.uuid4().hex * 2,
        SEALING_KEY=settings.SEALING_KEY or settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        TASK_BACKEND="immediate",
        DB_CONN_MAX_AGE="60",
        LOG_LEVEL="ERROR",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    venv_bin = Path(sys.executable).parent
    gunicorn = subprocess.Popen(
        [
            str(venv_bin / "gunicorn"),
            "digiplan.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        # The request log (one line a request, on in production) goes to a file, not the screen.
        stderr=(tmp / "gunicorn.log").open("w"),
    )
    SERVERS.append(gunicorn)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    warm_up(port, args.workers)
    workers = [
        int(p)
        for p in subprocess.run(
            ["pgrep", "-P", str(gunicorn.pid)], capture_output=True, text=True
        ).stdout.split()
    ]

    with connection.cursor() as cursor:
        cursor.execute(bare_endpoints.CREATE_TABLE)
    phases = {}
    runs = [("bare", "BareRequest", token_file), ("insert", "BareInsert", token_file)]
    if saving:
        runs.append(("autosave", "Autosaver", autosave_file))
    runs.append(("submit", "StaffMember", token_file))
    for label, user_class, tokens_for in runs:
        phases[label] = phase(args, tmp, label, user_class, tokens_for, port, workers, dbname)
    print_summary(args, phases)
    inserted = phases["insert"]["accepted"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(DISTINCT token) FROM {bare_endpoints.TABLE}")  # noqa: S608
        rows, distinct = cursor.fetchone()
        cursor.execute(f"SELECT token FROM {bare_endpoints.TABLE}")  # noqa: S608
        stored = {token for (token,) in cursor.fetchall()}
    once = rows == distinct == len(inserted) and stored == inserted
    print(
        f"bench_insert: {rows:,} rows, {distinct:,} distinct tokens, {len(inserted):,} accepted "
        f"inserts -> {'every accepted insert exactly once' if once else 'MISMATCH'}"
    )
    if saving:
        saved = {t for t, o in phases["autosave"]["outcomes"].items() if o == "saved"}
        last = {i.pk for i in areas[-1].items}
        drafts = [services.draft_read(services.participation_for_token(token)) for token in saved]
        complete = sum(1 for draft in drafts if draft is not None and last <= set(draft.answers))
        print(
            f"autosave: {len(saved):,} links saved every answer of their page; {complete:,} of their "
            f"drafts hold every answer of the last part -> "
            f"{'every save stored' if complete == len(saved) else 'MISMATCH'}"
        )
    accepted = phases["submit"]["accepted"]
    outcomes = phases["submit"]["outcomes"]
    errors = sorted({o for o in outcomes.values() if o != "accepted"})
    print(
        f"submissions accepted: {len(accepted):,} of {len(outcomes):,} attempted "
        f"(errors: {', '.join(errors) or 'none'})"
    )

    boxed = Ballot.objects.filter(campaign=campaign).count()
    closing = time.perf_counter()
    services.campaign_close(actor=org.strategist, campaign=campaign)
    print(f"closed the campaign, releasing {boxed:,} ballots, in {time.perf_counter() - closing:.1f} s")
    responses = Response.objects.filter(campaign=campaign, group=Group.STAFF)
    answered = Participation.objects.filter(campaign=campaign, answered=True)
    by_token = {services.token_hash(t): t for t in tokens}
    answered_tokens = {by_token[h] for h in answered.values_list("token_hash", flat=True)}
    spread = responses.annotate(n=Count("answers")).aggregate(low=Min("n"), high=Max("n"))
    n_responses, n_answered = responses.count(), answered.count()
    same = n_responses == n_answered == len(accepted) and answered_tokens == accepted
    print(
        f"database: {n_responses:,} staff responses, {n_answered:,} answered participations, "
        f"{len(accepted):,} accepted submits; answered tokens == accepted tokens: "
        f"{answered_tokens == accepted}; answers per response {spread['low']}-"
        f"{spread['high']} -> {'every accepted submission exactly once' if same else 'MISMATCH'}"
    )


if __name__ == "__main__":
    main()
