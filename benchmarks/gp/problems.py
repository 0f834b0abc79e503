"""Benchmark problems: standard synthetic functions and one real tuning task.

Every problem is minimized. Synthetic ones know their optimum, so results are simple
regret; the real one (an SVC on scikit-learn's digits) reports the best 3-fold
cross-validated error found, lower is better.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import torch
from botorch.test_functions import Ackley, Branin, Hartmann, Levy, Rosenbrock
from botorch.test_functions.synthetic import SyntheticTestFunction

from sibyl_server.domain.study import ParameterSpec, ScaleType


@dataclass(frozen=True)
class Problem:
    """A search space, a function to minimize over it, and its optimum when known."""

    name: str
    parameters: tuple[ParameterSpec, ...]
    evaluate: Callable[[dict[str, Any]], float]
    optimum: float | None

    @property
    def continuous(self) -> bool:
        return all(p.type.name == "DOUBLE" for p in self.parameters)

    def regret(self, value: float) -> float:
        return value if self.optimum is None else value - self.optimum


def synthetic(name: str, function: SyntheticTestFunction) -> Problem:
    bounds = function.bounds.tolist()
    parameters = tuple(
        ParameterSpec.double(f"x{i}", low, high)
        for i, (low, high) in enumerate(zip(*bounds, strict=True))
    )

    def evaluate(values: dict[str, Any]) -> float:
        x = torch.tensor([[values[p.name] for p in parameters]], dtype=torch.float64)
        return float(function.evaluate_true(x).item())

    return Problem(name, parameters, evaluate, float(function.optimal_value))


@cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    features, labels = load_digits(return_X_y=True)
    # A fixed 900-sample subset keeps one evaluation near 0.1 s.
    order = np.random.default_rng(0).permutation(len(labels))[:900]
    return features[order] / 16.0, labels[order]


def svc_error(values: dict[str, Any], features: np.ndarray, labels: np.ndarray) -> float:
    """The 3-fold cross-validated error of an SVC with `values` (SVC_DIGITS's parameters)."""
    from sklearn.model_selection import cross_val_score
    from sklearn.svm import SVC

    model = SVC(
        C=values["C"],
        gamma=values["gamma"],
        kernel=values["kernel"],
        degree=values["degree"],
        coef0=values["coef0"],
    )
    return 1.0 - float(cross_val_score(model, features, labels, cv=3).mean())


def _svc_digits_error(values: dict[str, Any]) -> float:
    return svc_error(values, *digits())


SVC_DIGITS = Problem(
    "svc-digits",
    (
        ParameterSpec.double("C", 1e-3, 1e3, ScaleType.LOG),
        ParameterSpec.double("gamma", 1e-5, 1e1, ScaleType.LOG),
        ParameterSpec.categorical("kernel", ["rbf", "poly", "sigmoid"]),
        ParameterSpec.integer("degree", 2, 5),
        ParameterSpec.double("coef0", -1.0, 1.0),
    ),
    _svc_digits_error,
    None,
)

PROBLEMS: dict[str, Problem] = {
    p.name: p
    for p in (
        synthetic("branin", Branin()),
        synthetic("hartmann6", Hartmann(dim=6)),
        synthetic("ackley6", Ackley(dim=6, bounds=[(-5.0, 10.0)] * 6)),
        synthetic("levy6", Levy(dim=6)),
        synthetic("rosenbrock4", Rosenbrock(dim=4)),
        SVC_DIGITS,
    )
}
