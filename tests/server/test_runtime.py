"""The process's CPU quota and device, resolved once into the engine's options."""

from __future__ import annotations

import os

import torch

from sibyl_server.engine.engine import Engine
from sibyl_server.engine.options import EngineOptions
from sibyl_server.runtime import cpu_quota, resolve_device, resolve_engine_options


def test_the_cpu_quota_is_at_least_one_and_at_most_the_cpus_available() -> None:
    assert 1 <= cpu_quota() <= len(os.sched_getaffinity(0))


def test_auto_is_cuda_when_present_else_cpu() -> None:
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cuda:1") == "cuda:1"


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
