"""What every reply must satisfy, whatever was sent: the contract's error rules."""

from __future__ import annotations

import importlib
import logging
import math
import re
from dataclasses import dataclass

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, MethodDescriptor
from google.rpc import error_details_pb2, status_pb2

from tests.fuzz.world import Reply

# gRPC clients refuse trailers over 8 KiB by default (grpc.max_metadata_size),
# counting each entry's name, value and 32 bytes of HPACK overhead.
MAX_TRAILER_BYTES = 8 * 1024
ENTRY_OVERHEAD = 32
DETAILS_KEY = "grpc-status-details-bin"
ERROR_DOMAIN = "sibyl"
# What a request can rightly be answered with, by a team without quotas, one call at
# a time. INTERNAL and UNKNOWN are bugs; RESOURCE_EXHAUSTED here would be a reply too
# big for the client; UNIMPLEMENTED is allowed for RPCs the server does not implement.
ERROR_CODES = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.ALREADY_EXISTS,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.PERMISSION_DENIED,
    }
)


@dataclass(frozen=True)
class Failure:
    """A decoded error reply."""

    code: grpc.StatusCode
    reason: str
    field: str = ""


def trailer_bytes(reply: Reply) -> int:
    """The size of the reply's trailers as the client's limit counts them."""
    size = len("grpc-status") + 2 + ENTRY_OVERHEAD
    if reply.details:
        size += len("grpc-message") + _percent_encoded_length(reply.details) + ENTRY_OVERHEAD
    for key, value in reply.trailers:
        raw = value if isinstance(value, bytes) else value.encode()
        wire = math.ceil(len(raw) / 3) * 4 if key.endswith("-bin") else len(raw)
        size += len(key) + wire + ENTRY_OVERHEAD
    return size


def _percent_encoded_length(text: str) -> int:
    # grpc-message travels percent-encoded: every byte outside printable ASCII, and
    # '%' itself, takes three.
    return sum(1 if 0x20 <= byte <= 0x7E and byte != 0x25 else 3 for byte in text.encode())


def implemented(method: MethodDescriptor) -> bool:
    """Whether the server's servicer overrides the generated stub's UNIMPLEMENTED."""
    import sibyl_server.app  # noqa: F401 (defines the servicers)

    service = method.containing_service
    module_name = service.file.name.removesuffix(".proto").replace("/", ".") + "_pb2_grpc"
    module = importlib.import_module(module_name)
    base = getattr(module, f"{service.name}Servicer")
    default = getattr(base, method.name)
    servicers = [c for c in base.__subclasses__() if c.__module__.startswith("sibyl_server.")]
    return any(getattr(cls, method.name) is not default for cls in servicers)


def check_reply(reply: Reply, method: MethodDescriptor) -> Failure | None:
    """Asserts the contract's rules for any reply; returns the error, if it is one."""
    size = trailer_bytes(reply)
    assert size <= MAX_TRAILER_BYTES, f"{size} bytes of trailers ({reply.code.name})"
    if reply.code == grpc.StatusCode.OK:
        assert reply.body is not None
        message_factory.GetMessageClass(method.output_type).FromString(reply.body)
        return None
    if reply.code == grpc.StatusCode.UNIMPLEMENTED and not implemented(method):
        return Failure(reply.code, "")
    assert reply.code in ERROR_CODES, f"{reply.code.name}: {reply.details[:500]!r}"
    status = _status(reply)
    assert status.code == reply.code.value[0]
    info = _unpacked(status, error_details_pb2.ErrorInfo)
    assert info is not None, "every error carries an ErrorInfo"
    assert info.domain == ERROR_DOMAIN
    assert re.fullmatch(r"[A-Z][A-Z0-9_]*", info.reason), info.reason
    if reply.code != grpc.StatusCode.INVALID_ARGUMENT:
        return Failure(reply.code, info.reason)
    bad_request = _unpacked(status, error_details_pb2.BadRequest)
    assert bad_request is not None, "INVALID_ARGUMENT carries a BadRequest"
    assert bad_request.field_violations, "the BadRequest names a field"
    field = bad_request.field_violations[0].field
    assert info.metadata.get("field") == field
    assert _is_request_field(field, method.input_type), f"{field!r} is not a request field"
    return Failure(reply.code, info.reason, field)


def _status(reply: Reply) -> status_pb2.Status:
    raw = next((value for key, value in reply.trailers if key == DETAILS_KEY), None)
    assert isinstance(raw, bytes), f"no google.rpc.Status in the trailers of {reply.code.name}"
    return status_pb2.Status.FromString(raw)


def _unpacked(status: status_pb2.Status, cls: type) -> object | None:
    for detail in status.details:
        item = cls()
        if detail.Unpack(item):
            return item
    return None


def _is_request_field(path: str, request: Descriptor) -> bool:
    """Whether `path` (e.g. `study.spec.parameters[2].name`) starts at a request field."""
    root = re.split(r"[.\[]", path, maxsplit=1)[0]
    return root == "request" or root in request.fields_by_name


def tracebacks(records: list[logging.LogRecord]) -> list[str]:
    """The log records that carry a traceback or an error: each is a server bug."""
    return [
        f"{record.name} {record.levelname}: {record.getMessage()[:300]}"
        for record in records
        if record.exc_info or record.levelno >= logging.ERROR
    ]
