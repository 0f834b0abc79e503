"""Decodes the google.rpc error details a Sibyl server sends, with protobuf alone.

The server attaches a google.rpc.Status (with ErrorInfo and BadRequest details) to
every error, in the `grpc-status-details-bin` trailer. The messages are declared
here in a private descriptor pool, by field number only, so the thin client needs
neither googleapis-common-protos nor grpcio-status, and never clashes with them
when they are installed too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

DETAILS_KEY = "grpc-status-details-bin"
_ERROR_INFO_URL = "type.googleapis.com/google.rpc.ErrorInfo"
_BAD_REQUEST_URL = "type.googleapis.com/google.rpc.BadRequest"

_F = descriptor_pb2.FieldDescriptorProto


def _file() -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto(
        name="sibyl_client_rpc_details.proto", package="google.rpc", syntax="proto3"
    )
    any_like = file.message_type.add(name="AnyLike")
    _add(any_like, "type_url", 1, _F.TYPE_STRING)
    _add(any_like, "value", 2, _F.TYPE_BYTES)
    status = file.message_type.add(name="Status")
    _add(status, "code", 1, _F.TYPE_INT32)
    _add(status, "message", 2, _F.TYPE_STRING)
    _add(status, "details", 3, _F.TYPE_MESSAGE, ".google.rpc.AnyLike", repeated=True)
    info = file.message_type.add(name="ErrorInfo")
    _add(info, "reason", 1, _F.TYPE_STRING)
    _add(info, "domain", 2, _F.TYPE_STRING)
    entry = info.nested_type.add(name="MetadataEntry")
    entry.options.map_entry = True
    _add(entry, "key", 1, _F.TYPE_STRING)
    _add(entry, "value", 2, _F.TYPE_STRING)
    _add(info, "metadata", 3, _F.TYPE_MESSAGE, ".google.rpc.ErrorInfo.MetadataEntry", True)
    bad_request = file.message_type.add(name="BadRequest")
    violation = bad_request.nested_type.add(name="FieldViolation")
    _add(violation, "field", 1, _F.TYPE_STRING)
    _add(violation, "description", 2, _F.TYPE_STRING)
    _add(
        bad_request,
        "field_violations",
        1,
        _F.TYPE_MESSAGE,
        ".google.rpc.BadRequest.FieldViolation",
        True,
    )
    return file


def _add(
    message: Any, name: str, number: int, kind: int, type_name: str = "", repeated: bool = False
) -> None:
    item = message.field.add(
        name=name,
        number=number,
        type=kind,
        label=_F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL,
    )
    if type_name:
        item.type_name = type_name


_pool = descriptor_pool.DescriptorPool()
_pool.Add(_file())
_Status = message_factory.GetMessageClass(_pool.FindMessageTypeByName("google.rpc.Status"))
_ErrorInfo = message_factory.GetMessageClass(_pool.FindMessageTypeByName("google.rpc.ErrorInfo"))
_BadRequest = message_factory.GetMessageClass(_pool.FindMessageTypeByName("google.rpc.BadRequest"))


@dataclass(frozen=True)
class ErrorDetails:
    """What a server error says beyond its code and message."""

    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    field_violations: tuple[tuple[str, str], ...] = ()


def decode_details(trailing_metadata: Any) -> ErrorDetails:
    """Reads ErrorInfo and BadRequest from a call's trailing metadata, if present."""
    raw = next((v for k, v in trailing_metadata or () if k == DETAILS_KEY), None)
    if not isinstance(raw, bytes):
        return ErrorDetails()
    try:
        status = _Status.FromString(raw)
        return _collect(status.details)
    except DecodeError:
        return ErrorDetails()


def _collect(details: Any) -> ErrorDetails:
    reason, domain, metadata, violations = "", "", {}, []
    for item in details:
        if item.type_url == _ERROR_INFO_URL:
            info = _ErrorInfo.FromString(item.value)
            reason, domain, metadata = info.reason, info.domain, dict(info.metadata)
        elif item.type_url == _BAD_REQUEST_URL:
            bad = _BadRequest.FromString(item.value)
            violations += [(v.field, v.description) for v in bad.field_violations]
    return ErrorDetails(reason, domain, metadata, tuple(violations))
