"""The benchmark's swapped-start methods start where they say they do."""

from __future__ import annotations

import pytest

from benchmarks.gp.methods import METHODS, OPTUNA_STARTUP, sibyl_spec
from benchmarks.gp.problems import PROBLEMS
from sibyl_server.domain.study import Algorithm


@pytest.mark.slow
@pytest.mark.parametrize("problem", ["branin", "svc-digits"])
def test_each_gp_method_can_start_from_the_others_initial_design(problem: str) -> None:
    spec_start = sibyl_spec(PROBLEMS[problem], Algorithm.GP_BANDIT, 3).initial_trials()
    budget = max(OPTUNA_STARTUP, spec_start) + 2

    def values(method: str) -> list[float]:
        return METHODS[method](PROBLEMS[problem], budget, 3, 1).values

    sibyl, optuna = values("sibyl-gp"), values("optuna-gp")
    sibyl_from_optuna = values("sibyl-gp-from-optuna-start")
    optuna_from_sibyl = values("optuna-gp-from-sibyl-start")
    assert sibyl_from_optuna[:OPTUNA_STARTUP] == optuna[:OPTUNA_STARTUP]
    assert optuna_from_sibyl[:spec_start] == sibyl[:spec_start]
    assert sibyl[:spec_start] != optuna[:spec_start]  # the two designs do differ
    assert len(sibyl_from_optuna) == len(optuna_from_sibyl) == budget


@pytest.mark.slow
def test_async_workers_ask_as_each_evaluation_finishes() -> None:
    trace = METHODS["sibyl-gp-workers"](PROBLEMS["branin"], 12, 3, 4)
    assert len(trace.values) == 12
    # Four asks before anything finished, then one ask per finished evaluation.
    assert trace.ask_after == [0, 0, 0, 0, *range(1, 9)]
