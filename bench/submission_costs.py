"""Where a staff submission's server time goes: the parts bench/submissions.py cannot see.

    source scripts/start-postgres && .venv/bin/python bench/submission_costs.py
    .venv/bin/python bench/submission_costs.py            # SQLite (a new temp file)

In a fresh database, a small organisation (6 units, 300 staff) with one open campaign on
digiplan-standard; --flows staff members each open their link (GET: the questionnaire opens on
the last part, the earlier ones being in their draft) and submit it (POST: the thank-you page
with their own answers), through Django's test Client with CSRF checks on, in this process, one
after the other. Every flow's CPU time (time.process_time) is split into:

- SQL: the time inside the database driver's execute, client side (a connection.execute_wrapper
  around every query; on loopback PostgreSQL this includes the wait for the server);
- templates: the time inside render_to_string (the page and the thank-you page);
- the rest: Python in the views, the ORM building queries and models, middleware, sealing.

It prints the means per flow, the queries of one flow, and, for the floor, the same split for a
request to the bare endpoint doing one INSERT (bench/bare_endpoints.py). The test Client is not
gunicorn: the sum is below what gunicorn's workers use per flow in bench/submissions.py, whose
numbers are the ones to compare; this script says which part is which.
"""

import argparse
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

from _common import fresh_database, set_up_django, use_project_settings

BENCH = Path(__file__).resolve().parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PART = re.compile(r'<input type="hidden" name="del" value="(\d+)">')
RADIO = re.compile(r'name="item-(\d+)" value="([^"]+)"')


class Clock:
    """Accumulates process time spent inside the wrapped calls (nested calls counted once)."""

    def __init__(self) -> None:
        self.sql = self.templates = 0.0
        self.queries: list[str] = []
        self._depth = 0

    def execute(self, execute, sql, params, many, context):
        started = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.process_time() - started
            self.queries.append(sql)

    def wrap_render(self, render):
        def timed(*args, **kwargs):
            self._depth += 1
            started = time.process_time()
            try:
                return render(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.templates += time.process_time() - started

        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=200)
    args = parser.parse_args()
    use_project_settings()
    # As in production (and bench/submissions.py's gunicorn): no debug bookkeeping of queries or
    # templates, plain HTTP from the test Client.
    os.environ.update(DEBUG="False", SECURE_SSL_REDIRECT="False", TASK_BACKEND="immediate")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(32))
    sys.path.insert(0, str(BENCH))
    with fresh_database("costs"):
        vendor = set_up_django()
        run(args, vendor)


def run(args, vendor: str) -> None:
    import logging

    from assessment_data import build_org, open_campaign, prepare_drafts
    from django import shortcuts
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings

    from digiplan.assessments import services
    from digiplan.assessments.models import Group, Participation
    from digiplan.assessments.views.answer_page import page_items
    from digiplan.assessments.views.answering import _areas

    logging.disable(logging.CRITICAL)  # the request log would be part of the figures
    org = build_org(orgnr="212999-0009", units=6, staff=300, pupils=1000)
    campaign, _tokens = open_campaign(org, school_year="2025/26")
    warm = 10
    participations = list(
        Participation.objects.filter(campaign=campaign).select_related("campaign")[: args.flows + warm]
    )
    with transaction.atomic():
        tokens = [services.participation_new_token(p) for p in participations]
    areas = _areas(page_items(campaign, Group.STAFF), {})
    prepare_drafts(participations, tokens, last_area_items={i.pk for i in areas[-1].items})

    clock = Clock()
    shortcuts.loader.render_to_string = clock.wrap_render(shortcuts.loader.render_to_string)
    client = Client(enforce_csrf_checks=True)

    def flow(token: str) -> None:
        client.cookies.clear()
        url = f"/svar/{token}/"
        html = client.get(url).content.decode()
        data = {"csrfmiddlewaretoken": CSRF.search(html).group(1), "del": PART.search(html).group(1)}
        for pk, value in RADIO.findall(html):
            if value != "na":
                data[f"item-{pk}"] = value
        data["go"] = "submit"
        answer = client.post(f"{url}?del={data['del']}", data)
        if answer.status_code != 200 or b"profile-table" not in answer.content:
            raise SystemExit(f"submission refused: {answer.status_code}")

    def bare_insert(n: int) -> None:
        for i in range(n):
            client.post("/bench/insert/", {"token": f"costs-{time.time_ns()}-{i}"})

    with connection.execute_wrapper(clock.execute):
        for token in tokens[:warm]:
            flow(token)
        per_flow = []
        for token in tokens[warm:]:
            before = (time.process_time(), clock.sql, clock.templates, len(clock.queries))
            flow(token)
            per_flow.append(
                (
                    time.process_time() - before[0],
                    clock.sql - before[1],
                    clock.templates - before[2],
                    len(clock.queries) - before[3],
                )
            )
        one_flow = clock.queries[-per_flow[-1][3] :]
        with override_settings(ROOT_URLCONF="bare_endpoints"):
            import bare_endpoints

            with connection.cursor() as cursor:
                cursor.execute(bare_endpoints.CREATE_TABLE)
            bare_insert(warm)
            cpu0, sql0, n0 = time.process_time(), clock.sql, len(clock.queries)
            bare_insert(args.flows)
            bare = ((time.process_time() - cpu0) / args.flows, (clock.sql - sql0) / args.flows)
            bare_queries = (len(clock.queries) - n0) / args.flows

    total = statistics.mean(f[0] for f in per_flow) * 1000
    sql = statistics.mean(f[1] for f in per_flow) * 1000
    templates = statistics.mean(f[2] for f in per_flow) * 1000
    print(f"{vendor}: {len(per_flow)} flows (GET the last part + POST submit), Django's test Client")
    print(f"  CPU per flow {total:6.2f} ms (median {statistics.median(f[0] for f in per_flow) * 1000:.2f})")
    print(f"  SQL          {sql:6.2f} ms  {per_flow[-1][3]} queries")
    print(f"  templates    {templates:6.2f} ms")
    print(f"  the rest     {total - sql - templates:6.2f} ms  (views, ORM, middleware, sealing)")
    print(
        f"bare INSERT request: CPU {bare[0] * 1000:.2f} ms, SQL {bare[1] * 1000:.2f} ms, "
        f"{bare_queries:.0f} queries; a flow is {total / (bare[0] * 1000):.1f}x its CPU"
    )
    print("queries of one flow:")
    for sql_text in one_flow:
        print("  ", re.sub(r"\s+", " ", sql_text)[:110])


if __name__ == "__main__":
    main()
