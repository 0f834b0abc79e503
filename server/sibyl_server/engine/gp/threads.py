"""CPU threads of a step, set for the calling thread where torch allows it.

`torch.set_num_threads` is process-wide: engine workers whose steps overlap would run
with each other's count. OpenMP's count is per thread, and torch's intra-op pool
follows it, as does MKL until something in the process calls `torch.set_num_threads`,
which fixes MKL's count for every thread. Only then does a step fall back to the
process-wide setting. Why steps differ in count: docs/engine.md#threads.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from botorch.generation import gen
from threadpoolctl import ThreadpoolController

MKL_THREADS = re.compile(r"mkl_get_max_threads\(\) : (\d+)")


@functools.cache
def threadpools() -> ThreadpoolController:
    """One controller per process: making one inspects every loaded library (2-3 ms)."""
    return ThreadpoolController()


def _limits(limits: int, user_api: str) -> Any:
    return threadpools().limit(limits=limits, user_api=user_api)


# BoTorch's gen_candidates_scipy limits BLAS to one thread with threadpoolctl's
# `threadpool_limits`, which builds a new controller at each call: a mixed-space step
# makes five or six, 12 ms of its 90-120. The same limit, from the one controller.
gen.threadpool_limits = _limits


@contextmanager
def step_threads(count: int) -> Iterator[None]:
    """Runs the calling thread's torch operations (and MKL's) on `count` CPU threads,
    then restores the previous count."""
    torch.get_num_threads()  # torch sets a thread's count once, at its first use: not inside
    with threadpools().limit(limits=count, user_api="openmp"):
        per_thread = torch.get_num_threads() == count and mkl_threads() in (None, count)
        if per_thread:
            yield
    if not per_thread:
        with process_threads(count):
            yield


@contextmanager
def process_threads(count: int) -> Iterator[None]:
    """torch's process-wide thread count (MKL's included) set to `count`, then restored.

    Used only where the per-thread count does not reach torch or MKL (see the module).
    """
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def mkl_threads() -> int | None:
    """MKL's thread count in the calling thread, as torch reports it; None without MKL."""
    found = MKL_THREADS.search(torch.__config__.parallel_info())
    return int(found.group(1)) if found else None
