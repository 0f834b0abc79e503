"""The ASGI application served on --http-address."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sibyl_server.api.http.dashboard import ALL_METHODS, dashboard_routes
from sibyl_server.api.http.hosts import HostCheck
from sibyl_server.api.http.json_api import JsonApi, json_methods, not_allowed, unknown_method
from sibyl_server.api.http.status import transport_error


def http_app(
    services: Iterable[tuple[ServiceDescriptor, Any]],
    max_body_bytes: int,
    hosts: frozenset[str] | None = None,
) -> Starlette:
    """The JSON API of each (descriptor, servicer) and the dashboard; bodies of at most
    `max_body_bytes`; only requests whose Host is one of `hosts` (None: any)."""
    api = JsonApi(json_methods(services), max_body_bytes)
    app = Starlette(
        middleware=[Middleware(HostCheck, hosts=hosts)],
        # The dashboard's paths have no dot in their first segment, so no RPC's can clash.
        # Every HTTP method reaches the API's endpoint: a path that is no RPC is a 404
        # whatever the method, and only an RPC's path answers 405 to a GET.
        routes=[*dashboard_routes(), Route("/{service}/{method}", api.call, methods=ALL_METHODS)],
        exception_handlers={HTTPException: _routing_error, Exception: _internal_error},
    )
    # A redirect would make clients repeat a POST body (or, like curl, drop it): a 404.
    app.router.redirect_slashes = False
    return app


async def _routing_error(request: Request, error: Exception) -> Response:
    """Starlette's own 404 and 405, answered like every other error: a Status as JSON."""
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return unknown_method(request.url.path)
    allowed = (error.headers or {}).get("Allow", "POST").split(", ")
    return not_allowed(request.method, request.url.path, allowed)


async def _internal_error(request: Request, error: Exception) -> Response:
    # A bug in this layer (the servicers answer their own): JSON like every other error;
    # Starlette then raises it on, and uvicorn logs its traceback once.
    return transport_error(
        grpc.StatusCode.INTERNAL, "INTERNAL", "internal error; the server log has the details"
    )
