"""Where the use cases' blocking work runs: one boundary between the event loop and threads.

Store work (short transactions) runs on the store's threads, engine work (GP fits) on
the engine's, so that a fit never holds up a report or a completion. Each call carries
the caller's context (request id, method) into its thread, so log lines name the call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from sibyl_server.observability.context import in_call_context

T = TypeVar("T")


class Runner:
    def __init__(self, store_executor: Executor, engine_executor: Executor) -> None:
        self._store_executor = store_executor
        self._engine_executor = engine_executor

    def in_store(self, function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """`function(*args)` on a store thread. A future, not a coroutine: a caller may
        shield it, and learn how it ended after being cancelled."""
        return self._submit(self._store_executor, function, *args)

    def in_engine(self, function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """`function(*args)` on an engine thread."""
        return self._submit(self._engine_executor, function, *args)

    @staticmethod
    def _submit(executor: Executor, function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(executor, in_call_context(function, *args))
