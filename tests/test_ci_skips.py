"""In CI a skipped test fails the run (tests/ci_skips.py): a pytest of its own runs a small test
file with the hooks loaded, once with CI=true and once without, and the exit code and the
summary say whether a test was left out."""

import pytest

# Here and not in tests/conftest.py: only this file needs a pytest inside pytest.
pytest_plugins = ["pytester"]

ONE_RUNS_ONE_SKIPS = """
import pytest

def test_that_runs():
    pass

def test_that_is_left_out():
    pytest.skip("no data for it")
"""

ALL_RUN = """
import pytest

def test_that_runs():
    pass

@pytest.mark.xfail(reason="a known fault", strict=True)
def test_that_fails_as_expected():
    assert False
"""

ONE_FAILS_ONE_SKIPS = """
import pytest

def test_that_fails():
    assert False

def test_that_is_left_out():
    pytest.skip("no data for it")
"""

SECTION = "*CI=true: a skipped test fails the run*"
SKIPPED_LINE = "SKIPPED test_sample.py::test_that_is_left_out: Skipped: no data for it"


@pytest.fixture
def run_sample(pytester, monkeypatch):
    """Runs source as test_sample.py in a pytest with the CI hooks and no other plugin (none of
    Django's or Playwright's, whose state is this pytest's own), under a plain ini: CI=true in
    the environment if ci, no CI at all otherwise."""

    def run(source: str, *, ci: bool) -> pytest.RunResult:
        if ci:
            monkeypatch.setenv("CI", "true")
        else:
            monkeypatch.delenv("CI", raising=False)
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        pytester.makeini("[pytest]\n")
        pytester.makepyfile(test_sample=source)
        # tests.ci_skips is imported already (by tests/conftest.py): too late to rewrite its
        # asserts, and it has none.
        return pytester.runpytest(
            "-p",
            "tests.ci_skips",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
        )

    return run


def test_in_ci_a_skipped_test_fails_the_run_and_the_summary_names_it(run_sample):
    result = run_sample(ONE_RUNS_ONE_SKIPS, ci=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines([SECTION, SKIPPED_LINE])


def test_outside_ci_a_skipped_test_is_only_reported(run_sample):
    result = run_sample(ONE_RUNS_ONE_SKIPS, ci=False)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.no_fnmatch_line(SECTION)
    result.stdout.no_fnmatch_line(SKIPPED_LINE)


def test_in_ci_a_run_without_skips_passes_and_an_expected_failure_is_not_a_skip(run_sample):
    result = run_sample(ALL_RUN, ci=True)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, xfailed=1)
    result.stdout.no_fnmatch_line(SECTION)


def test_in_ci_a_failing_run_with_a_skip_still_says_which_test_was_left_out(run_sample):
    result = run_sample(ONE_FAILS_ONE_SKIPS, ci=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines([SECTION, SKIPPED_LINE])


ONE_ABOUT_POSTGRESQL = """
import pytest

def test_that_runs():
    pass

@pytest.mark.postgresql
def test_about_postgresql_itself():
    pass
"""


@pytest.mark.parametrize(("url", "passed", "deselected"), [("", 1, 1), ("postgres://x@h/db", 2, 0)])
def test_a_postgresql_test_is_deselected_on_sqlite_and_run_on_postgresql(
    run_sample, monkeypatch, url, passed, deselected
):
    monkeypatch.setenv("DATABASE_URL", url)
    result = run_sample(ONE_ABOUT_POSTGRESQL, ci=True)
    assert result.ret == pytest.ExitCode.OK  # deselected is not skipped: CI passes
    result.assert_outcomes(passed=passed, deselected=deselected)
