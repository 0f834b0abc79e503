"""What the process runs on: its event loop, CPU quota and torch device, read once at start."""

from __future__ import annotations

import asyncio
import gc
import math
import os
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from sibyl_server.engine.options import AUTO, CUDA_FROM_OBSERVATIONS, EngineOptions


def resolve_engine_options(options: EngineOptions) -> EngineOptions:
    """`options` with its device and CPU thread count resolved for this process.

    Call once at start: it reads the cgroup's CPU quota and asks torch for CUDA. Where
    "auto" finds CUDA, small steps stay on the CPU (`CUDA_FROM_OBSERVATIONS`); a device
    named explicitly runs every step.
    """
    threads = options.cpu_threads or options.torch_threads or cpu_quota()
    device = resolve_device(options.device)
    cpu_below = options.cpu_below
    if options.device == AUTO and device != "cpu" and not cpu_below:
        cpu_below = CUDA_FROM_OBSERVATIONS
    return replace(options, device=device, cpu_threads=threads, cpu_below=cpu_below)


def resolve_device(device: str) -> str:
    """The torch device name `device` runs on ("auto": CUDA when present, else CPU)."""
    if device != AUTO:
        return device
    import torch  # slow to import, and only "auto" needs it

    return "cuda" if torch.cuda.is_available() else "cpu"


EventLoop = Literal["uvloop", "asyncio"]
EVENT_LOOPS = ("auto", "uvloop", "asyncio")
"""The choices of `ServerConfig.event_loop`: auto is uvloop where it imports."""
UVLOOP_MISSING = "event loop uvloop is not installed (pip install uvloop)"


def resolve_event_loop(choice: str) -> EventLoop | None:
    """The event loop `choice` runs on; None where uvloop is asked for and does not
    import.

    uvloop's hand-offs between the loop and the database threads cost the interpreter
    less, and a replica's interpreter is what bounds it (docs/operations.md#event-loop).
    """
    if choice == "asyncio":
        return "asyncio"
    if _uvloop() is not None:
        return "uvloop"
    return "asyncio" if choice == "auto" else None


def run_on_event_loop(name: EventLoop, coroutine: Coroutine[Any, Any, None]) -> None:
    """Runs `coroutine` to the end on a new loop of the kind `name` (resolve_event_loop's),
    as `asyncio.run` and `uvloop.run` do."""
    with asyncio.Runner(loop_factory=lambda: new_event_loop(name)) as runner:
        runner.run(coroutine)


def new_event_loop(name: EventLoop) -> asyncio.AbstractEventLoop:
    """A new loop of the kind `name` (resolve_event_loop's), for a server in a thread."""
    return _required_uvloop().new_event_loop() if name == "uvloop" else asyncio.new_event_loop()


def running_event_loop() -> str:
    """The running loop's library: "uvloop" or "asyncio"."""
    return event_loop_library(asyncio.get_running_loop())


def event_loop_library(loop: asyncio.AbstractEventLoop) -> str:
    """The library `loop` comes from: "uvloop" or "asyncio"."""
    return type(loop).__module__.split(".")[0]


def _uvloop() -> ModuleType | None:
    # Imported, not only looked up: an optional dependency (no Windows build) that is
    # present but broken must fall back as a missing one does.
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop


def _required_uvloop() -> ModuleType:
    uvloop = _uvloop()
    if uvloop is None:  # resolve_event_loop said uvloop: it imported then
        raise RuntimeError(UVLOOP_MISSING)
    return uvloop


def cpu_quota() -> int:
    """CPUs this process may use: the cgroup quota when set, else the affinity mask."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return available
    if quota == "max":
        return available
    return max(1, min(available, math.floor(int(quota) / int(period))))


def freeze_startup_heap() -> None:
    """Moves every object alive now (torch, BoTorch, the modules: about 280,000) out of the
    garbage collector's reach.

    Call once, when the server is ready. Otherwise each full collection walks them all
    again: a ListTrials of 5,000 trials allocates enough to set off one or two, which cost
    0.1-0.2 s each and were a third of its time. What start-up left as garbage is
    collected first, so that nothing unreachable is kept for good.
    """
    gc.collect()
    gc.freeze()
