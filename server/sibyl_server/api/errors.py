"""The one place where domain exceptions become gRPC status codes with google.rpc details."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from sibyl_server.domain import errors

ERROR_DOMAIN = "sibyl"
# Errors travel in trailers, which gRPC clients cap (8 KiB by default): the message
# is sent twice (grpc-message and the details), so each piece is bounded.
MAX_MESSAGE_CHARS = 1024
MAX_DETAIL_CHARS = 256

STATUS_CODES: dict[type[errors.SibylServerError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.Aborted: grpc.StatusCode.ABORTED,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
}


def status_code(error: errors.SibylServerError) -> grpc.StatusCode:
    for cls in type(error).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return grpc.StatusCode.INTERNAL


def rich_status(error: errors.SibylServerError) -> grpc.Status:
    """A status whose details carry ErrorInfo, and BadRequest for invalid arguments."""
    code = status_code(error)
    metadata = {
        _bounded(key, MAX_DETAIL_CHARS): _bounded(value, MAX_DETAIL_CHARS)
        for key, value in error.metadata.items()
    }
    details = [
        error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=metadata)
    ]
    if isinstance(error, errors.InvalidArgument):
        violation = error_details_pb2.BadRequest.FieldViolation(
            field=_bounded(error.field, MAX_DETAIL_CHARS),
            description=_bounded(error.description, MAX_MESSAGE_CHARS),
        )
        details.append(error_details_pb2.BadRequest(field_violations=[violation]))
    message = status_pb2.Status(
        code=getattr(code_pb2, code.name),
        message=_bounded(error.message, MAX_MESSAGE_CHARS),
        details=[_packed(detail) for detail in details],
    )
    return rpc_status.to_status(message)


def _bounded(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with a marker saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 32]}... ({len(text) - limit + 32} more characters)"


def internal_status() -> grpc.Status:
    error = errors.SibylServerError("internal error; the server log has the details")
    message = status_pb2.Status(
        code=code_pb2.INTERNAL,
        message=error.message,
        details=[_packed(error_details_pb2.ErrorInfo(reason="INTERNAL", domain=ERROR_DOMAIN))],
    )
    return rpc_status.to_status(message)


def cancelled_status() -> grpc.Status:
    """What a call cancelled before it finished counts as (it is never sent)."""
    message = status_pb2.Status(code=code_pb2.CANCELLED, message="the call was cancelled")
    return rpc_status.to_status(message)


def _packed(detail: Any) -> any_pb2.Any:
    item = any_pb2.Any()
    item.Pack(detail)
    return item
