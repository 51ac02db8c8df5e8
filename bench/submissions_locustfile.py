"""Locust users that submit staff questionnaires through the personal link, as a browser does.

Run by bench/submissions.py, which prepares the participations and hands their raw tokens over
in the file named by BENCH_TOKENS (one a line). Each task is one staff member with a fresh
cookie jar and the next unused token:

1. GET /svar/<token>/: the questionnaire opens on the first part not yet done (with the
   driver's drafts, the last part) and sets the CSRF cookie;
2. POST that part's radio answers (item-<pk>), the hidden `del` and csrfmiddlewaretoken, a
   comment now and then, and go=submit; on an earlier part (no drafts) go=next and the next
   part is fetched, until the last part;
3. the submit's own answer is the thank-you page with the person's own answers beside the
   unit's figures of the last closed campaign (there is no page to follow any more: the answers
   are shown only in the answer to the request that sent them).

A submit counts as accepted when the POST answers 200 with the thank-you page and its own
profile (an error re-renders the questionnaire with 200, "save and stay" redirects to ?del=).
The outcome of every token is written to
BENCH_RESULTS when locust stops, so the driver can compare it with the database. The time of
the whole flow is reported as its own row ("FLOW whole submission").

The driver names the user class on locust's command line: StaffMember (the submission),
Autosaver (each answer saved as it is given, without submitting), or for
the floor of the same stack BareRequest (GET /bench/bare/: no database) or BareInsert (POST
/bench/insert/ with a fresh token: one INSERT), both from bench/bare_endpoints.py; the tokens
BareInsert got "ok" for are written to BENCH_RESULTS as accepted, to be counted in the table.
"""

import os
import random
import re
import time
import uuid
from collections import deque

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

TOKENS = deque(
    line.strip() for line in open(os.environ["BENCH_TOKENS"]) if line.strip()
)  # the staff members' links (StaffMember only)
OUTCOMES: list[tuple[str, str]] = []
ACCEPTED = 'class="table profile-table"'
WAIT = float(os.environ.get("BENCH_WAIT", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PART = re.compile(r'<input type="hidden" name="del" value="(\d+)">')
RADIO = re.compile(r'name="item-(\d+)" value="([^"]+)"')
COMMENTS = [
    "Bra att vi följer upp det här.",
    "Mer tid för kompetensutveckling, tack.",
    "Wifi:t i B-huset behöver ses över.",
]
_stopped = 0


@events.quitting.add_listener
def _write_outcomes(environment, **_kwargs):
    with open(os.environ["BENCH_RESULTS"], "w") as out:
        out.writelines(f"{token} {outcome}\n" for token, outcome in OUTCOMES)


class StaffMember(FastHttpUser):
    wait_time = constant(0) if not WAIT else between(0, 2 * WAIT)

    def on_stop(self):
        global _stopped
        _stopped += 1
        options = self.environment.parsed_options
        if TOKENS or options is None or _stopped < options.num_users:
            return
        # Every user has run out of tokens and finished its last submission: stop the run.
        self.environment.runner.greenlet.spawn_later(0.1, self.environment.runner.quit)

    @task
    def submit_questionnaire(self):
        if not TOKENS:
            raise StopUser()
        token = TOKENS.popleft()
        self.client.cookiejar.clear()  # a new person, a new browser
        url = f"/svar/{token}/"
        started = time.perf_counter()
        outcome = "not-submitted"
        try:
            outcome = self._answer(url)
        finally:
            OUTCOMES.append((token, outcome))
            self.environment.events.request.fire(
                request_type="FLOW",
                name="whole submission",
                response_length=0,
                response_time=(time.perf_counter() - started) * 1000,
                context={},
                exception=None if outcome == "accepted" else RuntimeError(outcome),
            )

    def _cookies(self) -> dict:
        """Django's cookies are Secure (DEBUG off) and this is plain HTTP on loopback: the jar
        keeps them but does not send them, so they go in by hand, as a browser behind the TLS
        proxy would send them."""
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.client.cookiejar)}

    def _answer(self, url: str) -> str:
        page = self.client.get(url, name="GET questionnaire page")
        for _step in range(20):
            if page.status_code != 200 or page.text is None:
                return f"page-{page.status_code}"
            html = page.text
            csrf, part = CSRF.search(html), PART.search(html)
            if not csrf or not part:
                return "no-form"
            data = {"csrfmiddlewaretoken": csrf.group(1), "del": part.group(1)}
            options: dict[str, list[str]] = {}
            for pk, value in RADIO.findall(html):
                options.setdefault(f"item-{pk}", []).append(value)
            for name, values in options.items():
                counting = [v for v in values if v != "na"]
                data[name] = "na" if random.random() < 0.05 or not counting else random.choice(counting)
            last = 'name="go" value="submit"' in html
            if not last:
                data["go"] = "next"
                with self.client.post(
                    f"{url}?del={part.group(1)}",
                    data=data,
                    name="POST part (next)",
                    allow_redirects=False,
                    headers=self._cookies(),
                    catch_response=True,
                ) as response:
                    if response.status_code != 302:
                        response.failure(f"status {response.status_code}")
                        return "next-failed"
                page = self.client.get(
                    response.headers["Location"], headers=self._cookies(), name="GET questionnaire page"
                )
                continue
            data["go"] = "submit"
            if random.random() < 0.15:
                data["comment"] = random.choice(COMMENTS)
            with self.client.post(
                f"{url}?del={part.group(1)}",
                data=data,
                name="POST submit",
                allow_redirects=False,
                headers=self._cookies(),
                catch_response=True,
            ) as response:
                if response.status_code != 200 or ACCEPTED not in (response.text or ""):
                    response.failure(f"status {response.status_code}")
                    return f"submit-{response.status_code}"
            return "accepted"
        return "too-many-parts"


class Autosaver(FastHttpUser):
    """Each answer saved as it is given, as autosave.js does: per token, one GET of the
    questionnaire, then one POST of the whole form to …/spara/ after each radio group is
    answered (urlencoded here; the browser sends the same fields as multipart). Nothing is
    submitted. A save counts when it answers 200 with {"saved": true}."""

    wait_time = constant(0)
    on_stop = StaffMember.on_stop
    _cookies = StaffMember._cookies

    @task
    def save_answers(self):
        if not TOKENS:
            raise StopUser()
        token = TOKENS.popleft()
        self.client.cookiejar.clear()
        url = f"/svar/{token}/"
        page = self.client.get(url, name="GET questionnaire page")
        html = page.text or ""
        csrf, part = CSRF.search(html), PART.search(html)
        if page.status_code != 200 or not csrf or not part:
            OUTCOMES.append((token, f"page-{page.status_code}"))
            return
        data = {"csrfmiddlewaretoken": csrf.group(1), "del": part.group(1)}
        options: dict[str, list[str]] = {}
        for pk, value in RADIO.findall(html):
            options.setdefault(f"item-{pk}", []).append(value)
        outcome = "saved"
        for name, values in options.items():
            data[name] = random.choice(values)
            with self.client.post(
                f"{url}spara/",
                data=data,
                name="POST autosave",
                headers={**self._cookies(), "Accept": "application/json"},
                catch_response=True,
            ) as response:
                if response.status_code != 200 or '"saved": true' not in (response.text or ""):
                    response.failure(f"status {response.status_code}")
                    outcome = f"autosave-{response.status_code}"
        OUTCOMES.append((token, outcome))


class BareRequest(FastHttpUser):
    """The floor without a database: one GET of a 2-byte answer through the same middleware."""

    wait_time = constant(0)

    @task
    def bare(self):
        with self.client.get("/bench/bare/", name="GET bare", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class BareInsert(FastHttpUser):
    """The floor of a request that writes: one POST, one INSERT of its own token."""

    wait_time = constant(0)

    @task
    def insert(self):
        token = uuid.uuid4().hex
        outcome = "not-inserted"
        with self.client.post(
            "/bench/insert/", data={"token": token}, name="POST insert", catch_response=True
        ) as response:
            if response.status_code == 200 and response.text == "ok":
                outcome = "accepted"
            else:
                response.failure(f"status {response.status_code}")
                outcome = f"insert-{response.status_code}"
        OUTCOMES.append((token, outcome))
