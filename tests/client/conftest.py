"""The client suites' shared fixture: a client of the module's real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import sibyl
from tests.support.servers import ServerThread


@pytest.fixture(scope="module")
def client(request: pytest.FixtureRequest, server: ServerThread) -> Iterator[sibyl.Client]:
    """A client of the module's server, connected with the module's `CLIENT_OPTIONS`
    (e.g. its own team, so that modules sharing a store never see each other's studies)."""
    options = getattr(request.module, "CLIENT_OPTIONS", {})
    with sibyl.connect(server.address, **options) as connected:
        yield connected
