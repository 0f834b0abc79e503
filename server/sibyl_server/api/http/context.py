"""What a servicer method sees of an HTTP call: the part of grpc.aio.ServicerContext it uses.

The servicers (and the gate in front of them) read the caller's metadata, abort with a
status and set trailing metadata; the generated base class's stub of an RPC a servicer
lacks sets a code and raises NotImplementedError. Nothing else. Giving them this object instead of
gRPC's context is what lets one servicer answer both transports, with the same
authentication, validation, error mapping, metrics and logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

import grpc

Metadata = tuple[tuple[str, Any], ...]


class CallAborted(Exception):
    """Raised by `HttpCallContext.abort`: the call ends with this status."""

    def __init__(self, code: grpc.StatusCode, details: str, trailing_metadata: Metadata) -> None:
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


class HttpCallContext:
    """The servicer context of one HTTP call; request headers stand for gRPC metadata."""

    transport = "http"  # what the rpc decorator tells handlers (CallInfo.transport)

    def __init__(self, headers: Sequence[tuple[str, str]]) -> None:
        # Header names arrive lower-cased, as gRPC metadata keys are.
        self._metadata: Metadata = tuple(headers)
        self.trailing_metadata: Metadata = ()
        # Set only by the generated base class's stub of an RPC a servicer lacks.
        self.code: grpc.StatusCode | None = None
        self.details = ""

    def invocation_metadata(self) -> Metadata:
        return self._metadata

    def set_trailing_metadata(self, trailing_metadata: Sequence[tuple[str, Any]]) -> None:
        self.trailing_metadata = tuple(trailing_metadata)

    def set_code(self, code: grpc.StatusCode) -> None:
        self.code = code

    def set_details(self, details: str) -> None:
        self.details = details

    async def abort(
        self,
        code: grpc.StatusCode,
        details: str = "",
        trailing_metadata: Sequence[tuple[str, Any]] = (),
    ) -> NoReturn:
        raise CallAborted(code, details, tuple(trailing_metadata))
