"""A step's CPU threads: one for small steps, the quota for large ones, set for the
calling thread where torch allows it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from dataclasses import replace

import pytest
import torch
from botorch.models.model import Model

from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp import model as gp_model
from sibyl_server.engine.gp import threads as threads_module
from sibyl_server.engine.gp.threads import mkl_threads, step_threads
from sibyl_server.engine.interface import METADATA_ALGORITHM, SuggestionRequest
from tests.server.engine.gp.studies import FAST, LOSS, X, gp_spec, observe


@pytest.mark.parametrize(("threaded_observations", "expected"), [(1000, 1), (10, 2)])
def test_a_step_uses_one_cpu_thread_unless_its_training_set_is_large(
    monkeypatch: pytest.MonkeyPatch, threaded_observations: int, expected: int
) -> None:
    """Small steps run single-threaded (EngineOptions.threads_for), MKL included; the
    thread's count is restored after the step."""
    fit = gp_model.fit_model
    seen: list[int] = []
    seen_by_mkl: list[int | None] = []

    def recording_fit(model: Model, warm_started: bool = False) -> None:
        seen.append(torch.get_num_threads())
        seen_by_mkl.append(mkl_threads())
        fit(model, warm_started)

    monkeypatch.setattr(gp_model, "fit_model", recording_fit)
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 12)
    original = torch.get_num_threads()
    options = replace(FAST, cpu_threads=2, threaded_observations=threaded_observations)
    engine = Engine(options)
    result = engine.suggest(SuggestionRequest(spec, completed, [], 1, 7, {}))
    assert torch.get_num_threads() == original
    assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert seen == [expected]
    assert seen_by_mkl in ([None], [expected])


def test_a_step_leaves_other_threads_counts_alone() -> None:
    """Engine workers whose steps overlap keep their own counts."""
    original = torch.get_num_threads()
    other = 1 if original > 1 else 2
    inside, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def step() -> None:
        with step_threads(other):
            seen.append(torch.get_num_threads())
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=step)
    worker.start()
    assert inside.wait(10)
    during = torch.get_num_threads()
    release.set()
    worker.join()
    assert seen == [other]
    assert during == original
    assert torch.get_num_threads() == original


def test_a_process_that_never_set_torchs_count_keeps_it_through_steps() -> None:
    """In a fresh process (as the server is) steps set only their own thread's count."""
    script = textwrap.dedent(
        """
        import torch
        from sibyl_server.engine.gp.threads import mkl_threads, step_threads

        def process_wide(count):
            raise AssertionError("a step set the process's thread count")

        torch.set_num_threads = process_wide
        for count in (1, 2, 1):
            with step_threads(count):
                assert torch.get_num_threads() == count
                assert mkl_threads() in (None, count)
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_once_mkls_count_is_fixed_for_the_process_a_step_still_gets_its_own() -> None:
    original = torch.get_num_threads()
    other = 1 if original > 1 else 2
    torch.set_num_threads(original)  # as libraries do: MKL's count is now process-wide
    with step_threads(other):
        assert torch.get_num_threads() == other
        assert mkl_threads() in (None, other)
    assert torch.get_num_threads() == original
    assert mkl_threads() in (None, original)


def test_botorchs_blas_limit_comes_from_the_one_controller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gen_candidates_scipy's `threadpool_limits` (the mixed optimizer's continuous steps)
    still limits BLAS to one thread and restores it, without building a controller."""
    from botorch.generation import gen
    from threadpoolctl import ThreadpoolController, threadpool_info

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    shared = threads_module.threadpools()  # the one controller, made before counting
    before = blas_threads()
    built: list[object] = []
    original_init = ThreadpoolController.__init__

    def counting_init(self: ThreadpoolController) -> None:
        built.append(self)
        original_init(self)

    monkeypatch.setattr(ThreadpoolController, "__init__", counting_init)
    with gen.threadpool_limits(limits=1, user_api="blas"):
        inside = {i["num_threads"] for i in shared.info() if i["user_api"] == "blas"}
    assert inside == {1}
    assert built == []
    monkeypatch.undo()
    assert blas_threads() == before
