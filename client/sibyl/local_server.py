"""A throwaway Sibyl server in this process, for tools used without a server address.

`connect_or_start(None)` starts a real server (the one `sibyl serve` runs) on a loopback
port, storing its studies in a temporary SQLite file that is deleted when the server
stops. It needs the server's dependencies (`pip install 'sibyl[server]'`), which are
imported only then.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sibyl.client import Client, connect


class TemporaryServer:
    """A server in a thread of this process, on a temporary SQLite file; stop() deletes it."""

    def __init__(self) -> None:
        try:
            from sibyl_server.local import InProcessServer
        except ImportError as error:
            raise ImportError(
                "no Sibyl address was given, and starting a local server needs the server's "
                "dependencies (pip install '.[server]' in Sibyl's checkout), or pass the "
                "address of a server"
            ) from error
        self.directory = Path(tempfile.mkdtemp(prefix="sibyl-"))
        self.store = f"sqlite:///{self.directory / 'sibyl.db'}"
        self._server = InProcessServer(self.store)
        self.address: str = self._server.address

    def stop(self) -> None:
        self._server.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def connect_or_start(address: str | None, **options: Any) -> Iterator[Client]:
    """A client of `address`, or of a `TemporaryServer` that lives as long as the block."""
    server = TemporaryServer() if address is None else None
    client = connect(server.address if server else str(address), **options)
    try:
        yield client
    finally:
        client.close()
        if server is not None:
            server.stop()
