"""How one call is made: its options, its deadline, and its retries.

Every Sibyl RPC is safe to retry (the contract says how each one is), so a call that
fails with UNAVAILABLE (the server or its database is away) or ABORTED (a conflict
worth retrying) is retried with exponential backoff for as long as `RetryConfig`
allows: a worker rides out a replica restart or a database outage without an error
reaching its own code.

gRPC's own retry policy cannot do this: it stops after 5 attempts (a few seconds),
and never retries a call once the server sent response headers.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import Message

from sibyl.errors import UnavailableError, from_rpc_error

log = logging.getLogger("sibyl")
RETRIED_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED})


@dataclass(frozen=True)
class RetryConfig:
    """Retries of calls that failed with UNAVAILABLE or ABORTED.

    Every Sibyl call is safe to retry (see the proto), so this covers all of them.
    """

    window_seconds: float = 60.0
    """How long after its first failure a call keeps being retried, once this client
    has reached the server (a restart or an outage of the database is ridden out)."""
    connect_window_seconds: float = 10.0
    """The same before this client ever reached the server: a wrong address fails
    within this time, with a message that names it."""
    initial_backoff_seconds: float = 0.1
    """Wait before the first retry; later waits grow by `backoff_multiplier`."""
    max_backoff_seconds: float = 2.0
    """Longest wait between two attempts."""
    backoff_multiplier: float = 2.0
    """Growth of the wait from one retry to the next."""

    def __post_init__(self) -> None:
        for name in ("window_seconds", "connect_window_seconds", "initial_backoff_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryConfig.{name} must be 0 or more")
        if self.backoff_multiplier < 1:
            raise ValueError("RetryConfig.backoff_multiplier must be at least 1")


NO_RETRY = RetryConfig(window_seconds=0.0, connect_window_seconds=0.0)
"""For calls whose caller handles failures itself."""


@dataclass(frozen=True)
class CallOptions:
    """Per-call settings; unset fields take the connection's.

    Attributes:
        timeout_seconds: Deadline of each attempt.
        metadata: Extra gRPC metadata sent with the call.
        retry: Retries of this call.
    """

    timeout_seconds: float | None = None
    metadata: Sequence[tuple[str, str]] = ()
    retry: RetryConfig | None = None


class Caller:
    """Makes calls on one channel: deadline, metadata, retries, typed errors."""

    def __init__(
        self, address: str, timeout_seconds: float, retry: RetryConfig, metadata: Sequence[Any]
    ) -> None:
        self.address = address
        self._timeout = timeout_seconds
        self._retry = retry
        self._metadata = tuple(metadata)
        self._reached = threading.Event()

    def invoke(
        self, method: Callable[..., Any], request: Message, options: CallOptions | None = None
    ) -> Any:
        """Calls `method` (a stub's bound method); failures raise a `SibylError` subclass."""
        options = options or CallOptions()
        timeout = options.timeout_seconds if options.timeout_seconds is not None else self._timeout
        metadata = self._metadata + tuple(options.metadata)
        retry = options.retry or self._retry
        attempts = _Attempts(retry, self._reached.is_set())
        while True:
            try:
                response = method(request, timeout=timeout, metadata=metadata)
            except ValueError as error:  # grpc's word for a call on a closed channel
                if "closed channel" not in str(error):
                    raise
                raise RuntimeError(
                    "the client was closed (close(), or its `with` block ended): "
                    "connect again to make calls"
                ) from None
            except grpc.RpcError as error:
                if not _answered_by_server(error):
                    attempts.unreachable = True
                else:
                    self._reached.set()
                    attempts.answered()
                if error.code() not in RETRIED_CODES or not attempts.wait(error, self.address):
                    raise self._typed(error, attempts) from None
                continue
            self._reached.set()
            return response

    def _typed(self, error: grpc.RpcError, attempts: _Attempts) -> Exception:
        typed = from_rpc_error(error)
        if isinstance(typed, UnavailableError) and attempts.count > 1:
            reach = (
                f"could not reach a Sibyl server at {self.address}"
                if attempts.unreachable and not self._reached.is_set()
                else f"the Sibyl server at {self.address} stayed unavailable"
            )
            hint = (
                " Is `sibyl serve` running there, and is the address right?"
                if not self._reached.is_set()
                else ""
            )
            typed.message = (
                f"{reach} for {attempts.elapsed():.0f} s ({attempts.count} attempts): "
                f"{typed.message}.{hint}"
            )
            typed.args = (typed.message,)
        return typed


class _Attempts:
    """The attempts of one call: how long to wait before the next, and whether to."""

    def __init__(self, retry: RetryConfig, reached: bool) -> None:
        self._retry = retry
        self._window = retry.window_seconds if reached else retry.connect_window_seconds
        self._began = time.monotonic()
        self._backoff = retry.initial_backoff_seconds
        self.count = 1
        self.unreachable = False

    def elapsed(self) -> float:
        return time.monotonic() - self._began

    def answered(self) -> None:
        """The server answered: its UNAVAILABLE (a server still waiting for its database)
        is an outage to ride out, so the call retries for the longer window from now."""
        self._window = max(self._window, self._retry.window_seconds)

    def wait(self, error: grpc.RpcError, address: str) -> bool:
        """Sleeps before the next attempt; False once the retry window is used up."""
        # Full jitter: workers that failed together do not come back together.
        delay = random.uniform(0, self._backoff)
        if self.elapsed() + delay > self._window:
            return False
        if self.count == 1:
            log.warning(
                "sibyl: %s at %s (%s); retrying for up to %.0f s",
                error.code().name,
                address,
                _first_line(error.details() or ""),
                self._window,
            )
        time.sleep(delay)
        self._backoff = min(
            self._backoff * self._retry.backoff_multiplier, self._retry.max_backoff_seconds
        )
        self.count += 1
        return True


def _answered_by_server(error: grpc.RpcError) -> bool:
    """Whether the server itself answered (its errors carry Sibyl's details)."""
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    return any(key == "grpc-status-details-bin" for key, _ in trailers or ())


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else ""
