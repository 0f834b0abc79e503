"""GP_BANDIT's settings: threads and restarts by the size of a step."""

from __future__ import annotations

from sibyl_server.engine.options import EngineOptions


def test_only_large_steps_use_more_than_one_thread() -> None:
    options = EngineOptions(device="cpu", cpu_threads=4, threaded_observations=1000)
    assert options.threads_for(1000) == 1
    assert options.threads_for(1001) == 4


def test_steps_below_cpu_below_run_on_the_cpu_whatever_the_device() -> None:
    options = EngineOptions(device="cuda", cpu_threads=1, cpu_below=500)
    assert options.device_for(499) == "cpu"
    assert options.device_for(500) == "cuda"
    assert EngineOptions(device="cuda", cpu_threads=1).device_for(1) == "cuda"


def test_large_studies_get_fewer_restarts_and_raw_samples() -> None:
    options = EngineOptions(device="cpu", cpu_threads=1)
    assert options.restarts_for(100) == (10, 1024)
    assert options.restarts_for(300) == (5, 512)
    assert options.restarts_for(400) == (3, 256)


def test_options_are_resolved_once_the_device_and_threads_are_set() -> None:
    assert not EngineOptions().resolved
    assert not EngineOptions(device="auto", cpu_threads=2).resolved
    assert EngineOptions(device="cpu", cpu_threads=2).resolved
