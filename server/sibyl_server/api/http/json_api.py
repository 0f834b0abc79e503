"""The JSON API: every unary RPC at `POST /{package.Service}/{Method}`, read from descriptors.

The request body is the request message in the proto3 JSON mapping; the answer is the
response message, or a google.rpc.Status (see status.py). The method table is built
from the service descriptors, and each call goes to the same servicer method as over
gRPC, so a new RPC or field is served here without code of its own. One answer is
written by the servicer itself (ListTrials, the largest: api/trial_json.py), which it
does for calls whose CallInfo.transport is "http".
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import Message
from starlette.requests import Request
from starlette.responses import Response

from sibyl_server.api.http.context import CallAborted, HttpCallContext
from sibyl_server.api.http.status import JSON, aborted_response, json_response, transport_error
from sibyl_server.api.rpc import Undecodable
from sibyl_server.api.trial_json import JsonText

Handler = Callable[[Any, HttpCallContext], Awaitable[Message]]


@dataclass(frozen=True)
class JsonMethod:
    """One RPC: the type its JSON body decodes to, and the servicer method answering it."""

    request_type: type[Message]
    handler: Handler


LARGE_ANSWER_BYTES = 256 * 1024
"""Answers larger than this are encoded on a thread (smaller ones take under about 20 ms)."""
LARGE_BODY_BYTES = 64 * 1024
"""Bodies larger than this are decoded on a thread: decoding runs before the call is
authenticated, and a 4 MiB body took seconds, which on the event loop held every other
call (gRPC's too) that long."""


def json_methods(services: Iterable[tuple[ServiceDescriptor, Any]]) -> dict[str, JsonMethod]:
    """Every unary method of each (descriptor, servicer), keyed by `/package.Service/Method`."""
    return {
        f"/{service.full_name}/{method.name}": JsonMethod(
            message_factory.GetMessageClass(method.input_type), getattr(servicer, method.name)
        )
        for service, servicer in services
        for method in service.methods
        if not (method.client_streaming or method.server_streaming)
    }


class JsonApi:
    """The endpoint behind every method path."""

    def __init__(self, methods: dict[str, JsonMethod], max_body_bytes: int) -> None:
        self._methods = methods
        self._max_body_bytes = max_body_bytes

    async def call(self, request: Request) -> Response:
        method = self._methods.get(request.url.path)
        if method is None:
            return unknown_method(request.url.path)
        if request.method != "POST":
            return not_allowed(request.method, request.url.path, ("POST",))
        content_type = request.headers.get("content-type", "")
        if not _is_json(content_type):
            return unsupported_media_type(content_type)
        body = await _read_at_most(request, self._max_body_bytes)
        if body is None:
            return too_large(self._max_body_bytes)
        context = HttpCallContext(request.headers.items())
        try:
            if len(body) > LARGE_BODY_BYTES:
                decoded = await asyncio.to_thread(_decode, body, method.request_type)
            else:
                decoded = _decode(body, method.request_type)
            response = await method.handler(decoded, context)
        except CallAborted as aborted:
            return aborted_response(aborted)
        except asyncio.CancelledError:
            return _cut_short_by_the_drain()
        except NotImplementedError:
            if context.code is None:
                raise
            # A method the servicer lacks: UNIMPLEMENTED, as gRPC answers it.
            return aborted_response(CallAborted(context.code, context.details, ()))
        if isinstance(response, JsonText):  # written on the store thread already
            return Response(response.text, 200, dict(context.trailing_metadata), media_type=JSON)
        if response.ByteSize() > LARGE_ANSWER_BYTES:
            # Encoding a large answer (0.4 s for 5,000 trials) would hold the event loop.
            return await asyncio.to_thread(json_response, response, 200, context.trailing_metadata)
        return json_response(response, headers=context.trailing_metadata)


def _cut_short_by_the_drain() -> Response:
    """The answer to a call the shutdown's drain cancelled (uvicorn cancels only then).

    A 503 the client may retry on another replica, rather than uvicorn's bare 500 and a
    traceback; the cancellation is taken back so that the answer can still be sent.
    """
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()
    return transport_error(
        grpc.StatusCode.UNAVAILABLE,
        "SERVER_SHUTTING_DOWN",
        "the server shut down before the call finished; retry it",
    )


def unknown_method(path: str) -> Response:
    return transport_error(
        grpc.StatusCode.UNIMPLEMENTED,
        "METHOD_NOT_FOUND",
        f"no method at {path}: POST /sibyl.v1.StudyService/GetStudy and the like",
        http_status=404,
    )


def not_allowed(method: str, path: str, allowed: Iterable[str]) -> Response:
    """405 for a path that exists but is not served with `method`."""
    allow = ", ".join(allowed)
    response = transport_error(
        grpc.StatusCode.UNIMPLEMENTED,
        "HTTP_METHOD_NOT_ALLOWED",
        f"{method} is not served at {path}; it takes {allow}",
        http_status=405,
    )
    response.headers["allow"] = allow
    return response


def unsupported_media_type(content_type: str) -> Response:
    # Also what keeps browsers from posting here across sites without a preflight: a
    # form, plain text or a typeless beacon is refused before it is read.
    return transport_error(
        grpc.StatusCode.INVALID_ARGUMENT,
        "UNSUPPORTED_MEDIA_TYPE",
        f"the body must be {JSON}, not {content_type or 'of no declared type'}",
        http_status=415,
    )


def too_large(limit: int) -> Response:
    # 413 rather than RESOURCE_EXHAUSTED's 429: HTTP has a status for exactly this.
    return transport_error(
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "MESSAGE_TOO_LARGE",
        f"the request body is larger than the server's limit of {limit} bytes",
        http_status=413,
    )


def _is_json(content_type: str) -> bool:
    return content_type.partition(";")[0].strip().lower() == JSON


async def _read_at_most(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, request_type: type[Message]) -> Message | Undecodable:
    """The request message; an empty body is the empty message, as `{}` is.

    A body that does not decode is handed on as Undecodable: the servicer then answers
    it as gRPC does (INVALID_ARGUMENT for "request", after authentication).
    """
    try:
        value = json.loads(body or b"{}")
        if not isinstance(value, dict):
            raise ValueError(f"a JSON object was expected, not {type(value).__name__}")
        return json_format.ParseDict(value, request_type())
    except (json_format.ParseError, ValueError, OverflowError, RecursionError) as error:
        name = request_type.DESCRIPTOR.full_name
        problem = " ".join(str(error).split())
        return Undecodable(name, len(body), problem=f"not a valid JSON {name}: {problem}")
