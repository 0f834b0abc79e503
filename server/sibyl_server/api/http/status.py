"""Errors over HTTP: a google.rpc.Status as JSON, under the HTTP status matching its code."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from starlette.responses import Response

from sibyl_server.api.errors import ERROR_DOMAIN
from sibyl_server.api.http.context import CallAborted, Metadata
from sibyl_server.api.http.proto_json import message_to_json

JSON = "application/json"
DETAILS_KEY = "grpc-status-details-bin"

# The mapping google.rpc.Code documents for each code (and grpc-gateway uses).
HTTP_STATUS: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.UNAUTHENTICATED: 401,
}


def json_response(message: Message, http_status: int = 200, headers: Metadata = ()) -> Response:
    """`message` in the proto3 JSON mapping (lowerCamelCase names, defaults left out)."""
    body = message_to_json(message)
    return Response(body, http_status, dict(headers), media_type=JSON)


def aborted_response(aborted: CallAborted) -> Response:
    """The status a servicer aborted with, its details included, and its plain trailers."""
    status = _status_of(aborted)
    headers = [(k, v) for k, v in aborted.trailing_metadata if not k.endswith("-bin")]
    if aborted.code == grpc.StatusCode.UNAUTHENTICATED:
        headers.append(("www-authenticate", "Bearer"))  # what RFC 6750 asks of a 401
    return json_response(status, HTTP_STATUS.get(aborted.code, 500), tuple(headers))


def _status_of(aborted: CallAborted) -> status_pb2.Status:
    for key, value in aborted.trailing_metadata:
        if key == DETAILS_KEY:
            return status_pb2.Status.FromString(value)
    return status_pb2.Status(code=aborted.code.value[0], message=aborted.details)


def transport_error(
    code: grpc.StatusCode, reason: str, message: str, http_status: int | None = None
) -> Response:
    """An error found before any servicer ran (path, media type, size), with ErrorInfo."""
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=reason, domain=ERROR_DOMAIN))
    status = status_pb2.Status(code=code.value[0], message=message, details=[info])
    return json_response(status, http_status or HTTP_STATUS[code])
