"""In CI every test must run: a skipped test fails the run (CI=true), and the summary says
which tests skipped and why. Plain pytest hooks, imported by tests/conftest.py; nothing of
Django here, so that tests/test_ci_skips.py can run them in a pytest of their own."""

import os

import pytest


def _skipped(config) -> list:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    # The reporter counts an expected failure apart ("xfailed"): it is not a test left out.
    return list(reporter.stats.get("skipped", [])) if reporter is not None else []


def _reason(report) -> str:
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2])
    return str(report.longrepr)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") == "true" and exitstatus == pytest.ExitCode.OK and _skipped(session.config):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = _skipped(config)
    if os.environ.get("CI") != "true" or not skipped:
        return
    terminalreporter.section("CI=true: a skipped test fails the run", sep="=", red=True)
    for report in skipped:
        terminalreporter.line(f"SKIPPED {report.nodeid}: {_reason(report)}", red=True)


def pytest_collection_modifyitems(config, items):
    """A test marked `postgresql` is about PostgreSQL itself (a server restart, its backends):
    the SQLite pass of `make test` deselects it, and says how many, instead of skipping it; the
    PostgreSQL pass runs it. Nothing of Django here: the engine comes from DATABASE_URL, as the
    settings read it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
