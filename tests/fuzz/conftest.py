"""Fixtures of the fuzz suite: a world per store and authentication mode, the server log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.fuzz.world import World
from tests.support.servers import ServerThread


class RecordedLog(logging.Handler):
    """Keeps every record of WARNING and above that reaches the root logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def server_log() -> Iterator[RecordedLog]:
    """What the in-process servers log (their loggers propagate to the root)."""
    handler = RecordedLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.fixture(scope="module", params=("auth-off", "auth-on"))
def world(
    request: pytest.FixtureRequest, store_url: str, server: ServerThread, server_log: RecordedLog
) -> Iterator[World]:
    """A team on the shared server (authentication off) or on a server of its own
    with token authentication."""
    with_auth = request.param == "auth-on"
    own = ServerThread(store_url, auth="token", device="cpu") if with_auth else None
    world = World((own or server).address, store_url, auth=with_auth)
    try:
        yield world
    finally:
        world.close()
        if own is not None:
            own.stop()
