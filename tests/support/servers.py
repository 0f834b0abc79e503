"""Real servers for tests (see sibyl_server.local), and the mark for those on uvloop."""

import pytest

from sibyl_server.local import InProcessServer as ServerThread
from sibyl_server.local import LocalServer as ServerProcess
from sibyl_server.runtime import resolve_event_loop

needs_uvloop = pytest.mark.skipif(
    resolve_event_loop("uvloop") is None, reason="uvloop does not import here"
)

__all__ = ["ServerProcess", "ServerThread", "needs_uvloop"]
