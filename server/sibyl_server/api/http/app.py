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

from sibyl_server.api.http.dashboard import dashboard_routes
from sibyl_server.api.http.hosts import HostCheck
from sibyl_server.api.http.json_api import JsonApi, json_methods, unknown_method
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
        routes=[*dashboard_routes(), Route("/{service}/{method}", api.call, methods=["POST"])],
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
    allowed = (error.headers or {}).get("Allow", "POST")
    response = transport_error(
        grpc.StatusCode.UNIMPLEMENTED,
        "HTTP_METHOD_NOT_ALLOWED",
        f"{request.method} is not served at {request.url.path}; it takes {allowed}",
        http_status=error.status_code,
    )
    response.headers.update(error.headers or {})
    return response


async def _internal_error(request: Request, error: Exception) -> Response:
    # A bug in this layer (the servicers answer their own): JSON like every other error;
    # Starlette then raises it on, and uvicorn logs its traceback once.
    return transport_error(
        grpc.StatusCode.INTERNAL, "INTERNAL", "internal error; the server log has the details"
    )
