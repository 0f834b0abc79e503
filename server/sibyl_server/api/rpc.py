"""What every RPC does around its handler: identify, authenticate, authorize, account.

    @rpc(Role.WRITER, lambda r: parse_study_name(r.parent, "parent"))
    async def SuggestTrials(self, request, name): ...

The decorator authenticates the caller, parses the request's resource name, checks
the caller may act on it with the given role, runs the handler, turns domain
exceptions into statuses (one place: api/errors.py), and records metrics and logs. A
handler cannot forget access control: it only ever receives a name that passed it.

Nothing is sent to the client before the handler finished: a call that fails with
UNAVAILABLE then ends without response headers, which is what lets gRPC clients
retry it (a call whose headers arrived is committed and never retried).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
from google.protobuf import message, message_factory
from google.protobuf.descriptor import ServiceDescriptor

from sibyl_server.api.access import Access, Resource
from sibyl_server.api.errors import cancelled_status, internal_status, rich_status
from sibyl_server.domain.errors import InvalidArgument, SibylServerError
from sibyl_server.domain.team import Principal, Role
from sibyl_server.observability.context import CallInfo, current_call
from sibyl_server.observability.metrics import ServerMetrics
from sibyl_server.service.runner import Runner

log = logging.getLogger("sibyl.rpc")
T = TypeVar("T")
REQUEST_ID_KEY = "x-request-id"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/-]{1,128}")


class Servicer:
    """What the decorated handlers share: access control, metrics, the runner."""

    def __init__(
        self, access: Access, metrics: ServerMetrics, runner: Runner, access_log: bool
    ) -> None:
        self.access = access
        self.metrics = metrics
        self.runner = runner
        self.access_log = access_log

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Runs a use case's blocking work (database calls) on a store thread."""
        return await self.runner.in_store(function, *args)


@dataclass(frozen=True)
class Undecodable:
    """A request body that is not a valid message of the method's request type.

    The deserializer returns this instead of raising, so that the call is answered
    like any other bad input (INVALID_ARGUMENT, after authentication, one log line)
    rather than with UNKNOWN and a traceback from gRPC's own deserialization.
    """

    type_name: str
    size: int
    problem: str = ""
    """What is wrong with it, where the decoder says (JSON over HTTP does)."""


def add_service(server: grpc.aio.Server, service: ServiceDescriptor, servicer: Any) -> None:
    """Registers `servicer`'s methods for every RPC of `service`, read from its descriptor."""
    handlers = {
        method.name: grpc.unary_unary_rpc_method_handler(
            getattr(servicer, method.name),
            request_deserializer=_lenient_deserializer(
                message_factory.GetMessageClass(method.input_type)
            ),
            response_serializer=_serialize,
        )
        for method in service.methods
    }
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(service.full_name, handlers),)
    )


def _lenient_deserializer(cls: type[message.Message]) -> Callable[[bytes], Any]:
    def deserialize(data: bytes) -> Any:
        try:
            return cls.FromString(data)
        except (message.DecodeError, RuntimeError, ValueError):
            return Undecodable(cls.DESCRIPTOR.full_name, len(data))

    return deserialize


def _serialize(response: message.Message) -> bytes:
    return response.SerializeToString()


Handler = Callable[[Any, Any, Any], Awaitable[Any]]


def rpc(role: Role, resource: Callable[[Any], Resource]) -> Callable[[Handler], Any]:
    def decorate(handler: Handler) -> Any:
        @functools.wraps(handler)
        async def wrapper(self: Servicer, request: Any, context: grpc.aio.ServicerContext) -> Any:
            call = CallInfo(
                method=handler.__name__,
                request_id=_request_id(context),
                transport=getattr(context, "transport", "grpc"),
            )
            reset = current_call.set(call)
            started = time.perf_counter()
            status, response = None, None
            try:
                principal = await _authenticate(self, context)
                _check_decoded(request)
                name = resource(request)
                call.team, call.study = name.team, getattr(name, "study", "")
                self.access.authorize(principal, name, role)
                response = await handler(self, request, name)
            except SibylServerError as error:
                status = rich_status(error)
                call.extra["reason"] = error.reason
            except asyncio.CancelledError:
                # The client went away, or a drain ended the call: counted as such.
                status = cancelled_status()
                raise
            except Exception:
                log.exception("unhandled error")
                status = internal_status()
            finally:
                _account(self, call, status, time.perf_counter() - started)
                current_call.reset(reset)
            request_id = ((REQUEST_ID_KEY, call.request_id),)
            if status is not None:
                await context.abort(
                    status.code, status.details, (*status.trailing_metadata, *request_id)
                )
            context.set_trailing_metadata(request_id)
            return response

        return wrapper

    return decorate


def current_call_transport() -> str:
    """What the current call's answer will be written as: "grpc", or "http" (JSON)."""
    call = current_call.get()
    return call.transport if call is not None else "grpc"


async def _authenticate(servicer: Servicer, context: grpc.aio.ServicerContext) -> Principal:
    """The caller: a token is looked up in the store, on a store thread. With
    authentication off nothing is read, so the call stays on the event loop rather than
    hand itself to a thread and back."""
    metadata = context.invocation_metadata()
    if not servicer.access.enabled:
        return servicer.access.authenticate(metadata)
    return await servicer.run(servicer.access.authenticate, metadata)


def _check_decoded(request: Any) -> None:
    if isinstance(request, Undecodable):
        raise InvalidArgument(
            "request",
            request.problem
            or f"{request.size} bytes that are not a valid {request.type_name} message",
            reason="UNDECODABLE_REQUEST",
        )


def refusing_undecodable(
    method: Callable[[Any, Any], Awaitable[Any]],
) -> Callable[[Any, Any], Awaitable[Any]]:
    """`method` (request, context) of a service without the `rpc` wrapper (the health
    service), as the JSON API calls it: a body that does not decode is answered
    INVALID_ARGUMENT as every other method's is, instead of reaching the method."""

    async def checked(request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            _check_decoded(request)
        except InvalidArgument as error:
            status = rich_status(error)
            await context.abort(status.code, status.details, status.trailing_metadata)
        return await method(request, context)

    return checked


def _request_id(context: grpc.aio.ServicerContext) -> str:
    """The client's x-request-id if it sent a sane one, else a new one.

    Sane: up to 128 of letters, digits and `._:/-`. Spaces or `=` would let a caller
    write `key=value` fields of its own into the text log's line.
    """
    for key, value in context.invocation_metadata() or ():
        if key == REQUEST_ID_KEY and isinstance(value, str) and SANE_REQUEST_ID.fullmatch(value):
            return value
    return uuid.uuid4().hex


def _account(
    servicer: Servicer, call: CallInfo, status: grpc.Status | None, seconds: float
) -> None:
    code = status.code.name if status is not None else "OK"
    servicer.metrics.observe_call(call.method, code, seconds)
    level = logging.INFO if servicer.access_log else logging.DEBUG
    if code == "INTERNAL":
        level = logging.ERROR
    elif code in ("UNAVAILABLE", "RESOURCE_EXHAUSTED", "ABORTED"):
        level = max(level, logging.WARNING)
    elif code != "OK":
        level = max(level, logging.INFO)
    log.log(
        level,
        "rpc %s %s",
        call.method,
        code,
        extra={"fields": {"code": code, "ms": round(seconds * 1000, 2)}},
    )
