"""What the current call is about, for every log line it causes.

The call's facts live in a context variable; work handed to thread pools runs in a
copy of the caller's context (`in_call_context`), so the use cases' log lines carry
them too.
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class CallInfo:
    """Facts about one RPC, filled in as the call learns them."""

    method: str
    request_id: str
    team: str = ""
    study: str = ""
    transport: str = "grpc"
    """"grpc", or "http" for the JSON API: what the answer will be written as."""
    extra: dict[str, Any] = field(default_factory=dict)

    def log_fields(self) -> dict[str, Any]:
        fields = {"method": self.method, "request_id": self.request_id}
        if self.team:
            fields["team"] = self.team
        if self.study:
            fields["study"] = self.study
        return {**fields, **self.extra}


current_call: contextvars.ContextVar[CallInfo | None] = contextvars.ContextVar(
    "sibyl_current_call", default=None
)


def in_call_context(function: Callable[..., T], *args: Any) -> Callable[[], T]:
    """`function(*args)` bound to a copy of the current context, for a thread pool."""
    return functools.partial(contextvars.copy_context().run, function, *args)


class CallContextFilter(logging.Filter):
    """Adds the current call's fields to every record (as `record.fields`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        call = current_call.get()
        if call is not None:
            record.fields = {**call.log_fields(), **getattr(record, "fields", {})}
        return True
