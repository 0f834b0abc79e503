"""Transfer across studies: GP_BANDIT with and without prior studies (docs/transfer.md).

Two families of related tasks, each with one unrelated task:
- synthetic: Hartmann6 is the study; related priors are Hartmann6 shifted by up to
  0.02 per coordinate (its optimum moves with it) and scaled (2x + 1, 0.5x - 1); the
  unrelated prior is a quadratic bowl centred far from Hartmann6's optimum.
- svc: an SVC (C, gamma, kernel, degree, coef0) on scikit-learn's digits is the study;
  related priors tune the same SVC on breast_cancer and wine; the unrelated prior tunes
  it on digits with shuffled labels (chance everywhere: nothing to learn).
- svc-versions: the same study; the related priors tune the SVC on other versions of
  its data, the 897 digits its 900 leave out (a new batch) and its own 900 at 4 x 4
  pixels (another resolution); the unrelated prior is the shuffled-label one.

Each prior is a GP_BANDIT run of PRIOR_TRIALS trials on its task (seeded per run). The
study then runs for 20 evaluations under each condition (no prior; no prior with the
2-trial initial design priors get; one or two related priors; the unrelated one; a
related and the unrelated one), on the engine as the service calls it. Reported: the
median over seeds of log10 simple regret (synthetic) or of the best 3-fold CV error
(svc) after 10 and 20 evaluations, the difference to no prior, and each prior's median
weight in the steps that chose the 10th and the 20th trial.

    nice -n 10 python -m benchmarks.transfer [--seeds 5] [--jobs 2] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import torch
from botorch.test_functions import Hartmann

from benchmarks.gp.problems import PROBLEMS, SVC_DIGITS, digits, svc_error
from benchmarks.runs import run_in_pool
from benchmarks.tables import save_table
from sibyl_server.domain.study import (
    TRANSFER_INITIAL_TRIALS,
    Algorithm,
    Goal,
    MetricSpec,
    ParameterSpec,
    PriorStudy,
    StudySpec,
)
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import (
    METADATA_PRIOR_WEIGHTS,
    Observation,
    PriorObservations,
    SuggestionRequest,
)
from sibyl_server.engine.options import EngineOptions

METRIC = "value"
BUDGET = 20
CHECKPOINTS = (10, 20)
PRIOR_TRIALS = 40
CONDITIONS: dict[str, tuple[str, ...]] = {
    "no prior": (),
    "no prior, 2 initial": (),
    "1 related": ("related-a",),
    "2 related": ("related-a", "related-b"),
    "unrelated": ("unrelated",),
    "related + unrelated": ("related-a", "unrelated"),
}
SHORT_DESIGN = "no prior, 2 initial"
"""No prior and the initial design priors get (2 trials): what the priors add beyond it."""
HARTMANN6 = PROBLEMS["hartmann6"]
DIGITS_ROWS = 900
"""The study's SVC task sees this many of digits' images (`benchmarks.gp.problems.digits`)."""
SHIFT = 0.02
"""A related Hartmann6 is shifted by up to this much per coordinate (the cube's side is 1)."""
Task = Callable[[dict[str, Any]], float]


@dataclass(frozen=True)
class Family:
    """A study's task and its priors' tasks, on one search space (all minimized)."""

    name: str
    parameters: tuple[ParameterSpec, ...]
    target: Task
    priors: Callable[[int], dict[str, Task]]
    """The prior tasks of one seed, by prior name."""
    score: Callable[[float], float]
    """What the table reports of a best value: log10 regret, or the value itself."""


# The synthetic family ------------------------------------------------------------------

BOWL_CENTRE = np.array([0.9, 0.9, 0.1, 0.9, 0.9, 0.1])


def _hartmann(shift: np.ndarray, scale: float, offset: float) -> Task:
    function = Hartmann(dim=6)

    def evaluate(values: dict[str, Any]) -> float:
        # Hartmann6 is defined on the unit cube only: the shifted edge is held flat.
        x = np.clip(np.array([values[f"x{i}"] for i in range(6)]) - shift, 0.0, 1.0)
        value = function.evaluate_true(torch.from_numpy(x).unsqueeze(0))
        return scale * float(value.item()) + offset

    return evaluate


def _bowl(values: dict[str, Any]) -> float:
    x = np.array([values[f"x{i}"] for i in range(6)])
    return float(np.sum((x - BOWL_CENTRE) ** 2))


def _hartmann_priors(seed: int) -> dict[str, Task]:
    shifts = np.random.default_rng(seed).uniform(-SHIFT, SHIFT, size=(2, 6))
    return {
        "related-a": _hartmann(shifts[0], 2.0, 1.0),
        "related-b": _hartmann(shifts[1], 0.5, -1.0),
        "unrelated": _bowl,
    }


def _log_regret(best: float) -> float:
    return math.log10(max(HARTMANN6.regret(best), 1e-12))


# The SVC family --------------------------------------------------------------------------


@cache
def _dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_breast_cancer, load_wine
    from sklearn.preprocessing import StandardScaler

    loader = {"breast_cancer": load_breast_cancer, "wine": load_wine}[name]
    features, labels = loader(return_X_y=True)
    return StandardScaler().fit_transform(features), labels


def _svc_error(data: Callable[[], tuple[np.ndarray, np.ndarray]]) -> Task:
    def evaluate(values: dict[str, Any]) -> float:
        return svc_error(values, *data())

    return evaluate


@cache
def _shuffled_digits() -> tuple[np.ndarray, np.ndarray]:
    features, labels = digits()
    return features, np.random.default_rng(0).permutation(labels)


def _svc_priors(seed: int) -> dict[str, Task]:
    return {
        "related-a": _svc_error(lambda: _dataset("breast_cancer")),
        "related-b": _svc_error(lambda: _dataset("wine")),
        "unrelated": _svc_error(_shuffled_digits),
    }


@cache
def _other_digits() -> tuple[np.ndarray, np.ndarray]:
    """The digits the study's task leaves out (897 images): a new batch of the same data."""
    from sklearn.datasets import load_digits

    features, labels = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(labels))[DIGITS_ROWS:]
    return features[order] / 16.0, labels[order]


@cache
def _coarse_digits() -> tuple[np.ndarray, np.ndarray]:
    """The study's digits at 4 x 4 pixels (each the mean of a 2 x 2 block): the same
    images at another resolution, 16 features instead of 64."""
    features, labels = digits()
    images = features.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4))
    return images.reshape(len(labels), 16), labels


def _svc_versions_priors(seed: int) -> dict[str, Task]:
    return {
        "related-a": _svc_error(_other_digits),
        "related-b": _svc_error(_coarse_digits),
        "unrelated": _svc_error(_shuffled_digits),
    }


FAMILIES = {
    "hartmann6": Family(
        "hartmann6",
        HARTMANN6.parameters,
        _hartmann(np.zeros(6), 1.0, 0.0),
        _hartmann_priors,
        _log_regret,
    ),
    "svc": Family("svc", SVC_DIGITS.parameters, SVC_DIGITS.evaluate, _svc_priors, float),
    "svc-versions": Family(
        "svc-versions", SVC_DIGITS.parameters, SVC_DIGITS.evaluate, _svc_versions_priors, float
    ),
}


# Runs ------------------------------------------------------------------------------------


def spec(
    parameters: tuple[ParameterSpec, ...],
    seed: int,
    priors: Sequence[str],
    initial_trials: int | None = None,
) -> StudySpec:
    return StudySpec(
        parameters,
        (MetricSpec(METRIC, Goal.MINIMIZE),),
        Algorithm.GP_BANDIT,
        seed=seed,
        num_initial_trials=initial_trials,
        prior_studies=tuple(PriorStudy(name) for name in priors),
    )


def optimize(
    task: Task,
    parameters: tuple[ParameterSpec, ...],
    budget: int,
    seed: int,
    priors: Sequence[PriorObservations] = (),
    initial_trials: int | None = None,
) -> tuple[list[Observation], list[dict[str, float]]]:
    """`budget` sequential GP_BANDIT steps on `task`: the trials, and the priors'
    weights each trial was chosen with (empty for the initial design's)."""
    engine = Engine(EngineOptions(device="cpu", torch_threads=1))
    study = spec(parameters, seed, [prior.name for prior in priors], initial_trials)
    completed: list[Observation] = []
    state: dict[str, Any] = {}
    weights: list[dict[str, float]] = []
    while len(completed) < budget:
        request = SuggestionRequest(study, completed, [], 1, seed, state, priors)
        result = engine.suggest(request)
        state = result.state
        for suggestion in result.suggestions:
            value = task(suggestion.parameters)
            completed.append(Observation(suggestion.parameters, {METRIC: value}))
            weights.append(json.loads(suggestion.metadata.get(METADATA_PRIOR_WEIGHTS, "{}")))
    return completed, weights


def run(family_name: str, seed: int, budget: int, prior_trials: int) -> dict:
    """Every condition of one family and seed, the priors run once and shared."""
    family = FAMILIES[family_name]
    tasks = family.priors(seed)
    priors = {
        name: PriorObservations(
            name,
            family.parameters,
            MetricSpec(METRIC, Goal.MINIMIZE),
            optimize(task, family.parameters, prior_trials, 1000 + seed)[0],
        )
        for name, task in tasks.items()
    }
    record: dict[str, Any] = {"family": family_name, "seed": seed, "conditions": {}}
    for condition, names in CONDITIONS.items():
        started = time.perf_counter()
        initial = TRANSFER_INITIAL_TRIALS if condition == SHORT_DESIGN else None
        chosen = [priors[n] for n in names]
        trials, weights = optimize(family.target, family.parameters, budget, seed, chosen, initial)
        values = [t.metrics[METRIC] for t in trials]
        record["conditions"][condition] = {
            "best": [min(values[:k]) for k in range(1, len(values) + 1)],
            "weights": weights,
            "seconds": time.perf_counter() - started,
        }
    return record


# The table -------------------------------------------------------------------------------


def table_rows(records: list[dict], checkpoints: Sequence[int]) -> list[list[object]]:
    rows: list[list[object]] = []
    for family_name, family in FAMILIES.items():
        runs = [r for r in records if r["family"] == family_name]
        if not runs:
            continue
        medians = {c: _medians(runs, c, family, checkpoints) for c in CONDITIONS}
        for condition in CONDITIONS:
            differences = [
                medians[condition][i] - medians["no prior"][i] for i in range(len(checkpoints))
            ]
            rows.append(
                [
                    family_name,
                    condition,
                    *medians[condition],
                    *differences,
                    _weights(runs, condition, checkpoints),
                ]
            )
    return rows


def _medians(
    runs: list[dict], condition: str, family: Family, checkpoints: Sequence[int]
) -> list[float]:
    return [
        statistics.median(family.score(r["conditions"][condition]["best"][k - 1]) for r in runs)
        for k in checkpoints
    ]


def _weights(runs: list[dict], condition: str, checkpoints: Sequence[int]) -> str:
    """Each prior's median weight in the steps that chose the checkpoints' trials, e.g.
    "related-a 0.71 / 0.25"."""
    return (
        ", ".join(
            f"{name} "
            + " / ".join(f"{_median_weight(runs, condition, name, k):.2f}" for k in checkpoints)
            for name in CONDITIONS[condition]
        )
        or "-"
    )


def _median_weight(runs: list[dict], condition: str, name: str, evaluation: int) -> float:
    return statistics.median(
        r["conditions"][condition]["weights"][evaluation - 1].get(name, 0.0) for r in runs
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--families", nargs="+", default=list(FAMILIES))
    parser.add_argument("--smoke", action="store_true", help="tiny budget; writes nothing")
    args = parser.parse_args(argv)
    budget, prior_trials, seeds = (BUDGET, PRIOR_TRIALS, args.seeds)
    checkpoints = CHECKPOINTS
    if args.smoke:
        budget, prior_trials, seeds, checkpoints = 4, 5, 1, (2, 4)
    started = time.perf_counter()
    runs = [(f, seed, budget, prior_trials) for f in args.families for seed in range(seeds)]
    records = run_in_pool(run, runs, args.jobs, None)
    at = [f"median at {k}" for k in checkpoints]
    weights = "weights at " + " / ".join(str(k) for k in checkpoints)
    headers = ["family", "priors", *at, *[f"vs none at {k}" for k in checkpoints], weights]
    preamble = (
        f"`nice -n 10 python -m benchmarks.transfer --seeds {seeds} --jobs {args.jobs}`, "
        f"{platform.processor() or platform.machine()}, "
        f"{time.perf_counter() - started:.0f} s. hartmann6: log10 simple regret; svc and "
        "svc-versions: best 3-fold CV error on digits. Medians over seeds 0-"
        f"{seeds - 1}; 'vs none' is the difference to no prior (negative is better); "
        "weights: each prior's median weight in the steps that chose those evaluations "
        "(the study's own GP has the rest)."
    )
    print(
        save_table("transfer", headers, table_rows(records, checkpoints), preamble, not args.smoke)
    )


if __name__ == "__main__":
    main()
