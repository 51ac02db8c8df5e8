"""The set-up itself: scripts/find-python, scripts/install-uv and `make install`, run as on a
machine of their own. Each test gives the scripts a PATH, HOME and pyenv root made in a
temporary directory, with real Python interpreters linked in and fakes only for what would
reach the network or the project's environment: a uv that records what it was asked, and a
`pip` that puts such a uv where pip would. No database, no network, a few seconds in all, so
they run on both passes of `make test`."""

import functools
import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What pyenv's shim answers for a command installed in a pyenv version that is not the active
# one (the shim is on PATH for every command of every version).
PYENV_SHIM = """#!/bin/sh
echo "pyenv: ${0##*/}: command not found" >&2
echo >&2
echo "The \\`${0##*/}' command exists in these Python versions:" >&2
echo "  3.13.0" >&2
exit 127
"""

# A uv that runs: it answers --version and writes every other call, with the setting that
# keeps uv from downloading a Python, to $FAKE_UV_LOG.
WORKING_UV = """#!/bin/sh
if [ "$1" = --version ]; then echo "uv 0.13.9 (fake)"; exit 0; fi
echo "UV_PYTHON_DOWNLOADS=$UV_PYTHON_DOWNLOADS $*" >> "${FAKE_UV_LOG:-/dev/null}"
"""

# `python -m pip` for a Python without pip: logs its arguments and installs WORKING_UV where
# pip would put uv's executable (the Python's scripts directory, the user's, or --target/bin).
FAKE_PIP = f"""
import os, sys, sysconfig

args = sys.argv[1:]
with open(os.environ["FAKE_PIP_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
if args == ["--version"]:
    sys.exit(print("pip 25.0 (fake)"))
if "--target" in args:
    bin_dir = os.path.join(args[args.index("--target") + 1], "bin")
elif "--user" in args:
    bin_dir = sysconfig.get_path("scripts", os.name + "_user")
elif os.environ.get("FAKE_PIP_READ_ONLY"):
    sys.exit("ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied")
else:
    bin_dir = sysconfig.get_path("scripts")
os.makedirs(bin_dir, exist_ok=True)
with open(os.path.join(bin_dir, "uv"), "w") as uv:
    uv.write({WORKING_UV!r})
os.chmod(os.path.join(bin_dir, "uv"), 0o755)
"""


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.split()
    except OSError:
        return None
    return (int(out[0]), int(out[1])) if len(out) == 2 else None


@functools.cache
def real_python(*minors: int) -> str:
    """A real interpreter of Python 3.<minor> (the first of `minors` found) on this machine:
    pyenv's, Debian's or any on PATH."""
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for minor in minors:
        candidates = sorted(glob.glob(f"{pyenv_root}/versions/3.{minor}.*/bin/python3.{minor}"), reverse=True)
        candidates += [f"/usr/bin/python3.{minor}", f"/usr/local/bin/python3.{minor}"]
        candidates += [shutil.which(f"python3.{minor}") or ""]
        for candidate in candidates:
            if candidate and os.access(candidate, os.X_OK) and _version_of(candidate) == (3, minor):
                return candidate
    pytest.fail(
        f"The set-up tests need a Python 3.{minors[0]} on this machine "
        f"(pyenv install 3.{minors[0]}, or Debian's python3.{minors[0]})."
    )


def new_python() -> str:
    """The interpreter the tests run on (a Python >= 3.12, as the project needs)."""
    return real_python(sys.version_info.minor)


def old_python() -> str:
    """Any Python older than 3.12: Debian 12's python3 is 3.11."""
    return real_python(11, 10, 9)


@dataclass
class Machine:
    """A machine as the scripts see it: PATH is `bin` alone (the scripts need no other
    command), HOME is `home`, pyenv lives in `pyenv`."""

    root: Path

    def __post_init__(self) -> None:
        for directory in (self.bin, self.home, self.pyenv):
            directory.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": str(self.bin),
            "HOME": str(self.home),
            "PYENV_ROOT": str(self.pyenv),
            "FAKE_UV_LOG": str(self.root / "uv.log"),
            "FAKE_PIP_LOG": str(self.root / "pip.log"),
        }

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def pyenv(self) -> Path:
        return self.root / "pyenv"

    def put(self, path: Path, text: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o755)
        return path

    def link(self, path: Path, target: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        return path

    def python_without_pip(self) -> str:
        """A Python >= 3.12 of its own (a venv without pip), whose scripts directory is empty,
        with the fake pip importable as `python -m pip`."""
        venv = self.root / "venv"
        subprocess.run([new_python(), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
        return str(venv / "bin" / "python3")

    def give_fake_pip(self) -> None:
        self.put(self.root / "fakepip" / "pip" / "__init__.py", "")
        self.put(self.root / "fakepip" / "pip" / "__main__.py", FAKE_PIP)
        self.env["PYTHONPATH"] = str(self.root / "fakepip")

    def run(self, *command: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def log(self, name: str) -> str:
        path = self.root / name
        return path.read_text() if path.exists() else ""


@pytest.fixture
def machine(tmp_path) -> Machine:
    return Machine(tmp_path)


def _runs(path: str) -> bool:
    return subprocess.run([path, "--version"], capture_output=True).returncode == 0


# --- scripts/install-uv ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        "pyenv/versions/3.13.0/bin",  # installed in a pyenv version that is not the active one
        "home/.local/bin",
        "home/.cargo/bin",
        "later-on-path",
        "venv/bin",  # the chosen Python's own scripts directory
    ],
)
def test_a_failing_pyenv_shim_first_on_path_is_passed_over_for_a_uv_that_runs(machine, where):
    python = machine.python_without_pip()
    machine.put(machine.bin / "uv", PYENV_SHIM)
    if where == "later-on-path":
        machine.env["PATH"] += f":{machine.root / 'later-on-path'}"
    working = machine.put(machine.root / where / "uv", WORKING_UV)

    result = machine.run("scripts/install-uv", PYTHON=python)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(working)
    assert machine.log("pip.log") == ""


def test_with_no_uv_anywhere_it_is_installed_with_pip(machine):
    python = machine.python_without_pip()
    machine.give_fake_pip()

    result = machine.run("scripts/install-uv", PYTHON=python)

    assert result.returncode == 0, result.stderr
    installed = result.stdout.strip()
    assert installed == str(Path(python).parent / "uv")
    assert _runs(installed)
    assert "install --quiet uv" in machine.log("pip.log")


def test_a_failing_shim_is_installed_over_not_taken(machine):
    python = machine.python_without_pip()
    machine.give_fake_pip()
    machine.put(machine.bin / "uv", PYENV_SHIM)

    result = machine.run("scripts/install-uv", PYTHON=python)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(Path(python).parent / "uv")


def test_when_the_pythons_directory_is_not_writable_uv_is_installed_for_the_user(machine):
    python = machine.python_without_pip()
    machine.give_fake_pip()

    result = machine.run("scripts/install-uv", PYTHON=python, FAKE_PIP_READ_ONLY="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(machine.home / ".local" / "bin" / "uv")
    assert "install --quiet --user uv" in machine.log("pip.log")


def test_without_uv_and_without_pip_it_says_what_to_install(machine):
    python = machine.python_without_pip()

    result = machine.run("scripts/install-uv", PYTHON=python)

    assert result.returncode != 0
    assert "has no pip to install it with" in result.stderr
    assert result.stdout == ""


def test_uv_chooses_and_a_uv_that_does_not_run_is_refused(machine):
    python = machine.python_without_pip()
    chosen = machine.put(machine.root / "elsewhere" / "uv", WORKING_UV)
    shim = machine.put(machine.root / "shims" / "uv", PYENV_SHIM)

    assert machine.run("scripts/install-uv", PYTHON=python, UV=str(chosen)).stdout.strip() == str(chosen)
    refused = machine.run("scripts/install-uv", PYTHON=python, UV=str(shim))
    assert refused.returncode != 0 and "does not run" in refused.stderr


# --- scripts/find-python ----------------------------------------------------------------------


def _version_printed(result: subprocess.CompletedProcess) -> tuple[int, int] | None:
    assert result.returncode == 0, result.stderr
    return _version_of(result.stdout.strip())


def test_only_python_3_12_is_chosen_over_an_older_python3(machine):
    machine.link(machine.bin / "python3", old_python())
    machine.link(machine.bin / "python3.12", real_python(12))

    assert _version_printed(machine.run("scripts/find-python")) == (3, 12)


def test_only_an_older_python_fails_with_a_message_naming_it(machine):
    machine.link(machine.bin / "python3", old_python())

    result = machine.run("scripts/find-python")

    assert result.returncode != 0
    assert result.stdout == ""
    assert "Digiplan needs Python 3.12 or newer" in result.stderr
    assert f"{machine.bin / 'python3'} (3." in result.stderr
    assert "PYTHON=" in result.stderr


def test_python_chooses_even_when_a_newer_one_is_on_path(machine):
    machine.link(machine.bin / "python3.13", new_python())

    result = machine.run("scripts/find-python", PYTHON=real_python(12))

    assert _version_printed(result) == (3, 12)


def test_python_naming_an_older_python_fails_without_trying_others(machine):
    machine.link(machine.bin / "python3.13", new_python())

    result = machine.run("scripts/find-python", PYTHON=old_python())

    assert result.returncode != 0
    assert "is too old" in result.stderr


def test_pyenv_shims_of_other_versions_are_passed_over_for_a_pyenv_version(machine):
    """pyenv with 3.11 active: its shims for python3.13 and python3.12 fail, python3 is 3.11;
    the 3.12 that pyenv installed is found in its versions directory."""
    for name in ("python3.13", "python3.12"):
        machine.put(machine.bin / name, PYENV_SHIM)
    machine.link(machine.bin / "python3", old_python())
    machine.link(machine.pyenv / "versions" / "3.12.1" / "bin" / "python3", real_python(12))

    assert _version_printed(machine.run("scripts/find-python")) == (3, 12)


def test_a_plain_python3_13_on_path_is_enough(machine):
    """Debian 13: /usr/bin/python3.13 and nothing else (no pyenv, no uv)."""
    machine.link(machine.bin / "python3.13", real_python(13))

    assert _version_printed(machine.run("scripts/find-python")) == (3, 13)


# --- make install ---------------------------------------------------------------------------


def test_make_install_syncs_the_lock_with_the_chosen_python_and_never_downloads_one(machine):
    """The issue's machine: uv installed in a pyenv version that is not the active one, pyenv's
    failing shim first on PATH. (The project's .venv is left alone: uv here is the fake.)"""
    python = machine.python_without_pip()
    machine.put(machine.bin / "uv", PYENV_SHIM)
    working = machine.put(machine.pyenv / "versions" / "3.13.0" / "bin" / "uv", WORKING_UV)

    result = machine.run(shutil.which("make") or "make", "-s", "install", "PY=true", PYTHON=python)

    assert result.returncode == 0, result.stderr
    assert machine.log("uv.log").splitlines() == [
        f"UV_PYTHON_DOWNLOADS=never sync --frozen --python {python}"
    ]
    assert working.exists()
