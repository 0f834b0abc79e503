"""Real servers for tests: in a thread of the test process, or as separate processes."""

from __future__ import annotations

import asyncio
import threading
from typing import Any


class ServerThread:
    """A real Sibyl server (build_server) on a loopback port, in a thread of its own."""

    def __init__(self, store: str, **options: Any) -> None:
        from sibyl_server.api.server import build_server
        from sibyl_server.config import ServerConfig

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        config = ServerConfig(address="127.0.0.1:0", store=store, **options)
        self.running = self._run(build_server(config))
        self.address = f"127.0.0.1:{self.running.port}"

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def stop(self) -> None:
        self._run(self.running.stop(0))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
