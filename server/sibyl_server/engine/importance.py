"""How much each parameter moves a metric: a variance decomposition of the study's model.

With enough trials, a GP is fitted to the metric (the same surrogate GP_BANDIT uses)
and its posterior mean is decomposed by Sobol indices, estimated from random points of
the whole search space: `first_order` is the share of the mean's variance a parameter
explains alone, `total_effect` the share it takes part in, interactions included. With
too few trials, or when the fit fails, a model-free estimate takes over: each
parameter's correlation ratio (the share of the observed values' variance explained by
the parameter's bins), which sees no interactions.

Pure: no I/O, seeded, CPU or GPU as the engine's options say.
"""

from __future__ import annotations

import enum
import logging
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from gpytorch import settings as gpytorch_settings

from sibyl_server.domain.study import ParameterSpec, ParameterType, StudySpec
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.fit import fit_model
from sibyl_server.engine.gp.model import surrogate
from sibyl_server.engine.interface import Observation, Parameters
from sibyl_server.engine.sampling import decode_unit_point

logger = logging.getLogger(__name__)

MIN_MODEL_TRIALS = 8
"""Fewer finished trials than this get the model-free estimate: a GP fitted to a
handful of points mostly reflects its prior."""
MAX_MODEL_TRIALS = 300
"""The most trials the model is fitted to, so that the analysis stays bounded (about 3 s
on two CPU cores for six parameters; 1,000 trials took 15 s for the same indices)."""
SOBOL_SAMPLES = 2048
"""Random points per Sobol matrix; the estimate costs (parameters + 2) times as many
posterior-mean evaluations."""
BINS = 8
"""Bins of a numeric parameter in the model-free estimate (quantiles of its values)."""


class ImportanceMethod(enum.Enum):
    GP_SOBOL = "GP_SOBOL"
    CORRELATION_RATIO = "CORRELATION_RATIO"


@dataclass(frozen=True)
class ParameterImportance:
    """Attributes:
    parameter: The parameter's name.
    importance: Its share of the metric's variation; the shares sum to 1 (0 when the
        metric did not vary). Total effects for GP_SOBOL, correlation ratios else.
    first_order: The share of the variance it explains alone.
    total_effect: The share it takes part in, interactions included; None for the
        model-free estimate.
    """

    parameter: str
    importance: float
    first_order: float
    total_effect: float | None


@dataclass(frozen=True)
class ImportanceResult:
    method: ImportanceMethod
    importances: list[ParameterImportance]
    """By decreasing importance."""
    trial_count: int
    """The finished trials with a value of the metric that the estimate used."""


def parameter_importance(
    spec: StudySpec,
    completed: Sequence[Observation],
    metric: str,
    seed: int,
    device: str = "cpu",
) -> ImportanceResult:
    """Each parameter's importance for `metric` over the `completed` trials.

    Raises:
        ValueError: Fewer than 2 trials have a finite value of `metric`.
    """
    rows = [
        (o.parameters, float(o.metrics[metric]))
        for o in completed
        if not o.infeasible and math.isfinite(o.metrics.get(metric, math.nan))
    ]
    rows = _bounded(rows, seed)
    if len(rows) < 2:
        raise ValueError(f"fewer than 2 finished trials have a value of {metric!r}")
    if len(rows) >= MIN_MODEL_TRIALS:
        try:
            return _ranked(ImportanceMethod.GP_SOBOL, _gp_sobol(spec, rows, seed, device), rows)
        except Exception as error:  # a failed fit falls back, as a suggestion step does
            logger.warning("importance: GP fit failed, model-free estimate instead: %s", error)
    return _ranked(ImportanceMethod.CORRELATION_RATIO, correlation_ratios(spec, rows), rows)


def _bounded(rows: list[tuple[Parameters, float]], seed: int) -> list[tuple[Parameters, float]]:
    """At most MAX_MODEL_TRIALS rows, drawn evenly from the whole study: the indices
    average over the whole space, which a study's latest trials (crowded near its
    incumbent) would describe poorly."""
    if len(rows) <= MAX_MODEL_TRIALS:
        return rows
    kept = sorted(random.Random(seed).sample(range(len(rows)), MAX_MODEL_TRIALS))
    return [rows[i] for i in kept]


def _ranked(
    method: ImportanceMethod,
    indices: Mapping[str, tuple[float, float | None]],
    rows: Sequence[tuple[Parameters, float]],
) -> ImportanceResult:
    """Shares of `indices` (first order, total) summing to 1, most important first."""
    weights = {
        name: max(total if total is not None else first, 0.0)
        for name, (first, total) in indices.items()
    }
    scale = sum(weights.values())
    importances = [
        ParameterImportance(name, weights[name] / scale if scale > 0 else 0.0, first, total)
        for name, (first, total) in indices.items()
    ]
    importances.sort(key=lambda p: (-p.importance, p.parameter))
    return ImportanceResult(method, importances, len(rows))


# The GP's Sobol indices ----------------------------------------------------------------


def _gp_sobol(
    spec: StudySpec, rows: Sequence[tuple[Parameters, float]], seed: int, device: str
) -> dict[str, tuple[float, float]]:
    encoding = SearchSpaceEncoding(spec.parameters)
    target = torch.device(device)
    x = torch.tensor([encoding.encode(p) for p, _ in rows], dtype=torch.float64, device=target)
    y = torch.tensor([[value] for _, value in rows], dtype=torch.float64, device=target)
    with torch.random.fork_rng(devices=[target] if target.type == "cuda" else []):
        torch.manual_seed(seed)
        with gpytorch_settings.max_cholesky_size(MAX_MODEL_TRIALS + 1):
            model = surrogate(x, y, sorted(encoding.categorical_dims))
            fit_model(model)
    model.eval()

    def mean(points: list[Parameters]) -> np.ndarray:
        encoded = torch.tensor(
            [encoding.encode(p) for p in points], dtype=torch.float64, device=target
        )
        # One point per batch (n x 1 x d), as acquisition functions evaluate: a joint
        # posterior of thousands of points would compute their whole covariance.
        with torch.no_grad():
            return model.posterior(encoded.unsqueeze(-2)).mean.reshape(-1).cpu().numpy()

    return sobol_indices(spec.parameters, mean, np.random.default_rng(seed))


def sobol_indices(
    parameters: Sequence[ParameterSpec],
    function: Callable[[list[Parameters]], np.ndarray],
    rng: np.random.Generator,
    samples: int = SOBOL_SAMPLES,
) -> dict[str, tuple[float, float]]:
    """(first order, total effect) of each parameter for `function` of configurations
    drawn uniformly from the space (Saltelli's first-order and Jansen's total-effect
    estimators). A child of a conditional parameter varies only where it is active."""
    a = _draw(parameters, rng, samples)
    b = _draw(parameters, rng, samples)
    f_a, f_b = function(a), function(b)
    variance = float(np.var(np.concatenate([f_a, f_b])))
    indices: dict[str, tuple[float, float]] = {}
    for parameter in parameters:
        mixed = [
            {**row, parameter.name: other[parameter.name]} for row, other in zip(a, b, strict=True)
        ]
        f_ab = function(mixed)
        if variance <= 0:
            indices[parameter.name] = (0.0, 0.0)
            continue
        first = float(np.mean(f_b * (f_ab - f_a))) / variance
        total = 0.5 * float(np.mean((f_a - f_ab) ** 2)) / variance
        indices[parameter.name] = (min(max(first, 0.0), 1.0), min(max(total, 0.0), 1.0))
    return indices


def _draw(
    parameters: Sequence[ParameterSpec], rng: np.random.Generator, count: int
) -> list[Parameters]:
    """Every parameter gets a value; encoding drops those of inactive children."""
    return [decode_unit_point(parameters, row) for row in rng.random((count, len(parameters)))]


# The model-free estimate ---------------------------------------------------------------


def correlation_ratios(
    spec: StudySpec, rows: Sequence[tuple[Parameters, float]]
) -> dict[str, tuple[float, None]]:
    values = np.array([value for _, value in rows])
    ratios: dict[str, tuple[float, None]] = {}
    for parameter in spec.parameters:
        groups = _groups(parameter, [p.get(parameter.name) for p, _ in rows])
        ratios[parameter.name] = (_epsilon_squared(values, list(groups.values())), None)
    return ratios


def _epsilon_squared(values: np.ndarray, groups: list[list[int]]) -> float:
    """The share of variance between `groups`, less what as many random groups would
    explain (the correlation ratio's small-sample bias); 0 when it cannot be told."""
    n, k = len(values), len(groups)
    total = float(np.sum((values - values.mean()) ** 2))
    if total <= 0 or n <= k:
        return 0.0
    between = sum(len(g) * (values[g].mean() - values.mean()) ** 2 for g in groups)
    within = (total - between) / (n - k)
    return max(0.0, float(between - (k - 1) * within) / total)


def _groups(parameter: ParameterSpec, column: Sequence[object]) -> dict[object, list[int]]:
    """Row indices by bin: each category (or discrete value), quantile bins of a range
    (about 3 rows or more each); rows where the parameter is inactive form a group."""
    numeric = parameter.type in (ParameterType.DOUBLE, ParameterType.INTEGER)
    present = [float(v) for v in column if v is not None] if numeric else []
    bins = max(2, min(BINS, len(present) // 3))
    quantiles = np.linspace(0, 1, bins + 1)[1:-1]
    edges = np.unique(np.quantile(present, quantiles)) if present else None
    groups: dict[object, list[int]] = {}
    for index, value in enumerate(column):
        if value is None:
            key: object = None
        elif numeric and edges is not None:
            key = int(np.searchsorted(edges, float(value), side="right"))
        else:
            key = value
        groups.setdefault(key, []).append(index)
    return groups
