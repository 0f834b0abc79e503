"""Real servers for tests: in a thread of the test process, or as separate processes."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


class ServerThread:
    """A real Sibyl server (build_server) on a loopback port, in a thread of its own."""

    def __init__(self, store: str, address: str = "127.0.0.1:0", **options: Any) -> None:
        from sibyl_server.api.server import build_server
        from sibyl_server.config import ServerConfig

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        config = ServerConfig(address=address, store=store, **options)
        self.running = self._run(build_server(config))
        self.address = f"127.0.0.1:{self.running.port}"

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def stop(self) -> None:
        self._run(self.running.stop(0))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


class ServerProcess:
    """`python -m sibyl_server` as a separate process, as an operator would run it."""

    def __init__(self, store: str, tmp: Path, name: str = "server", **flags: Any) -> None:
        port_file = tmp / f"{name}.port"
        self.log_path = tmp / f"{name}.log"
        arguments = ["--address", "127.0.0.1:0", "--store", store, "--port-file", str(port_file)]
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

    def _wait_for_port(self, port_file: Path, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")
            time.sleep(0.05)
        return int(port_file.read_text())

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then waits for the graceful exit; returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self._log.close()
        return code

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)
        self._log.close()
