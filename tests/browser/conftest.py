"""Browser tests: Playwright drives the system's Chromium against Django's live_server.

Fixtures for test writers (see docs/testing.md):

* ``page`` / ``checked_page``: a Playwright ``Page`` whose every loaded document is scanned by
  axe (WCAG 2.1 A/AA) and whose console errors, uncaught exceptions and CSP violations fail the
  test at teardown.
* ``browser_checks``: the checker attached to ``page`` (``scan_now()``, ``ignore_console()``).
* ``login``: ``login(email, password)`` signs in through the real login form.
* ``axe``: ``axe()`` scans ``page`` right now and fails on violations (``axe(other_page)`` too).
* ``assert_no_axe_violations(page)``: the same as a plain function.
"""

import os
import re
import shutil
import time
import warnings
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; without this the ORM raises
# SynchronousOnlyOperation in test code that runs while a browser is open.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from django.urls import reverse  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

BROWSER_DIR = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
_AXE = Axe()


# --- Collection -------------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    # Called with every collected item of the session: mark only the ones in this directory.
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- Chromium ---------------------------------------------------------------------------------


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_chromium() -> str | None:
    """$CHROMIUM_PATH if set (and nothing else then), else /usr/bin/chromium, else PATH."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if _executable(explicit) else None
    if _executable("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options (--headed, --slowmo …) plus the system Chromium."""
    path = find_chromium()
    if path is None:
        message = (
            f"Chromium was not found at CHROMIUM_PATH={os.environ['CHROMIUM_PATH']}."
            if os.environ.get("CHROMIUM_PATH")
            else "Chromium was not found (looked at /usr/bin/chromium and on PATH)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI=true: browser tests must run.", pytrace=False)
        pytest.skip(
            message + " Install it with `apt-get install chromium` (or `make system-deps`), "
            "or set CHROMIUM_PATH."
        )
    args = list(CHROMIUM_ARGS)
    if browser_type_launch_args.get("headless", True):
        args.insert(0, "--headless")
    return {**browser_type_launch_args, "executable_path": path, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Browse like the app's users: Swedish language and Swedish time."""
    return {"locale": "sv-SE", "timezone_id": "Europe/Stockholm", **browser_context_args}


# --- axe ----------------------------------------------------------------------------------------


_running: set[int] = set()  # id() of the pages axe is running on right now


def axe_violations(page: Page) -> tuple[str, list[dict]]:
    """Run axe (WCAG 2.1 A/AA) on the page's current document: (scanned url, violations).

    Scans of one page run one at a time: the automatic scan in the load handler and a scan the
    test asks for may otherwise overlap, which axe refuses ("Axe is already running").
    """
    deadline = time.monotonic() + 60
    while id(page) in _running and time.monotonic() < deadline:
        page.wait_for_timeout(25)  # lets the other greenlet's scan finish
    _running.add(id(page))
    try:
        response = _AXE.run(page, options=AXE_OPTIONS).response
    finally:
        _running.discard(id(page))
    return response.get("url", page.url), response["violations"]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} axe violation(s)"]
    for v in violations:
        lines.append(f"  [{v.get('impact') or '-'}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"      at {target}")
            lines.append(f"         {node.get('html', '').strip()[:200]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n           ")
                lines.append(f"         {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Scan the current page with axe at once and fail with a readable report on any violation."""
    url, violations = axe_violations(page)
    if violations:
        pytest.fail(format_violations(url, violations), pytrace=False)


# --- Per-page checks --------------------------------------------------------------------------


def _doc_url(url: str) -> str:
    return urldefrag(url)[0]


class BrowserChecks:
    """Watches one page: axe on every loaded document, console errors, uncaught exceptions.

    A document is identified by (method of its navigation request, URL without fragment), so a
    form re-rendered after a POST is scanned as well as the GET that showed it; each distinct one
    is scanned once. The scan runs in Playwright's load-event handler; a document the test left
    before its scan finished is loaded again (GET only) in a new tab at teardown and scanned there.
    """

    def __init__(self, page: Page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.violations: dict[tuple[str, str], list[dict]] = {}  # scanned documents
        self.unscanned: dict[tuple[str, str], str] = {}  # document -> why its scan failed
        self._ignored: list[re.Pattern] = []
        self._nav_method = "GET"
        self._documents: set[str] = set()  # URLs of the page's own navigation requests
        self._busy = 0
        self.attach(page)

    def attach(self, page: Page, scan: bool = True) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)
        page.on("request", self._on_request if scan else self._on_other_tab_request)
        if scan:
            page.on("load", self._on_load)

    def ignore_console(self, pattern: str) -> None:
        """Let console errors matching the regex pattern pass (for tests that provoke them)."""
        self._ignored.append(re.compile(pattern))

    # event handlers (run in Playwright's event greenlets; they may call the sync API)

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        loc = msg.location or {}
        url = loc.get("url", "")
        if urlparse(url).path == "/favicon.ico":
            return  # Chromium's own favicon probe when a page declares no icon: not the app's
        if msg.text.startswith("Failed to load resource") and url in self._documents:
            return  # an error status of the page itself (403, 404 …): the test asserts on that
        where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
        self.console_errors.append(f"{msg.text}{where}")

    def _on_pageerror(self, error) -> None:
        self.page_errors.append(error.stack or error.message or str(error))

    def _on_request(self, request) -> None:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self._nav_method = request.method
            self._documents.add(request.url)

    def _on_other_tab_request(self, request) -> None:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self._documents.add(request.url)

    def _on_load(self, page: Page) -> None:
        self._scan((self._nav_method, _doc_url(page.url)))

    def _scan(self, key: tuple[str, str]) -> None:
        if key in self.violations:
            return
        self._busy += 1
        try:
            url, violations = axe_violations(self.page)
            if _doc_url(url) != key[1]:
                self.unscanned.setdefault(key, f"the page moved on to {url} during the scan")
                return
            self.violations[key] = violations
            self.unscanned.pop(key, None)
        except Exception as exc:  # navigated away, page closed …
            self.unscanned.setdefault(key, f"{type(exc).__name__}: {exc}".splitlines()[0])
        finally:
            self._busy -= 1

    # called by the test or at teardown

    def scan_now(self) -> None:
        """Scan the current document now, even if its URL was scanned before (e.g. after a
        script changed the page); fails at teardown like the automatic scans."""
        key = (self._nav_method, _doc_url(self.page.url))
        self.violations.pop(key, None)
        self._scan(key)

    def _wait_idle(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline and not self.page.is_closed():
            self.page.wait_for_timeout(25)  # lets the event greenlets finish their scans

    def finish(self) -> None:
        """Complete the scans, then fail with one report of everything that went wrong."""
        if not self.page.is_closed():
            self._wait_idle()
            current = (self._nav_method, _doc_url(self.page.url))
            if current[1].startswith("http") and current not in self.violations:
                self._scan(current)
        self._rescan_missed()

        problems = []
        for (method, url), violations in self.violations.items():
            if violations:
                label = url if method == "GET" else f"{url} (after {method})"
                problems.append(format_violations(label, violations))
        console = [m for m in self.console_errors if not any(p.search(m) for p in self._ignored)]
        if console:
            problems.append("Console errors (CSP violations show up here):\n  " + "\n  ".join(console))
        if self.page_errors:
            problems.append("Uncaught exceptions in the page:\n  " + "\n  ".join(self.page_errors))
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)

    def _rescan_missed(self) -> None:
        missed = [k for k in self.unscanned if k not in self.violations]
        if not missed:
            return
        for method, url in missed:
            if method != "GET" or self.page.is_closed():
                warnings.warn(
                    f"axe could not scan {url} (after {method}): {self.unscanned[(method, url)]}",
                    stacklevel=1,
                )
                continue
            tab = self.page.context.new_page()
            try:
                self.attach(tab, scan=False)
                tab.goto(url, wait_until="load")
                scanned_url, violations = axe_violations(tab)
                self.violations[(method, _doc_url(scanned_url))] = violations
            finally:
                tab.close()


@pytest.fixture
def browser_checks(request, context, transactional_db, live_server):
    """The checker of ``page``; requesting it alone does not open a page."""
    page = context.new_page()
    checks = BrowserChecks(page)
    yield checks
    checks.finish()


@pytest.fixture
def page(browser_checks) -> Page:
    """pytest-playwright's page, with axe, console-error and CSP checks on every document."""
    return browser_checks.page


@pytest.fixture
def checked_page(page) -> Page:
    """Same object as ``page`` (which is always checked here); the name says it out loud."""
    return page


@pytest.fixture
def axe(page):
    """``axe(target=None)``: assert_no_axe_violations on ``page`` (or another page) right now."""
    return lambda target=None: assert_no_axe_violations(target or page)


# --- Signing in -------------------------------------------------------------------------------


@pytest.fixture
def login(page, live_server):
    """``login(email, password, *, success=True)``: sign in through the real form on ``page``.

    With success=True it waits until the browser has left the login page and returns the page.
    """
    login_path = reverse("login")

    def _login(email: str, password: str, *, success: bool = True) -> Page:
        page.goto(live_server.url + login_path)
        form = page.locator("form").filter(has=page.locator('input[name="password"]'))
        form.locator('input[name="username"]').fill(email)
        form.locator('input[name="password"]').fill(password)
        form.locator('button[type="submit"], input[type="submit"]').first.click()
        page.wait_for_load_state()
        if success:
            expect(page).not_to_have_url(re.compile(re.escape(login_path)))
        return page

    return _login
