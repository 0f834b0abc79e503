"""uvicorn in the event loop of the gRPC server: started with it, drained with it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette

from sibyl_server.config import split_address

log = logging.getLogger(__name__)
BACKLOG = 2048  # uvicorn's default


def _not_a_drain_cancel(record: logging.LogRecord) -> bool:
    # RunningServer.stop already logs one line for the calls a drain cancels, on both ports.
    return not str(record.msg).startswith("Cancel %s running task(s)")


logging.getLogger("uvicorn.error").addFilter(_not_a_drain_cancel)


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # `sibyl serve` owns SIGTERM and SIGINT: its shutdown stops this server too.
        yield


class HttpServer:
    """An HTTP server on a socket bound at once; `start()` serves, `stop()` drains."""

    def __init__(self, app: Starlette, address: str, tls: tuple[str, str] | None) -> None:
        """Binds `address` (host:port, port 0 picks one).

        Raises:
            OSError: the address cannot be bound. ValueError: it is not host:port.
        """
        cert_file, key_file = tls or (None, None)
        config = uvicorn.Config(
            app,
            http="h11",
            lifespan="off",
            log_config=None,  # the server's own logging stays as configured
            log_level="warning",
            access_log=False,  # calls are logged (and counted) by the servicers
            server_header=False,
            proxy_headers=False,
            ssl_certfile=cert_file,
            ssl_keyfile=key_file,
            backlog=BACKLOG,
        )
        config.load()  # here, so that a problem shows at start-up rather than in a task
        self._server = _Server(config)
        self._socket = bind_socket(address)
        self.port: int = self._socket.getsockname()[1]
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve([self._socket]))
        self._task.add_done_callback(_log_failure)

    async def stop(self, grace: float | None) -> None:
        """No new connections; requests in flight get `grace` s (None: all the time needed)."""
        self._server.config.timeout_graceful_shutdown = grace  # type: ignore[assignment]
        self._server.should_exit = True
        if self._task is None:
            self._socket.close()
        else:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def bind_socket(address: str) -> socket.socket:
    """A TCP socket bound to `address` (host:port; an IPv6 host in brackets)."""
    host, port = split_address(address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # Listening now, not once uvicorn's task runs: connections from the moment the
        # server is started wait in the backlog instead of being refused.
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the HTTP server stopped", exc_info=task.exception())
