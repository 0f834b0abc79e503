"""The benchmark's methods start and ask where they say they do, and the parallel
table compares them on the same seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks.gp.methods import METHODS, OPTUNA_STARTUP, sibyl_spec
from benchmarks.gp.problems import PROBLEMS
from benchmarks.gp_quality import batch_rows, planned_runs
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
@pytest.mark.parametrize("method", ["sibyl-gp-workers", "optuna-tpe-workers", "optuna-gp-workers"])
def test_async_workers_ask_as_each_evaluation_finishes(method: str) -> None:
    trace = METHODS[method](PROBLEMS["branin"], 12, 3, 4)
    assert len(trace.values) == 12
    # Four asks before anything finished, then one ask per finished evaluation.
    assert trace.ask_after == [0, 0, 0, 0, *range(1, 9)]


def test_parallel_runs_only_leave_the_sequential_ones_out() -> None:
    runs = planned_runs(["branin", "svc-digits"], ["sibyl-gp", "botorch-reference"], 2, [8], False)
    assert sorted(runs) == sorted(
        [(p, m, s, 8) for p in ("branin", "svc-digits") for m in ("sibyl-gp",) for s in (0, 1)]
        + [("branin", "botorch-reference", s, 8) for s in (0, 1)]  # continuous only
    )
    assert ("branin", "sibyl-gp", 0, 1) in planned_runs(["branin"], ["sibyl-gp"], 1, [8])


def test_the_parallel_table_compares_every_method_on_the_seeds_all_have_run() -> None:
    def run(method: str, seed: int, batch: int, value: float) -> dict:
        values = [value] * 10
        return {
            "problem": "branin",
            "method": method,
            "seed": seed,
            "batch": batch,
            "values": values,
            "ask_seconds": [0.1],
        }

    records = [run("sibyl-gp", s, 1, 1.0 + s) for s in range(4)]
    records += [run("optuna-tpe-workers", s, 8, 2.0) for s in range(2)]
    rows = {row[1]: row for row in batch_rows(records, [10])}
    assert rows["sibyl sequential"][3] == rows["optuna-tpe async (constant liar)"][3] == 2
    regret = PROBLEMS["branin"].regret
    expected = np.median([math.log10(regret(1.0)), math.log10(regret(2.0))])
    assert rows["sibyl sequential"][4].startswith(f"{expected:.2f} ")
