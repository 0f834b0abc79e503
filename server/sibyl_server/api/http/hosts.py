"""Which Host names the HTTP port answers to: the defence against DNS rebinding.

A web page on another site can make a browser send requests to 127.0.0.1 by pointing
its own name at that address; the browser then treats the answers as that site's own
and hands them to its scripts. Such a request still carries the other site's name in
its Host header, so answering only to names this server is known by closes the hole
(without tokens, `--auth none`, it would otherwise expose every study to any page).
"""

from __future__ import annotations

import grpc
from starlette.types import ASGIApp, Receive, Scope, Send

from sibyl_server.api.http.status import transport_error

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_INTERFACE = frozenset({"", "0.0.0.0", "::"})


def allowed_hosts(http_address: str, configured: str) -> frozenset[str] | None:
    """The names to answer to, lower case and without port; None answers to any.

    `configured` (--http-allowed-hosts, comma-separated, `*` for any) wins; without it,
    the host of `http_address`, plus every loopback name when that host is one. A server
    on every interface (0.0.0.0) cannot know the names it is reached by: any.
    """
    names = {name.strip().lower().rstrip(".") for name in configured.split(",")} - {""}
    if names:
        return None if "*" in names else frozenset(names)
    host = http_address.rsplit(":", 1)[0].strip("[]").lower()
    if host in ANY_INTERFACE:
        return None
    if host in LOOPBACK_NAMES or host.startswith("127."):
        return LOOPBACK_NAMES | {host}
    return frozenset({host})


def host_name(header: str) -> str:
    """The name in a Host header, without its port: `[::1]:80` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name.rstrip(".")


class HostCheck:
    """ASGI middleware: a request naming another host gets 403 before any route runs."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None) -> None:
        self._app = app
        self._hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._hosts is not None:
            header = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            name = host_name(header)
            if name not in self._hosts:
                refused = transport_error(
                    grpc.StatusCode.PERMISSION_DENIED,
                    "HOST_NOT_ALLOWED",
                    f"this server does not answer to host {name!r}; it answers to "
                    f"{', '.join(sorted(self._hosts))} (set --http-allowed-hosts)",
                )
                await refused(scope, receive, send)
                return
        await self._app(scope, receive, send)
