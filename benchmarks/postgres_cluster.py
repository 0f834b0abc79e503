"""A PostgreSQL cluster of its own, in a temporary folder, that a fault test may stop.

Fault tests and the fault benchmark restart and stop the database under load; doing
that to a shared server would break everyone else using it. This cluster has its own
data folder, port and socket folder, and is removed on `close()`.

    with ThrowawayPostgres() as cluster:
        url = cluster.url
        cluster.restart()
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

# initdb and postgres refuse to run as root; as root, the cluster runs as this user.
UNPRIVILEGED_USER = "nobody"


def postgres_bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH), or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


class ThrowawayPostgres:
    """A started PostgreSQL cluster on a free loopback port, trust authentication."""

    def __init__(self, max_connections: int = 300, **settings: object) -> None:
        """Creates and starts the cluster; `settings` are more server settings
        (e.g. superuser_reserved_connections=2)."""
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's initdb/pg_ctl are not installed")
        self._bin = bin_dir
        self.directory = Path(tempfile.mkdtemp(prefix="sibyl-pg-"))
        self.port = _free_port()
        self._data = self.directory / "data"
        self._log = self.directory / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.directory, UNPRIVILEGED_USER)
        self._run("initdb", "-D", str(self._data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")  # fmt: skip
        settings = {"max_connections": max_connections, "fsync": "off", **settings}
        self._options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
        self._options += " ".join(f"-c {key}={value}" for key, value in settings.items())
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Starts the server and waits until it accepts connections."""
        self._pg_ctl("start", "-w", "-l", str(self._log), "-o", self._options)
        self._wait_until_ready()

    def stop(self, mode: str = "fast") -> None:
        """Stops the server: "fast" ends sessions cleanly, "immediate" as in a crash."""
        self._pg_ctl("stop", "-w", "-m", mode)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        """Stops the server (if running) and removes its folder."""
        subprocess.run(
            self._command("pg_ctl", "stop", "-D", str(self._data), "-m", "immediate", "-w"),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)

    def _wait_until_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _pg_ctl(self, *arguments: str) -> None:
        self._run("pg_ctl", arguments[0], "-D", str(self._data), *arguments[1:])

    def _run(self, program: str, *arguments: str) -> None:
        result = subprocess.run(
            self._command(program, *arguments), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} {arguments[0]} failed: {result.stderr or result.stdout}")

    def _command(self, program: str, *arguments: str) -> list[str]:
        command = [str(self._bin / program), *arguments]
        if os.geteuid() == 0:
            return ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]
        return command

    def __enter__(self) -> ThrowawayPostgres:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
