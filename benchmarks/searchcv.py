"""SibylSearchCV vs RandomizedSearchCV vs GridSearchCV at an equal number of fits.

For each problem and seed: the seed picks the train/test split and each search's
random state; the three searches get the same budget of candidates (the grid has
k points per parameter, k^d candidates), the same folds, and are scored on the same
held-out test set by their refitted best estimator. Reports mean and median of the best
cross-validated score and of the test score over the seeds, and on how many seeds
Sibyl's best CV score beat RandomizedSearchCV's (ties count half).

One `sibyl serve` process on a temporary SQLite file serves every study, with the
default algorithm (gp_bandit).

    python -m benchmarks.searchcv [--seeds 10] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import loguniform, randint
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from benchmarks.tables import save_table
from sibyl.integrations.sklearn import SibylSearchCV
from sibyl_server.local import LocalServer

METHODS = ("sibyl", "random", "grid")


@dataclass(frozen=True)
class Problem:
    """An estimator, a dataset and a space, with the grid GridSearchCV gets at k^d fits."""

    name: str
    estimator: Callable[[], Any]
    data: Callable[[], tuple[np.ndarray, np.ndarray]]
    space: dict[str, Any]
    grid: Callable[[int], dict[str, list[Any]]]
    points_per_parameter: int


def _log_grid(low: float, high: float, k: int) -> list[float]:
    return [float(v) for v in np.geomspace(low, high, k)]


def _int_grid(low: int, high: int, k: int) -> list[int]:
    return sorted({int(round(v)) for v in np.linspace(low, high, k)})


PROBLEMS = (
    Problem(
        "svc-digits",
        SVC,
        lambda: load_digits(return_X_y=True),
        {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)},
        lambda k: {"C": _log_grid(1e-2, 1e3, k), "gamma": _log_grid(1e-5, 1e-1, k)},
        5,
    ),
    Problem(
        "hgb-breast-cancer",
        lambda: HistGradientBoostingClassifier(max_iter=50, early_stopping=False),
        lambda: load_breast_cancer(return_X_y=True),
        {
            "learning_rate": loguniform(1e-3, 1.0),
            "max_leaf_nodes": randint(2, 64),
            "min_samples_leaf": randint(1, 50),
            "l2_regularization": loguniform(1e-4, 10.0),
        },
        lambda k: {
            "learning_rate": _log_grid(1e-3, 1.0, k),
            "max_leaf_nodes": _int_grid(2, 63, k),
            "min_samples_leaf": _int_grid(1, 49, k),
            "l2_regularization": _log_grid(1e-4, 10.0, k),
        },
        2,
    ),
)


def run_search(
    method: str, problem: Problem, seed: int, data: tuple[np.ndarray, ...], address: str
) -> tuple[float, float, int]:
    """(best CV score, test score, fits) of one search."""
    X_train, X_test, y_train, y_test = data
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    k = problem.points_per_parameter
    n_iter = k ** len(problem.space)
    options: dict[str, Any] = {"cv": cv, "n_jobs": 1}
    if method == "sibyl":
        search: Any = SibylSearchCV(
            problem.estimator(), problem.space, n_iter=n_iter, random_state=seed,
            address=address, **options,
        )  # fmt: skip
    elif method == "random":
        search = RandomizedSearchCV(
            problem.estimator(), problem.space, n_iter=n_iter, random_state=seed, **options
        )
    else:
        search = GridSearchCV(problem.estimator(), problem.grid(k), **options)
    search.fit(X_train, y_train)
    fits = len(search.cv_results_["params"]) * cv.get_n_splits()
    return float(search.best_score_), float(search.score(X_test, y_test)), fits


def summarize(problem: str, scores: dict[str, list[tuple[float, float, int]]]) -> list[list[Any]]:
    sibyl_cv = [s[0] for s in scores["sibyl"]]
    random_cv = [s[0] for s in scores["random"]]
    pairs = zip(sibyl_cv, random_cv, strict=True)
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs)
    rows = []
    for method in METHODS:
        cv_scores = [s[0] for s in scores[method]]
        test_scores = [s[1] for s in scores[method]]
        rows.append(
            [
                problem,
                method,
                scores[method][0][2],
                len(cv_scores),
                round(statistics.mean(cv_scores), 4),
                round(statistics.median(cv_scores), 4),
                round(statistics.mean(test_scores), 4),
                round(statistics.median(test_scores), 4),
                f"{wins:g}/{len(cv_scores)}" if method == "sibyl" else "",
            ]
        )
    return rows


def run_problem(
    problem: Problem, seeds: int, address: str
) -> dict[str, list[tuple[float, float, int]]]:
    X, y = problem.data()
    scores: dict[str, list[tuple[float, float, int]]] = {m: [] for m in METHODS}
    for seed in range(seeds):
        data = tuple(train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y))
        for method in METHODS:
            scores[method].append(run_search(method, problem, seed, data, address))
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--problems", default=",".join(p.name for p in PROBLEMS))
    parser.add_argument("--smoke", action="store_true", help="2 seeds, small data: checks it runs")
    args = parser.parse_args()
    seeds = 2 if args.smoke else args.seeds
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    # One thread per fit: OpenMP threads fighting over shared cores made small
    # gradient-boosting fits 70 times slower here, and every method fits one at a time.
    threadpool_limits(1)
    problems = [p for p in PROBLEMS if p.name in args.problems.split(",")]
    rows: list[list[Any]] = []
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as scratch,
        LocalServer(f"sqlite:///{Path(scratch) / 'bench.db'}", Path(scratch)) as server,
    ):
        for problem in problems:
            problem = _smaller(problem) if args.smoke else problem
            rows += summarize(problem.name, run_problem(problem, seeds, server.address))
    headers = [
        "problem", "method", "fits", "seeds", "mean best CV", "median best CV",
        "mean test", "median test", "sibyl beats random (CV)",
    ]  # fmt: skip
    preamble = (
        "# SibylSearchCV vs RandomizedSearchCV vs GridSearchCV at equal fits\n\n"
        f"`python -m benchmarks.searchcv --seeds {seeds}` on {platform.machine()}, "
        f"{time.strftime('%Y-%m-%d')}, {time.monotonic() - began:.0f} s. Accuracy, 3-fold "
        "stratified CV on 75% of the data, test on the other 25%; seed = split and search "
        "random state. One fit at a time, one thread. Sibyl with its default algorithm "
        "(gp_bandit)."
    )
    print(save_table("searchcv", headers, rows, preamble, save=not args.smoke))


def _smaller(problem: Problem) -> Problem:
    """The problem on 300 samples, its first two parameters, 2 points each: seconds."""
    load, names = problem.data, list(problem.space)[:2]

    def data() -> tuple[np.ndarray, np.ndarray]:
        X, y = load()
        return X[:300], y[:300]

    def grid(k: int) -> dict[str, list[Any]]:
        return {name: values for name, values in problem.grid(k).items() if name in names}

    space = {name: problem.space[name] for name in names}
    return Problem(problem.name, problem.estimator, data, space, grid, 2)


if __name__ == "__main__":
    main()
