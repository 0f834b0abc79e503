"""Parameter importance against the truth: Sibyl's GP Sobol indices, its model-free
correlation ratio, and Optuna's default evaluator (fANOVA) and PED-ANOVA, each given the
same random-search trials of functions whose Sobol total effects are known.

Scores per run: top-k (the k truly important parameters, those with a total effect
above 1%, are the estimate's first k) and L1 (the distance between the estimate's
shares and the true total effects normalized to sum 1; 0 is perfect, 2 the worst).

    python -m benchmarks.importance [--seeds 10] [--trials 30,100]
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

import numpy as np
import optuna

from benchmarks.tables import save_table
from sibyl_server.domain.study import Goal, MetricSpec, ParameterSpec, StudySpec
from sibyl_server.engine import importance as sibyl_importance
from sibyl_server.engine.interface import Observation
from sibyl_server.engine.sampling import decode_unit_point

Point = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    name: str
    spec: StudySpec
    function: Callable[[Point], float]


def _unit_space(dims: int) -> StudySpec:
    parameters = tuple(ParameterSpec.double(f"x{i}", 0.0, 1.0) for i in range(dims))
    return StudySpec(parameters, (MetricSpec("y", Goal.MINIMIZE),))


PROBLEMS = (
    # Two of six matter: total effects 0.931 (x0) and 0.069 (x1).
    Problem(
        "two of six", _unit_space(6), lambda p: 3 * math.sin(2 * math.pi * p["x0"]) + 2 * p["x1"]
    ),
    # x0 and x1 act only together (no main effect), x2 alone: 0.84, 0.84, 0.16.
    Problem(
        "interaction",
        _unit_space(6),
        lambda p: 8 * (p["x0"] - 0.5) * (p["x1"] - 0.5) + p["x2"],
    ),
    # Ten parameters, decaying effects: 1, 1/2, 1/4, ... of the first five.
    Problem(
        "decaying, 10-d",
        _unit_space(10),
        lambda p: sum(2.0**-i * math.sin(2 * math.pi * p[f"x{i}"]) for i in range(5)),
    ),
)


def truth(problem: Problem) -> dict[str, float]:
    """Total effects by Sobol estimation on the function itself, normalized to sum 1."""

    def evaluate(points: list[Point]) -> np.ndarray:
        return np.array([problem.function(p) for p in points])

    indices = sibyl_importance.sobol_indices(
        problem.spec.parameters, evaluate, np.random.default_rng(12345), samples=20_000
    )
    return _normalized({name: total for name, (_, total) in indices.items()})


def _normalized(weights: dict[str, float]) -> dict[str, float]:
    total = sum(max(w, 0.0) for w in weights.values())
    return {k: max(w, 0.0) / total if total > 0 else 0.0 for k, w in weights.items()}


def random_trials(problem: Problem, count: int, seed: int) -> list[Observation]:
    rng = np.random.default_rng(seed)
    dims = len(problem.spec.parameters)
    points = [decode_unit_point(problem.spec.parameters, u) for u in rng.random((count, dims))]
    return [Observation(p, {"y": problem.function(p)}) for p in points]


def sibyl_gp(problem: Problem, trials: Sequence[Observation], seed: int) -> dict[str, float]:
    result = sibyl_importance.parameter_importance(problem.spec, trials, "y", seed)
    assert result.method is sibyl_importance.ImportanceMethod.GP_SOBOL
    return {p.parameter: p.importance for p in result.importances}


def sibyl_model_free(
    problem: Problem, trials: Sequence[Observation], seed: int
) -> dict[str, float]:
    rows = [(o.parameters, o.metrics["y"]) for o in trials]
    ratios = sibyl_importance.correlation_ratios(problem.spec, rows)
    return _normalized({name: first for name, (first, _) in ratios.items()})


def _optuna_study(problem: Problem, trials: Sequence[Observation]) -> optuna.Study:
    study = optuna.create_study(direction="minimize")
    distributions = {
        p.name: optuna.distributions.FloatDistribution(p.min_value, p.max_value)
        for p in problem.spec.parameters
    }
    study.add_trials(
        optuna.trial.create_trial(
            params=dict(o.parameters), distributions=distributions, value=o.metrics["y"]
        )
        for o in trials
    )
    return study


def optuna_evaluator(
    make: Callable[[int], Any],
) -> Callable[[Problem, Sequence[Observation], int], dict[str, float]]:
    def estimate(problem: Problem, trials: Sequence[Observation], seed: int) -> dict[str, float]:
        study = _optuna_study(problem, trials)
        found = optuna.importance.get_param_importances(study, evaluator=make(seed))
        return _normalized({name: float(found.get(name, 0.0)) for name in _names(problem)})

    return estimate


def _names(problem: Problem) -> list[str]:
    return [p.name for p in problem.spec.parameters]


METHODS: dict[str, Callable[[Problem, Sequence[Observation], int], dict[str, float]]] = {
    "Sibyl GP Sobol": sibyl_gp,
    "Sibyl correlation ratio": sibyl_model_free,
    "Optuna fANOVA (default)": optuna_evaluator(
        lambda seed: optuna.importance.FanovaImportanceEvaluator(seed=seed)
    ),
    "Optuna PED-ANOVA": optuna_evaluator(
        lambda seed: optuna.importance.PedAnovaImportanceEvaluator()
    ),
}


def scores(estimate: dict[str, float], true: dict[str, float]) -> tuple[bool, float]:
    important = {name for name, share in true.items() if share > 0.01}
    ranked = sorted(estimate, key=lambda name: -estimate[name])
    top_k = set(ranked[: len(important)]) == important
    l1 = sum(abs(estimate.get(name, 0.0) - share) for name, share in true.items())
    return top_k, l1


def run(problems: Sequence[Problem], sizes: Sequence[int], seeds: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for problem in problems:
        true = truth(problem)
        for size in sizes:
            results: dict[str, list[tuple[bool, float, float]]] = {m: [] for m in METHODS}
            for seed in range(seeds):
                trials = random_trials(problem, size, seed)
                for method, estimate in METHODS.items():
                    began = time.perf_counter()
                    found = estimate(problem, trials, seed)
                    results[method].append((*scores(found, true), time.perf_counter() - began))
            rows += _summary(problem.name, size, results)
    return rows


def _summary(
    problem: str, size: int, results: dict[str, list[tuple[bool, float, float]]]
) -> list[list[Any]]:
    reference = median(l1 for _, l1, _ in results["Sibyl GP Sobol"])
    rows = []
    for method, runs in results.items():
        l1 = median(run[1] for run in runs)
        rows.append(
            [
                problem,
                size,
                method,
                f"{sum(run[0] for run in runs)}/{len(runs)}",
                l1,
                l1 / reference if reference > 0 else float("nan"),
                median(run[2] for run in runs),
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", default="30,100", help="trials per study, comma-separated")
    parser.add_argument("--smoke", action="store_true", help="1 seed, one problem: checks it runs")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    problems = PROBLEMS[:1] if args.smoke else PROBLEMS
    sizes = [20] if args.smoke else [int(n) for n in args.trials.split(",")]
    seeds = 1 if args.smoke else args.seeds
    rows = run(problems, sizes, seeds)
    headers = [
        "problem", "trials", "method", "top-k right", "median L1", "L1 / Sibyl GP", "median s",
    ]  # fmt: skip
    preamble = (
        "Parameter importance against the known Sobol total effects (random-search "
        f"trials, seeds 0-{seeds - 1}; lower L1 is better). The correlation ratio, fANOVA "
        "and PED-ANOVA estimate main effects: on the interaction problem those are not "
        "the total effects they are scored against.\n"
        f"Command: python -m benchmarks.importance --seeds {seeds} --trials "
        f"{','.join(map(str, sizes))}"
    )
    print(preamble)
    print(save_table("importance", headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
