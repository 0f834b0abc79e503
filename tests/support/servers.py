"""Real servers for tests (see sibyl_server.local)."""

from sibyl_server.local import InProcessServer as ServerThread
from sibyl_server.local import LocalServer as ServerProcess

__all__ = ["ServerProcess", "ServerThread"]
