"""A PostgreSQL cluster of a test's own, in a temporary directory on a free port of 127.0.0.1:
for what would disturb the server every other test shares (restarting it). Debian's binaries,
found as scripts/start-postgres finds them; as root the server runs as the postgres user
(PostgreSQL refuses to run as root), as scripts/start-postgres does. fsync is off: nothing here
must survive a power cut, and a fast shutdown still writes everything out."""

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.live_servers import free_port

USER = "digiplan"


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@dataclass
class Cluster:
    bin: Path
    data: Path
    port: int
    run_as: list[str]

    def pg_ctl(self, *args: str, timeout: float = 60) -> None:
        # Output to a file, not a pipe: a server started by pg_ctl inherits pg_ctl's stdout.
        with open(self.data.parent / f"{self.data.name}-pg_ctl.out", "ab") as out:
            subprocess.run(
                [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
            )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg_ctl("-w", "-l", str(self.data / "server.log"), "-o", options, "start")

    def restart(self) -> None:
        """pg_ctl restart -m fast: every session is ended, the server stops and starts again;
        -w returns once it accepts connections."""
        # -l again: without it the new server would write its log to pg_ctl's output, which
        # then never closes (the options of -o are kept in postmaster.opts; the log file is not).
        self.pg_ctl("-w", "-m", "fast", "-l", str(self.data / "server.log"), "restart")

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "immediate", "stop")

    def url(self, dbname: str) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=dbname, autocommit=True)

    def log(self) -> str:
        path = self.data / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def throwaway_cluster():
    """A started cluster; stopped and deleted at the end, whatever happened."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    # Directly under /tmp: pytest's own temporary directories are closed to the postgres user.
    data = Path(tempfile.mkdtemp(prefix="digiplan-pg-own-", dir="/tmp"))
    run_as: list[str] = []
    if os.getuid() == 0:
        shutil.chown(data, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data.chmod(0o700)
    cluster = Cluster(binaries, data, free_port(), run_as)
    started = False
    try:
        subprocess.run(
            [*run_as, str(binaries / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8"]
            + ["--locale=C.UTF-8", "--no-sync"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        cluster.start()
        started = True
        yield cluster
    finally:
        if started:
            try:
                cluster.stop()
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(data, ignore_errors=True)
        Path(f"{data}-pg_ctl.out").unlink(missing_ok=True)
