"""Servers on this machine, for the demo, the benchmarks and the tests.

`LocalServer` runs `python -m sibyl_server` as a separate process, exactly as an
operator would; `InProcessServer` runs `build_server` in a thread of the caller (no
process start-up, for fast tests); `scratch_postgres_schema` gives a PostgreSQL URL
whose connections use a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote


class LocalServer:
    """A `sibyl serve` process on a free loopback port; its log goes to `log_path`.

    `store` None keeps the server's default (a SQLite file in the working directory).
    """

    def __init__(
        self, store: str | None, directory: Path, name: str = "server", **flags: Any
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        port_file = directory / f"{name}.port"
        port_file.unlink(missing_ok=True)
        self.log_path = directory / f"{name}.log"
        arguments = ["--address", "127.0.0.1:0", "--port-file", str(port_file)]
        # No load balancer watches a local server's health: SIGTERM need not wait for one.
        flags.setdefault("shutdown_delay_seconds", 0)
        if store is not None:  # None: the server's default store
            arguments += ["--store", store]
        for key, value in flags.items():
            arguments += ["--" + key.replace("_", "-"), str(value)]
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sibyl_server", *arguments],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.port = self._wait_for_port(port_file)
        self.address = f"127.0.0.1:{self.port}"

    def _wait_for_port(self, port_file: Path, timeout: float = 120.0) -> int:
        deadline = time.monotonic() + timeout
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")
            time.sleep(0.05)
        return int(port_file.read_text())

    def event_loop(self) -> str:
        """The event loop the server runs on, as its `sibyl serving on` log line names it
        (written before the port file, so there once the constructor returns)."""
        for line in self.log_path.read_text().splitlines():
            named = re.search(r"sibyl serving on .* event loop (\w+)", line)
            if named:
                return named.group(1)
        raise RuntimeError(f"no serving line in {self.log_path}")

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then waits for the graceful exit; returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self._log.close()
        return code

    def kill(self) -> None:
        """SIGKILL: the process dies without any clean-up, as in a crash."""
        self.process.kill()
        self.process.wait(30)
        self._log.close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.terminate()


class InProcessServer:
    """A real server (build_server) on a loopback port, in a thread of this process, on
    the event loop its options choose (`event_loop`, as `sibyl serve`'s)."""

    def __init__(self, store: str, address: str = "127.0.0.1:0", **options: Any) -> None:
        from sibyl_server.app import build_server
        from sibyl_server.config import ServerConfig
        from sibyl_server.runtime import UVLOOP_MISSING, new_event_loop, resolve_event_loop

        config = ServerConfig(address=address, store=store, **options)
        loop = resolve_event_loop(config.event_loop)
        if loop is None:
            raise ValueError(UVLOOP_MISSING)
        self.loop = new_event_loop(loop)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.running = self._run(build_server(config))
        self.address = f"127.0.0.1:{self.running.port}"

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def stop(self, grace: float = 0) -> None:
        """Stops at once, or after a drain of at most `grace` s for the calls in flight."""
        self._run(self.running.stop(grace))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


@contextlib.contextmanager
def scratch_postgres_schema(url: str) -> Iterator[str]:
    """A URL like `url` whose connections live in a new schema, dropped on exit."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    schema = f"sibyl_scratch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
