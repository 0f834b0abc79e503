"""What the process runs on: its event loop, and its CPU quota and device resolved once
into the engine's options."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
import torch

from sibyl_server.app import engine_options
from sibyl_server.config import load_config
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.options import CUDA_FROM_OBSERVATIONS, EngineOptions
from sibyl_server.local import InProcessServer
from sibyl_server.runtime import (
    cpu_quota,
    event_loop_library,
    new_event_loop,
    resolve_device,
    resolve_engine_options,
    resolve_event_loop,
    running_event_loop,
)
from tests.support.servers import needs_uvloop


def test_the_cpu_quota_is_at_least_one_and_at_most_the_cpus_available() -> None:
    assert 1 <= cpu_quota() <= len(os.sched_getaffinity(0))


def test_auto_is_cuda_when_present_else_cpu() -> None:
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cuda:1") == "cuda:1"


def test_auto_keeps_small_steps_on_the_cpu_where_it_finds_cuda() -> None:
    auto = resolve_engine_options(EngineOptions())
    assert auto.cpu_below == (CUDA_FROM_OBSERVATIONS if torch.cuda.is_available() else 0)
    named = resolve_engine_options(EngineOptions(device="cuda:1", cpu_threads=1))
    assert named.cpu_below == 0 and named.device_for(1) == "cuda:1"


def test_options_are_resolved_from_the_process_unless_given() -> None:
    resolved = resolve_engine_options(EngineOptions(num_restarts=3))
    assert resolved.resolved and resolved.cpu_threads == cpu_quota()
    assert resolved.num_restarts == 3
    given = EngineOptions(device="cpu", cpu_threads=3)
    assert resolve_engine_options(given) == given
    legacy = resolve_engine_options(EngineOptions(device="cpu", torch_threads=2))
    assert legacy.cpu_threads == 2


def test_an_engine_resolves_options_its_caller_did_not() -> None:
    assert Engine(EngineOptions(device="cpu")).options.cpu_threads == cpu_quota()
    given = EngineOptions(device="cpu", cpu_threads=2)
    assert Engine(given).options is given


def test_the_server_passes_its_engine_settings_to_the_engine() -> None:
    config = load_config(["--device", "cpu", "--max-exact-trials", "5000", "--torch-threads", "3"])
    options = engine_options(config)
    assert (options.device, options.max_exact_observations, options.cpu_threads) == (
        "cpu",
        5000,
        3,
    )


@pytest.mark.parametrize(
    ("choice", "loop"),
    [
        pytest.param("auto", "uvloop", marks=needs_uvloop),
        pytest.param("uvloop", "uvloop", marks=needs_uvloop),
        ("asyncio", "asyncio"),
    ],
)
def test_the_event_loop_is_uvloop_where_it_imports(choice: str, loop: str) -> None:
    assert resolve_event_loop(choice) == loop
    made = new_event_loop(loop)
    try:
        assert event_loop_library(made) == loop
    finally:
        made.close()


def test_without_uvloop_auto_falls_back_and_uvloop_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # `import uvloop` raises ImportError
    assert resolve_event_loop("auto") == "asyncio"
    assert resolve_event_loop("uvloop") is None
    with pytest.raises(ValueError, match="uvloop is not installed"):
        InProcessServer("memory://", event_loop="uvloop")


@pytest.mark.parametrize("loop", [pytest.param("uvloop", marks=needs_uvloop), "asyncio"])
def test_a_server_in_this_process_runs_on_the_loop_asked_for(loop: str) -> None:
    server = InProcessServer("memory://", event_loop=loop)
    try:
        running = asyncio.run_coroutine_threadsafe(_running_loop(), server.loop).result(10)
        assert running == loop
    finally:
        server.stop()


async def _running_loop() -> str:
    return running_event_loop()
