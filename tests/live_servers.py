"""Two (or more) gunicorn app servers on one database, for the tests and the benchmark that prove
the app keeps no state in process memory (docs/operations.md, "Running several app servers").

Plain functions: what a browser does (sign in, answer a questionnaire) over requests, and the
servers started with the project's WSGI app on free ports of 127.0.0.1."""

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PART = re.compile(r'<input type="hidden" name="del" value="(\d+)">')
RADIO = re.compile(r'name="item-(\d+)" value="([^"]+)"')
ACCEPTED = 'class="table profile-table"'  # the thank-you page of a submit that was taken
ALREADY = "Dina svar är redan inskickade"  # the thank-you page of a link already used
LOGIN = "/konto/logga-in/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """DATABASE_URL for a database alias's settings (the test database once it is made)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@contextmanager
def app_servers(count: int, env: dict[str, str], *, workers: int = 1, timeout: float = 45):
    """count gunicorn servers with this environment, each on its own port; yields their base
    URLs once every one answers, stops them at the end."""
    venv_bin = Path(sys.executable).parent
    ports = [free_port() for _ in range(count)]
    servers = [
        subprocess.Popen(
            [
                str(venv_bin / "gunicorn"),
                "digiplan.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                # Two servers on one machine would share the default control socket.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        for port in ports
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + timeout
        for server, base in zip(servers, bases, strict=True):
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn on {base} exited with {server.returncode}")
                try:
                    if requests.get(base + LOGIN, timeout=30).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn on {base} did not answer in {timeout} s")
                time.sleep(0.2)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def cookie_header(session: requests.Session) -> dict[str, str]:
    """Cookies by hand: with DEBUG off Django's are Secure, and this is plain HTTP on loopback
    (a browser behind the TLS proxy sends them). One jar, whichever server set them."""
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies)}


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def get(session: requests.Session, url: str, **kwargs) -> requests.Response:
    return session.get(url, headers=cookie_header(session), allow_redirects=False, timeout=30, **kwargs)


def post(session: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    # The Referer a browser sends; CSRF checks it only over HTTPS, but it costs nothing.
    headers = {**cookie_header(session), "Referer": url}
    return session.post(url, data=data, headers=headers, allow_redirects=False, timeout=30, **kwargs)


def sign_in(session: requests.Session, form_base: str, post_base: str, email: str, password: str):
    """Fetches the sign-in form from one server and posts it to another: the answer."""
    page = get(session, form_base + LOGIN)
    assert page.status_code == 200, page.status_code
    return post(
        session,
        post_base + LOGIN,
        {"csrfmiddlewaretoken": csrf_of(page.text), "username": email, "password": password},
    )


def answer(session: requests.Session, bases: list[str], token: str, choose) -> tuple[str, str, dict]:
    """Answers a staff questionnaire by its link, each request to the next server in turn.
    choose(values) picks one of an item's values. Returns (outcome, path, form) where
    outcome is "accepted" or what went wrong; the submit's path and form let a test send it again."""
    url = f"/svar/{token}/"
    turn = 0

    def base() -> str:
        nonlocal turn
        turn += 1
        return bases[turn % len(bases)]

    page = get(session, base() + url)
    for _step in range(20):
        if page.status_code != 200:
            return f"page-{page.status_code}", "", {}
        html = page.text
        part = PART.search(html)
        if not part:
            return "no-form", "", {}
        data = {"csrfmiddlewaretoken": csrf_of(html), "del": part.group(1)}
        options: dict[str, list[str]] = {}
        for pk, value in RADIO.findall(html):
            options.setdefault(f"item-{pk}", []).append(value)
        for name, values in options.items():
            data[name] = choose(values)
        target = f"{url}?del={part.group(1)}"
        if 'name="go" value="submit"' not in html:
            data["go"] = "next"
            response = post(session, base() + target, data)
            if response.status_code != 302:
                return f"next-{response.status_code}", "", {}
            page = get(session, base() + response.headers["Location"])
            continue
        data["go"] = "submit"
        response = post(session, base() + target, data)
        if response.status_code != 200 or ACCEPTED not in response.text:
            return f"submit-{response.status_code}", target, data
        return "accepted", target, data
    return "too-many-parts", "", {}
